// An account is created in a tenant: its id carries the tenant, and the tenant's index names it
// before the account exists (a crash between leaves an entry every listing skips, never an account
// its tenant cannot list).
import { AccountInputError, CreateAccount } from '../../../../shared/core/control/accounts';
import { tenantOfAccount } from '../../../../shared/core/domain/tenant';
import type { KeyVault } from '../../../../shared/core/ports/runtime';
import { MemoryAccounts, MemoryAudit } from '../memory-repos';

const vault: KeyVault = {
  encrypt: () => Promise.reject(new Error('paper accounts store no keys')),
  decrypt: () => Promise.reject(new Error('paper accounts store no keys')),
};

function setup() {
  const accounts = new MemoryAccounts();
  const steps: string[] = [];
  const indexed: [string, string][] = [];
  const tenants = {
    indexAccount: async (tenantId: string, accountId: string) => {
      steps.push(`index ${accountId} (account exists: ${(await accounts.get(accountId)) !== undefined})`);
      indexed.push([tenantId, accountId]);
    },
  };
  const create = new CreateAccount({ accounts, vault, audit: new MemoryAudit(), clock: { now: () => 1_000 }, tenants });
  return { accounts, create, steps, indexed };
}

it('makes the account id of the tenant and indexes it before writing the account', async () => {
  const { accounts, create, steps, indexed } = setup();

  const { account } = await create.execute({ tenantId: 't00000000aa', name: 'demo', exchange: 'paper' });

  expect(account.accountId).toMatch(/^t00000000aa-[0-9a-f]{12}$/);
  expect(tenantOfAccount(account.accountId)).toBe('t00000000aa');
  expect(indexed).toEqual([['t00000000aa', account.accountId]]);
  expect(steps).toEqual([`index ${account.accountId} (account exists: false)`]);
  expect(await accounts.get(account.accountId)).toBeDefined();
});

it('keeps acc-<12 hex> for the first tenant, the default of single-owner callers', async () => {
  const { create, indexed } = setup();

  const { account } = await create.execute({ name: 'demo', exchange: 'paper' });

  expect(account.accountId).toMatch(/^acc-[0-9a-f]{12}$/);
  expect(indexed).toEqual([['acc', account.accountId]]);
});

it.each(['', 'ACC', 't123', 'acc-x', 'tzzzzzzzzzz'])(
  'refuses the tenant %p naming the field, writing nothing',
  async (tenantId) => {
    const { accounts, create, indexed } = setup();

    const error = await create.execute({ tenantId, name: 'demo', exchange: 'paper' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AccountInputError);
    expect((error as AccountInputError).message).toMatch(/^tenant: /);
    expect(indexed).toEqual([]);
    expect(await accounts.list()).toEqual([]);
  },
);
