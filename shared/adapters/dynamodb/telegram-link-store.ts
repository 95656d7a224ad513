// The Telegram links on the `tenants` table (docs/TENANCY.md "Telegram"). The bot knows only the
// sender's Telegram user id and the code they type, never the tenant, so both are pointer
// partitions like `email#<email>`:
// - `tglink#<sha256 of the code>` / 'code': {tenantRef, userId, expiresAt, ttl}: one use (taken by a
//   delete that returns it), ten minutes;
// - `telegram#<telegram user id>` / 'link': {tenantRef, userId, linkedAt}: who the sender is;
//   `telegram#<id>` / 'attempts#<window start>': the /link attempts counter (ADD, TTL);
// - `<tenantId>` / `telegram#<userId>`: {telegramUserId}: the member's side, so removing a member
//   (or linking them again elsewhere) finds the pointer to delete without a Scan.
// The role is never stored with the link: `resolve` reads the member item, so a member removed or
// given another role counts from the next command, even if a pointer was left behind.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TelegramLink, TelegramLinkStore } from '../../core/control/ports';
import { isTenantId } from '../../core/domain/tenant';
import { LINK_ATTEMPT_WINDOW_MS } from '../../core/control/telegram-link';
import type { DynamoTableAccess } from './table-access';

const codePartition = (hash: string) => `tglink#${hash}`;
const telegramPartition = (telegramUserId: string) => `telegram#${telegramUserId}`;
const memberSide = (userId: string) => `telegram#${userId}`;
const ROLES = new Set(['owner', 'trader', 'viewer']);
const seconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * Removes the member's Telegram link, both sides (`user remove`, and a member linking another
 * Telegram account). The pointer is deleted only while it still names this member.
 */
export async function unlinkMember(
  db: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
  userId: string,
): Promise<void> {
  const out = await db.send(
    new DeleteCommand({ TableName: table, Key: { tenantId, itemKey: memberSide(userId) }, ReturnValues: 'ALL_OLD' }),
  );
  const telegramUserId = out.Attributes?.telegramUserId;
  if (typeof telegramUserId !== 'string') return;
  await db
    .send(
      new DeleteCommand({
        TableName: table,
        Key: { tenantId: telegramPartition(telegramUserId), itemKey: 'link' },
        ConditionExpression: 'tenantRef = :t AND userId = :u',
        ExpressionAttributeValues: { ':t': tenantId, ':u': userId },
      }),
    )
    .catch((error: unknown) => {
      // already linked to someone else since: theirs stays
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    });
}

/** The member's role now, or undefined when the member is gone. */
async function memberRole(
  db: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
  userId: string,
): Promise<TelegramLink['role'] | undefined> {
  const out = await db.send(new GetCommand({ TableName: table, Key: { tenantId, itemKey: `member#${userId}` } }));
  const role = out.Item?.role;
  return typeof role === 'string' && ROLES.has(role) ? (role as TelegramLink['role']) : undefined;
}

export class DynamoTelegramLinkStore implements TelegramLinkStore {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'tenants',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async putCode(codeHash: string, member: { tenantId: string; userId: string }, expiresAt: number): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          tenantId: codePartition(codeHash),
          itemKey: 'code',
          tenantRef: member.tenantId,
          userId: member.userId,
          expiresAt,
          ttl: seconds(expiresAt) + 3600,
        },
        // 50 random bits never repeat in practice; if one did, the older code must not change hands
        ConditionExpression: 'attribute_not_exists(itemKey)',
      }),
    );
  }

  async takeCode(codeHash: string, now: number): Promise<{ tenantId: string; userId: string } | undefined> {
    const out = await this.db.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { tenantId: codePartition(codeHash), itemKey: 'code' },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const item = out.Attributes;
    if (!item || typeof item.tenantRef !== 'string' || typeof item.userId !== 'string') return undefined;
    if (!(typeof item.expiresAt === 'number' && item.expiresAt >= now) || !isTenantId(item.tenantRef)) return undefined;
    return { tenantId: item.tenantRef, userId: item.userId };
  }

  async countAttempt(telegramUserId: string, windowStart: number): Promise<number> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { tenantId: telegramPartition(telegramUserId), itemKey: `attempts#${windowStart}` },
        UpdateExpression: 'ADD attempts :one SET #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': seconds(windowStart + LINK_ATTEMPT_WINDOW_MS) + 3600 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.attempts ?? 1);
  }

  async link(
    telegramUserId: string,
    member: { tenantId: string; userId: string },
    at: number,
  ): Promise<TelegramLink | undefined> {
    const role = await memberRole(this.db, this.table, member.tenantId, member.userId);
    if (!role) return undefined;
    // The member's older Telegram account, if any, stops acting for them.
    await unlinkMember(this.db, this.table, member.tenantId, member.userId);
    const old = await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          tenantId: telegramPartition(telegramUserId),
          itemKey: 'link',
          tenantRef: member.tenantId,
          userId: member.userId,
          linkedAt: at,
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    // This Telegram account's older member loses their side of it.
    const before = old.Attributes;
    if (
      before &&
      typeof before.tenantRef === 'string' &&
      typeof before.userId === 'string' &&
      !(before.tenantRef === member.tenantId && before.userId === member.userId)
    )
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { tenantId: before.tenantRef, itemKey: memberSide(before.userId) },
        }),
      );
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { tenantId: member.tenantId, itemKey: memberSide(member.userId), telegramUserId, linkedAt: at },
      }),
    );
    return { tenantId: member.tenantId, userId: member.userId, role };
  }

  async resolve(telegramUserId: string): Promise<TelegramLink | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { tenantId: telegramPartition(telegramUserId), itemKey: 'link' } }),
    );
    const item = out.Item;
    if (!item || typeof item.tenantRef !== 'string' || typeof item.userId !== 'string' || !isTenantId(item.tenantRef))
      return undefined;
    const role = await memberRole(this.db, this.table, item.tenantRef, item.userId);
    return role ? { tenantId: item.tenantRef, userId: item.userId, role } : undefined;
  }

  async unlink(telegramUserId: string): Promise<boolean> {
    const out = await this.db.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { tenantId: telegramPartition(telegramUserId), itemKey: 'link' },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const item = out.Attributes;
    if (!item) return false;
    if (typeof item.tenantRef === 'string' && typeof item.userId === 'string')
      await this.db
        .send(
          new DeleteCommand({
            TableName: this.table,
            Key: { tenantId: item.tenantRef, itemKey: memberSide(item.userId) },
            ConditionExpression: 'telegramUserId = :tg',
            ExpressionAttributeValues: { ':tg': telegramUserId },
          }),
        )
        .catch((error: unknown) => {
          if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
        });
    return true;
  }
}
