// The deployment admin's reads and one write (docs/TENANCY.md "The deployment's admin"): every
// tenant's meta, members and account index by one Scan of the `tenants` table, a tenant's usage
// of a day, its plan; and of the accounts only what a live slot is made of. Every read names the
// attributes it wants (ProjectionExpression, Select SPECIFIC_ATTRIBUTES) and the write names only
// the plan and its history: in the cloud the admin data role's grants are held to exactly these
// attributes (`dynamodb:Attributes`), so the admin never reads a tenant's notification secrets,
// Telegram links or an account's keys and settings, whatever a handler asks.
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Account } from '../../core/domain/account';
import { isTenantId, type TenantId } from '../../core/domain/tenant';
import { ConditionalConflictError } from '../../core/errors';
import type { TenantRole } from '../../core/domain/tenant';
import type {
  AccountSlotFields,
  AccountSlotReader,
  AdminDirectory,
  AdminTenantEntry,
  PlanChange,
} from '../../core/tenancy/tenant-admin';
import type { UsageMeter, UsageMetric } from '../../core/tenancy/ports';
import { isConditionFailure } from './document-client';
import type { DynamoTableAccess } from './table-access';
import { USAGE_METRICS, utcDay } from './usage-meter';

const META = 'meta';
const MEMBER = 'member#';
const ACCOUNT = 'account#';

/** The tenants table's attributes the admin reads: keys, meta, member and usage fields. */
export const ADMIN_TENANT_READ_ATTRIBUTES = [
  'tenantId',
  'itemKey',
  'plan',
  'createdAt',
  'ownerEmail',
  'userId',
  'email',
  'role',
  'addedAt',
  ...USAGE_METRICS,
] as const;
/** The tenants table's attributes the admin writes: a meta's plan and its history. */
export const ADMIN_TENANT_WRITE_ATTRIBUTES = ['tenantId', 'itemKey', 'plan', 'planHistory'] as const;
/** The accounts table's attributes the admin reads: what a live slot is. */
export const ADMIN_ACCOUNT_READ_ATTRIBUTES = ['accountId', 'exchange', 'status', 'deletedAt'] as const;

/** `#a0, #a1…` and their names: every attribute named through a placeholder (status and plan are reserved words). */
function projection(attributes: readonly string[]) {
  const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
  return { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names };
}

export class DynamoTenantAdminStore implements AdminDirectory, Pick<UsageMeter, 'day'> {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'tenants',
    actions: ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * One paginated Scan of the table, filtered to meta, member and account-index items; pointer
   * partitions (`email#…`, `telegram#…`, `tglink#…`) are not tenants and are left out. The admin's
   * page, not a hot path: the table holds a few items per tenant and a usage item per tenant-day.
   */
  async everyTenant(): Promise<AdminTenantEntry[]> {
    const byTenant = new Map<TenantId, AdminTenantEntry>();
    const entry = (tenantId: TenantId) => {
      let e = byTenant.get(tenantId);
      if (!e) byTenant.set(tenantId, (e = { tenantId, members: [], accountIds: [] }));
      return e;
    };
    const { ProjectionExpression, ExpressionAttributeNames } = projection(ADMIN_TENANT_READ_ATTRIBUTES);
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          Select: 'SPECIFIC_ATTRIBUTES',
          ProjectionExpression,
          FilterExpression: '#a1 = :meta OR begins_with(#a1, :member) OR begins_with(#a1, :account)',
          ExpressionAttributeNames,
          ExpressionAttributeValues: { ':meta': META, ':member': MEMBER, ':account': ACCOUNT },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of (out.Items ?? []) as Record<string, unknown>[]) {
        const tenantId = String(item.tenantId);
        const key = String(item.itemKey);
        if (!isTenantId(tenantId)) continue;
        const e = entry(tenantId);
        if (key === META)
          e.record = {
            tenantId,
            plan: String(item.plan),
            createdAt: Number(item.createdAt),
            ownerEmail: String(item.ownerEmail ?? ''),
          };
        else if (key.startsWith(MEMBER))
          e.members.push({
            tenantId,
            userId: String(item.userId),
            email: String(item.email),
            role: item.role as TenantRole,
            addedAt: Number(item.addedAt),
          });
        else e.accountIds.push(key.slice(ACCOUNT.length));
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return [...byTenant.values()];
  }

  /** The tenant's counters of the UTC day of `at` (absent metrics are 0), counters only. */
  async day(tenantId: TenantId, at: number): Promise<Record<UsageMetric, number>> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { tenantId, itemKey: `usage#${utcDay(at)}` },
        ...projection(USAGE_METRICS),
      }),
    );
    const counts = {} as Record<UsageMetric, number>;
    for (const metric of USAGE_METRICS) {
      const value = Number(out.Item?.[metric] ?? 0);
      counts[metric] = Number.isFinite(value) ? value : 0;
    }
    return counts;
  }

  /**
   * Read the meta's plan, then set the new one and append the change to `planHistory` in one
   * UpdateItem that holds only if the plan is still the one read: the change and its record are
   * one write (an acknowledged change is always in the history), and two admins at once cannot
   * record a `from` that was not. Another write meanwhile: ConditionalConflictError (409).
   */
  async setPlan(tenantId: TenantId, change: Omit<PlanChange, 'from'>): Promise<PlanChange | undefined> {
    const key = { tenantId, itemKey: META };
    const { ProjectionExpression, ExpressionAttributeNames } = projection(['plan']);
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: key,
        ProjectionExpression,
        ExpressionAttributeNames,
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const from = String(out.Item.plan);
    const done: PlanChange = { at: change.at, by: change.by, from, to: change.to };
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET #plan = :to, #history = list_append(if_not_exists(#history, :none), :change)',
          ConditionExpression: '#plan = :from',
          ExpressionAttributeNames: { '#plan': 'plan', '#history': 'planHistory' },
          ExpressionAttributeValues: { ':to': change.to, ':from': from, ':none': [], ':change': [done] },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new ConditionalConflictError(`tenant ${tenantId}: the plan changed meanwhile`);
      throw error;
    }
    return done;
  }
}

/** The accounts' live-slot fields, by BatchGetItem (100 keys a call), never an account's settings or keys. */
export class DynamoAccountSlotReader implements AccountSlotReader {
  static readonly tableAccess: DynamoTableAccess = { table: 'accounts', actions: ['dynamodb:BatchGetItem'] };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async slotFields(accountIds: readonly string[]): Promise<AccountSlotFields[]> {
    const ids = [...new Set(accountIds)];
    const found: AccountSlotFields[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((accountId) => ({ accountId }));
      // unprocessed keys (throttling) are asked again until none is left
      while (keys?.length) {
        const out: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.table]: { Keys: keys, ...projection(ADMIN_ACCOUNT_READ_ATTRIBUTES) } },
          }),
        );
        for (const item of out.Responses?.[this.table] ?? [])
          found.push({
            accountId: String(item.accountId),
            exchange: item.exchange as Account['exchange'],
            status: item.status as Account['status'],
            ...(item.deletedAt !== undefined ? { deletedAt: Number(item.deletedAt) } : {}),
          });
        keys = out.UnprocessedKeys?.[this.table]?.Keys;
      }
    }
    return found;
  }
}
