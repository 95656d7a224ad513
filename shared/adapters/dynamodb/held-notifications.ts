// Notifications waiting for a channel, in the risk table under a pseudo-account per channel
// ('notify#telegram'), sorted by time; DynamoDB TTL drops what nobody flushed within a week. A
// tenant other than the first holds its own under 'notify#<tenant>#<channel>', so one tenant's
// digest never carries another's events; the deployment's (and tenant acc's) keep the old key.
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChannelName, Notification } from '../../core/notify/types';
import type { HeldNotifications } from '../../core/notify/ports';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

const itemKey = (n: Notification): string => `held#${String(Math.max(0, Math.floor(n.at))).padStart(13, '0')}#${n.id}`;
const WEEK_S = 7 * 86_400;
/** one item per tenant that ever held a notification: the scheduled flush finds them with one Query */
const TENANTS = 'notify#tenants';

export class DynamoHeldNotifications implements HeldNotifications {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'risk',
    actions: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** the tenant whose held notifications these are; absent: the deployment's */
    private readonly tenantId?: string,
  ) {
    this.partition = (channel) => (tenantId === undefined ? `notify#${channel}` : `notify#${tenantId}#${channel}`);
  }

  private readonly partition: (channel: ChannelName) => string;

  async hold(channel: ChannelName, notification: Notification): Promise<void> {
    // A cold function's flush must find this tenant's digest without a Scan: its mark first.
    if (this.tenantId !== undefined)
      await this.db.send(
        new PutCommand({ TableName: this.table, Item: { accountId: TENANTS, itemKey: this.tenantId } }),
      );
    // Keyed by time and id: holding the same notification twice keeps one item.
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          accountId: this.partition(channel),
          itemKey: itemKey(notification),
          notification,
          ttl: Math.ceil(notification.at / 1000) + WEEK_S,
        },
      }),
    );
  }

  async list(channel: ChannelName): Promise<Notification[]> {
    const rows = await queryAll<{ notification: Notification }>(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'accountId = :a AND begins_with(itemKey, :p)',
        ExpressionAttributeValues: { ':a': this.partition(channel), ':p': 'held#' },
      },
      500,
    );
    return rows.map((r) => r.notification);
  }

  /** The tenants that have held notifications (or had: a mark is kept, a Query of one partition). */
  async heldTenants(): Promise<string[]> {
    const rows = await queryAll<{ itemKey: string }>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'accountId = :a',
      ExpressionAttributeValues: { ':a': TENANTS },
    });
    return rows.map((r) => r.itemKey);
  }

  async release(channel: ChannelName, ids: readonly string[]): Promise<void> {
    const wanted = new Set(ids);
    for (const n of await this.list(channel)) {
      if (wanted.has(n.id))
        await this.db.send(
          new DeleteCommand({
            TableName: this.table,
            Key: { accountId: this.partition(channel), itemKey: itemKey(n) },
          }),
        );
    }
  }
}
