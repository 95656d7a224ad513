// Dedup records (webhook) and execution leases (executor) share the signals table:
// sort key `d#<dedupKey>` for the first, `<signalId>` for the second. Expiry is checked in code
// because DynamoDB TTL deletes lazily (and the local stand-in has no TTL at all).
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  DedupClaim,
  DedupRecord,
  ExecutionClaim,
  SignalLedger,
  SignalRecord,
} from '../../core/ports/repositories';
import { isConditionFailure } from './document-client';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

const dedupSk = (dedupKey: string): string => `d#${dedupKey}`;

export class DynamoSignalLedger implements SignalLedger {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'signals',
    actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claimDedup(record: DedupRecord, now: number): Promise<DedupClaim> {
    try {
      const { message, ...fields } = record;
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          // groupId and body as top-level attributes, where the restart requeue reads them
          Item: {
            ...fields,
            ...message,
            signalId: dedupSk(record.dedupKey),
            issuedSignalId: record.signalId,
            ttl: Math.ceil(record.expiresAt / 1000),
          },
          ConditionExpression: 'attribute_not_exists(signalId) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return { claim: 'new', signalId: record.signalId };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { accountId: record.accountId, signalId: dedupSk(record.dedupKey) },
        ConsistentRead: true,
      }),
    );
    const existing = out.Item as { status: string; issuedSignalId: string } | undefined;
    if (!existing) return this.claimDedup(record, now); // expired and deleted in between
    if (existing.status !== 'received') return { claim: 'duplicate', signalId: existing.issuedSignalId };
    // Nothing after the send marks the record: the executor's own record says the message arrived.
    const taken = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { accountId: record.accountId, signalId: existing.issuedSignalId },
        ConsistentRead: true,
        ProjectionExpression: 'signalId',
      }),
    );
    return { claim: taken.Item ? 'duplicate' : 'retry', signalId: existing.issuedSignalId };
  }

  async beginExecution(seed: SignalRecord, now: number, leaseMs: number): Promise<ExecutionClaim> {
    try {
      // ALL_OLD tells a first claim from a retaken lease in the same request, no extra read: "ALL_OLD -
      // Returns all of the attributes of the item, as they appeared before the UpdateItem operation
      // … No read capacity units are consumed. The values returned are strongly consistent." (AWS SDK
      // reference, UpdateItemRequest.returnValues,
      // https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/dynamodb/aws.sdk.kotlin.services.dynamodb.model/-update-item-request/return-values.html).
      // No row before: Attributes is absent.
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { accountId: seed.accountId, signalId: seed.signalId },
          ReturnValues: 'ALL_OLD',
          UpdateExpression:
            'SET #s = :executing, leaseUntil = :lease, updatedAt = :now, symbol = :symbol, intent = :intent, receivedAt = if_not_exists(receivedAt, :received)' +
            (seed.alertId !== undefined ? ', alertId = :alert' : '') +
            (seed.strategy ? ', strategy = :strategy' : ''),
          ConditionExpression: 'attribute_not_exists(signalId) OR (#s = :executing AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':executing': 'executing',
            ':lease': now + leaseMs,
            ':now': now,
            ':symbol': seed.symbol ?? '',
            ':intent': seed.intent ?? '',
            ':received': seed.receivedAt ?? now,
            ...(seed.alertId !== undefined ? { ':alert': seed.alertId } : {}),
            ...(seed.strategy ? { ':strategy': seed.strategy } : {}),
          },
        }),
      );
      return out.Attributes ? 'resume' : 'run';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.getSignal(seed.accountId, seed.signalId);
    return existing && (existing.status === 'executed' || existing.status === 'rejected') ? 'done' : 'busy';
  }

  async finishExecution(
    accountId: string,
    signalId: string,
    status: 'executed' | 'rejected',
    outcome: string,
    at: number,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { accountId, signalId },
        UpdateExpression: 'SET #s = :s, outcome = :o, updatedAt = :t REMOVE leaseUntil',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status, ':o': outcome.slice(0, 1000), ':t': at },
      }),
    );
  }

  async getSignal(accountId: string, signalId: string): Promise<SignalRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { accountId, signalId }, ConsistentRead: true }),
    );
    return out.Item as SignalRecord | undefined;
  }

  async listSignals(accountId: string, limit = 100): Promise<SignalRecord[]> {
    const items = await queryAll<SignalRecord>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'accountId = :a',
      ExpressionAttributeValues: { ':a': accountId },
    });
    return items
      .filter((item) => !item.signalId.startsWith('d#'))
      .sort((a, b) => (b.receivedAt ?? 0) - (a.receivedAt ?? 0))
      .slice(0, limit);
  }
}
