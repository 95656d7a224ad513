// A paper account's starting balance is money: decimal text from the owner's input, exact, refused
// (naming the field) when it is not a plain positive decimal.
import { AccountInputError, CreateAccount } from '../../../../shared/core/control/accounts';
import type { KeyVault } from '../../../../shared/core/ports/runtime';
import { MemoryAccounts, MemoryAudit } from '../memory-repos';

const vault: KeyVault = {
  encrypt: () => Promise.reject(new Error('paper accounts store no keys')),
  decrypt: () => Promise.reject(new Error('paper accounts store no keys')),
};
const create = () =>
  new CreateAccount({ accounts: new MemoryAccounts(), vault, audit: new MemoryAudit(), clock: { now: () => 1_000 } });

it.each([
  ['10000.12345678', '10000.12345678'],
  ['0.1', '0.1'],
  [250_000, '250000'],
])('balance %p is stored exactly as %p', async (balance, stored) => {
  const { account } = await create().execute({ name: 'demo', exchange: 'paper', balance });
  expect(account.settings.paper?.initialBalance).toBe(stored);
});

it.each(['0', '-5', '1e6', 'Infinity', 'NaN', '1,000', '', '1000000000000000'])(
  'balance %p is refused naming the field',
  async (balance) => {
    const error = await create()
      .execute({ name: 'demo', exchange: 'paper', balance })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountInputError);
    expect((error as AccountInputError).message).toMatch(/balance/);
  },
);
