// The local stand-in for the audit table's DynamoDB stream (dynalite has no streams): every
// interval, each account's audit events newer than the last one seen are handed on, oldest first,
// as INSERT records, so the notifier runs the same handler as in the cloud. Events from before the
// stack started are not replayed.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { queryAll } from '../../shared/adapters/dynamodb/query-all';
import type { AccountRepository } from '../../shared/core/ports/repositories';
import { tableName } from '../../shared/platform/resource-names';

export interface AuditTailOptions {
  db: DynamoDBDocumentClient;
  stage: string;
  accounts: Pick<AccountRepository, 'list'>;
  onEvents: (event: DynamoDBStreamEvent) => Promise<unknown>;
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

export function startAuditTail(options: AuditTailOptions): () => void {
  const table = tableName(options.stage, 'audit');
  // eventId = <13-digit ms>#<random>: everything after this key is new.
  const startKey = `${String(Date.now()).padStart(13, '0')}#`;
  const cursors = new Map<string, string>();
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const records: DynamoDBStreamEvent['Records'] = [];
      for (const account of await options.accounts.list()) {
        const after = cursors.get(account.accountId) ?? startKey;
        const items = await queryAll<Record<string, unknown> & { eventId: string }>(options.db, {
          TableName: table,
          KeyConditionExpression: 'accountId = :a AND eventId > :e',
          ExpressionAttributeValues: { ':a': account.accountId, ':e': after },
        });
        for (const item of items) {
          records.push({
            eventName: 'INSERT',
            dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) as never },
          });
          cursors.set(account.accountId, item.eventId);
        }
      }
      if (records.length) await options.onEvents({ Records: records });
    } catch (error) {
      options.onError?.(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.intervalMs ?? 1_000);
  return () => clearInterval(timer);
}
