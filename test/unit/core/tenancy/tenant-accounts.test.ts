// One tenant's view of the accounts (TenantScopedAccounts, and its read-only variant for the
// console's reads) over the in-memory repository holding two tenants' accounts: its list is its
// index (never the repository's list of everyone), another tenant's id or an id carrying no tenant
// reads as missing without a read, a write to one fails as for a missing account without being
// sent, and the tenant's own writes reach the repository.
import { DEFAULT_ACCOUNT_SETTINGS, type Account } from '../../../../shared/core/domain/account';
import { ConditionalConflictError } from '../../../../shared/core/errors';
import { TenantScopedAccountReads, TenantScopedAccounts } from '../../../../shared/core/tenancy/tenant-accounts';
import { MemoryAccounts } from '../memory-repos';

const A = 't0123456789';
const B = 'tabcdefabcd';
const account = (accountId: string, createdAt: number): Account => ({
  accountId,
  name: accountId,
  exchange: 'paper',
  testnet: false,
  status: 'active',
  webhookTokenHash: '0'.repeat(64),
  settings: { ...DEFAULT_ACCOUNT_SETTINGS },
  createdAt,
  updatedAt: createdAt,
});

function setup() {
  const repo = new MemoryAccounts([
    account(`${A}-000000000002`, 2),
    account(`${A}-000000000001`, 1),
    account(`${B}-000000000001`, 3),
    account('acc-000000000001', 4),
  ]);
  const gets: string[] = [];
  const get = repo.get.bind(repo);
  repo.get = async (id: string) => {
    gets.push(id);
    return get(id);
  };
  repo.list = async () => {
    throw new Error('the unscoped list must never be called');
  };
  const index: Record<string, string[]> = {
    // an index entry whose account is gone, a duplicate, and one naming another tenant's account
    [A]: [`${A}-000000000002`, `${A}-000000000001`, `${A}-00000000dead`, `${A}-000000000001`, `${B}-000000000001`],
    [B]: [`${B}-000000000001`],
  };
  const indexOf = { accountIds: async (t: string) => index[t] ?? [] };
  const scoped = new TenantScopedAccounts(A, repo as never, indexOf);
  const reads = new TenantScopedAccountReads(A, repo, indexOf);
  return { repo, scoped, reads, gets };
}

test("the list is the tenant's index read back, oldest first, nothing of another tenant", async () => {
  const { scoped, reads } = setup();
  expect((await scoped.list()).map((a) => a.accountId)).toEqual([`${A}-000000000001`, `${A}-000000000002`]);
  expect((await reads.list()).map((a) => a.accountId)).toEqual([`${A}-000000000001`, `${A}-000000000002`]);
});

test("another tenant's id, the first tenant's, or one carrying no tenant: undefined, and never read", async () => {
  const { scoped, reads, gets } = setup();
  for (const id of [`${B}-000000000001`, 'acc-000000000001', A, 'x', '']) expect(await reads.get(id)).toBeUndefined();
  for (const id of [`${B}-000000000001`, 'acc-000000000001', A, `${A}`, 'x', '', `${A.toUpperCase()}-000000000001`])
    expect(await scoped.get(id)).toBeUndefined();
  expect(gets).toEqual([]);
  expect((await scoped.get(`${A}-000000000001`))?.accountId).toBe(`${A}-000000000001`);
});

test("the tenant's own writes reach the repository", async () => {
  const { scoped, repo } = setup();
  await scoped.setStatus(`${A}-000000000001`, 'paused', 9);
  expect(repo.rows.get(`${A}-000000000001`)?.status).toBe('paused');
});

test("a write to another tenant's account, or an id of none, fails as for a missing account, unsent", async () => {
  const { scoped, repo } = setup();
  const before = JSON.stringify([...repo.rows.entries()]);
  for (const id of [`${B}-000000000001`, 'acc-000000000001', A, 'x']) {
    await expect(scoped.setStatus(id, 'paused', 9)).rejects.toBeInstanceOf(ConditionalConflictError);
    await expect(scoped.setStrategies(id, [], 9)).rejects.toBeInstanceOf(ConditionalConflictError);
    await expect(scoped.setEnsemble(id, { enabled: true }, 9)).rejects.toBeInstanceOf(ConditionalConflictError);
    await expect(scoped.setMarketSummary(id, true, 9)).rejects.toBeInstanceOf(ConditionalConflictError);
    await expect(scoped.create({ ...account(id, 9) })).rejects.toBeInstanceOf(ConditionalConflictError);
  }
  expect(JSON.stringify([...repo.rows.entries()])).toBe(before);
});
