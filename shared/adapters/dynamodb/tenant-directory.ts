// The tenants' directory on the `tenants` table (docs/TENANCY.md): partition `tenantId` holds the
// tenant's `meta`, its members (`member#<userId>`) and the index of its accounts
// (`account#<accountId>`); partition `email#<email>` says which tenant a sign-in email belongs to.
// Every read of one tenant is a GetItem or a Query of its own partition, so a role held to the
// tenant's leading keys can do all of it.
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantId } from '../../core/domain/tenant';
import type { TenantDirectory, TenantMember, TenantRecord } from '../../core/tenancy/ports';
import { queryAll } from './query-all';
import { DynamoTenantAccountIndex } from './tenant-account-index';
import { unlinkMember } from './telegram-link-store';
import type { DynamoTableAccess } from './table-access';

const META = 'meta';
const memberKey = (userId: string) => `member#${userId}`;
const accountKey = (accountId: string) => `account#${accountId}`;
const emailPartition = (email: string) => `email#${email.trim().toLowerCase()}`;

const memberOf = (item: Record<string, unknown>): TenantMember => ({
  tenantId: String(item.tenantRef ?? item.tenantId),
  userId: String(item.userId),
  email: String(item.email),
  role: item.role as TenantMember['role'],
  addedAt: Number(item.addedAt),
});

/**
 * A tenant's meta (its plan) and nothing else, read only: what a function that holds a tenant to
 * its plan needs (the Telegram bot's /resume), without the directory's writes.
 */
export class DynamoTenantMetaReader implements Pick<TenantDirectory, 'tenant'> {
  static readonly tableAccess: DynamoTableAccess = { table: 'tenants', actions: ['dynamodb:GetItem'] };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async tenant(tenantId: TenantId): Promise<TenantRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { tenantId, itemKey: META } }));
    if (!out.Item) return undefined;
    const { plan, createdAt, ownerEmail } = out.Item;
    return { tenantId, plan: String(plan), createdAt: Number(createdAt), ownerEmail: String(ownerEmail) };
  }
}

export class DynamoTenantDirectory implements TenantDirectory {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'tenants',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The meta reader's own GetItem, not a second copy of it. */
  tenant(tenantId: TenantId): Promise<TenantRecord | undefined> {
    return new DynamoTenantMetaReader(this.db, this.table).tenant(tenantId);
  }

  async putTenant(record: TenantRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...record, itemKey: META } }));
  }

  async members(tenantId: TenantId): Promise<TenantMember[]> {
    const items = await queryAll<Record<string, unknown>>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'tenantId = :t AND begins_with(itemKey, :m)',
      ExpressionAttributeValues: { ':t': tenantId, ':m': 'member#' },
    });
    return items.map(memberOf);
  }

  async memberByEmail(email: string): Promise<TenantMember | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { tenantId: emailPartition(email), itemKey: 'member' } }),
    );
    return out.Item ? memberOf(out.Item) : undefined;
  }

  /** The member under its tenant, then the email's pointer to it (a crash between: `user add` again repairs). */
  async putMember(member: TenantMember): Promise<void> {
    const { tenantId, userId, email, role, addedAt } = member;
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { tenantId, itemKey: memberKey(userId), userId, email, role, addedAt },
      }),
    );
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { tenantId: emailPartition(email), itemKey: 'member', tenantRef: tenantId, userId, email, role, addedAt },
      }),
    );
  }

  async removeMember(tenantId: TenantId, userId: string): Promise<void> {
    const out = await this.db.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { tenantId, itemKey: memberKey(userId) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const email = out.Attributes?.email;
    if (typeof email === 'string')
      await this.db.send(
        new DeleteCommand({ TableName: this.table, Key: { tenantId: emailPartition(email), itemKey: 'member' } }),
      );
    // Their Telegram account stops acting for them (the bot also reads the member item on every
    // command, so a pointer a crash leaves behind obeys nobody).
    await unlinkMember(this.db, this.table, tenantId, userId);
  }

  /** The index's own Query (the console's read-only DynamoTenantAccountIndex), not a second copy of it. */
  accountIds(tenantId: TenantId): Promise<string[]> {
    return new DynamoTenantAccountIndex(this.db, this.table).accountIds(tenantId);
  }

  async indexAccount(tenantId: TenantId, accountId: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { tenantId, itemKey: accountKey(accountId) } }));
  }
}
