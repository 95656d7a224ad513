// One tenant's view of the accounts (docs/TENANCY.md): what the console's reads and the owner's
// actions see as "the accounts". Listing is the tenant's index (a Query of its own partition in the
// tenants table, never a Scan of every tenant's accounts); reading one account by an id of another
// tenant, or of none, finds nothing, so every caller answers it exactly as a missing account (404),
// before a single read is sent for it. Every other method of the repository passes through
// untouched: the data-layer guard under the repository (and in the cloud the tenant data role)
// refuses whatever they would write outside the tenant.
import type { Account } from '../domain/account';
import { tenantOfAccount, type TenantId } from '../domain/tenant';

interface AccountReads {
  get(accountId: string): Promise<Account | undefined>;
}

export interface TenantAccountIndex {
  /** the tenant's account ids, as indexed when each account was created (TenantDirectory.accountIds) */
  accountIds(tenantId: TenantId): Promise<string[]>;
}

/**
 * `accounts` held to `tenantId`: get answers undefined for any other tenant's id, list is the
 * tenant's index read back (an index entry whose account is missing, or that names another
 * tenant's account, is skipped), oldest first like the unscoped list.
 */
export function tenantAccounts<R extends AccountReads>(
  tenantId: TenantId,
  accounts: R,
  index: TenantAccountIndex,
): R & { list(): Promise<Account[]> } {
  const get = async (accountId: string): Promise<Account | undefined> =>
    tenantOfAccount(accountId) === tenantId ? accounts.get(accountId) : undefined;
  const list = async (): Promise<Account[]> => {
    const ids = [...new Set(await index.accountIds(tenantId))];
    const found = await Promise.all(ids.map(get));
    return found.filter((a): a is Account => a !== undefined).sort((a, b) => a.createdAt - b.createdAt);
  };
  return new Proxy(accounts, {
    get(target, property) {
      if (property === 'get') return get;
      if (property === 'list') return list;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as R & { list(): Promise<Account[]> };
}
