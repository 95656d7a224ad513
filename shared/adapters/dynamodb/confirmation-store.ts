// One-time confirmations (the Telegram bot's /flatten codes) in the risk table, under the reserved
// partition 'telegram' (no account has that id: account ids are acc-<hex>): itemKey 'confirm#<code>',
// the value, expiresAt (epoch ms, checked here) and ttl (epoch s, DynamoDB TTL removes leftovers).
// `take` is a delete that returns the old item, so of two presses only one gets the value.
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConfirmationStore } from '../../core/control/ports';
import type { DynamoTableAccess } from './table-access';

export const CONFIRMATION_PARTITION = 'telegram';
const itemKey = (key: string): string => `confirm#${key}`;

export class DynamoConfirmationStore implements ConfirmationStore {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'risk',
    actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    const expiresAt = this.now() + ttlMs;
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          accountId: CONFIRMATION_PARTITION,
          itemKey: itemKey(key),
          value,
          expiresAt,
          ttl: Math.ceil(expiresAt / 1000) + 3600,
        },
        // a random code never repeats; if it ever did, the older confirmation must not be replaced
        ConditionExpression: 'attribute_not_exists(itemKey)',
      }),
    );
  }

  async take(key: string): Promise<string | undefined> {
    const out = await this.db.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { accountId: CONFIRMATION_PARTITION, itemKey: itemKey(key) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const item = out.Attributes as { value?: unknown; expiresAt?: unknown } | undefined;
    if (!item || typeof item.value !== 'string' || typeof item.expiresAt !== 'number') return undefined;
    return item.expiresAt >= this.now() ? item.value : undefined;
  }
}
