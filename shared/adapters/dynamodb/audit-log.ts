import { randomBytes } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readAuditEvent, type AuditEvent, type StoredAuditEvent } from '../../core/domain/audit';
import type { AuditLog } from '../../core/ports/repositories';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

/** Append-only: every event gets a new time-ordered key and the write refuses to overwrite. */
export class DynamoAuditLog implements AuditLog {
  static readonly tableAccess: DynamoTableAccess = { table: 'audit', actions: ['dynamodb:PutItem', 'dynamodb:Query'] };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async append(event: AuditEvent): Promise<void> {
    const eventId = `${String(event.at).padStart(13, '0')}#${randomBytes(6).toString('hex')}`;
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...event, eventId },
        ConditionExpression: 'attribute_not_exists(eventId)',
      }),
    );
  }

  /** Each item through readAuditEvent: an older record's payload is read as far as it fits, never a failure. */
  async listByAccount(accountId: string, limit = 200): Promise<StoredAuditEvent[]> {
    const items = await queryAll<unknown>(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'accountId = :a',
        ExpressionAttributeValues: { ':a': accountId },
        ScanIndexForward: false,
        Limit: Math.min(limit, 1000),
      },
      limit,
    );
    return items.map(readAuditEvent).filter((e): e is StoredAuditEvent => e !== undefined);
  }
}
