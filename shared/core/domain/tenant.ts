// Who owns what in a deployment shared by several people (docs/TENANCY.md). A tenant is a user or a
// team; everything else belongs to one tenant through its account, and the account id carries the
// tenant as its leading part: `<tenantId>-<12 hex>`. Every account-keyed table therefore has the
// tenant at the start of its partition key, which is what DynamoDB's `dynamodb:LeadingKeys`
// condition can hold a role to, and what the data-layer guard checks locally.
//
// The first tenant's id is `acc`: account ids have always been `acc-<12 hex>`, so a single-owner
// deployment upgrades without rewriting a single key (its TradingView alerts keep their account id).

export type TenantId = string;

/** The deployment's first tenant: the owner of every account created before tenancy. */
export const FIRST_TENANT_ID: TenantId = 'acc';

/** `acc` (the first tenant) or `t` + 10 lowercase hex. Never contains `-`: the account id splits at its first one. */
export const TENANT_ID = /^(acc|t[0-9a-f]{10})$/;

export const isTenantId = (value: string): value is TenantId => TENANT_ID.test(value);

/** A new tenant's id; `hex` gives n random lowercase hex characters (the caller's randomness). */
export const newTenantId = (hex: (n: number) => string): TenantId => `t${hex(10)}`;

/** A new account id of `tenantId`. */
export const accountIdFor = (tenantId: TenantId, hex: (n: number) => string): string => `${tenantId}-${hex(12)}`;

/**
 * The tenant an account id belongs to, or undefined for an id that carries none (not a
 * `<tenant>-…` id): such an id belongs to nobody and every scoped read of it answers "not found".
 */
export function tenantOfAccount(accountId: string): TenantId | undefined {
  const dash = accountId.indexOf('-');
  if (dash <= 0) return undefined;
  const tenant = accountId.slice(0, dash);
  return isTenantId(tenant) ? tenant : undefined;
}

/** True when `key` (a partition key value) is the tenant's own: the tenant itself or one of its accounts. */
export const isTenantKey = (tenantId: TenantId, key: string): boolean =>
  key === tenantId || key.startsWith(`${tenantId}-`);

/**
 * Roles inside a tenant, and the deployment's admin (users, plans, usage; no tenant's trading).
 * owner: everything of their tenant; trader: trade and configure, not users or keys; viewer: read.
 */
export type Role = 'admin' | 'owner' | 'trader' | 'viewer';
export const TENANT_ROLES = ['owner', 'trader', 'viewer'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** What a role may do. `money` (moves money or widens risk) additionally needs a fresh second factor. */
export type Capability =
  | 'read' // every read of the tenant's data
  | 'trade' // close, reduce, flatten, pause/resume, move stop/target, cancel an order, alert test
  | 'configure' // strategies, risk settings, rename, paper reset
  | 'keys' // exchange keys, webhook token rotation, account delete
  | 'users' // the tenant's members
  | 'admin'; // the deployment: users of every tenant, plans, usage

const CAPABILITIES: Record<Role, readonly Capability[]> = {
  admin: ['admin'],
  owner: ['read', 'trade', 'configure', 'keys', 'users'],
  trader: ['read', 'trade', 'configure'],
  viewer: ['read'],
};

export const can = (role: Role, capability: Capability): boolean => CAPABILITIES[role].includes(capability);

/** Cognito group carrying a user's tenant: one group per tenant (the token's `cognito:groups`). */
export const tenantGroup = (tenantId: TenantId): string => `tenant-${tenantId}`;

/** The tenant named by a group, or undefined. */
export function tenantOfGroup(group: string): TenantId | undefined {
  if (!group.startsWith('tenant-')) return undefined;
  const tenant = group.slice('tenant-'.length);
  return isTenantId(tenant) ? tenant : undefined;
}
