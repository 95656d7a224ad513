// Key registration against the fake Upbit through CcxtKeyChecker and ccxt's upbit: the key is proven
// by a signed GET /v1/accounts (its KRW balance is the equity); Upbit reports no key permissions
// through any endpoint the adapter uses, so the owner is warned to keep withdrawals off; refused keys
// store nothing and their secret appears nowhere.
import { startFakeUpbit, type FakeUpbit } from '../../../bin/local/fake-upbit';
import { CcxtKeyChecker } from '../../../shared/adapters/exchange/key-check';
import type { Account } from '../../../shared/core/domain/account';
import type { AccountRepository } from '../../../shared/core/ports/repositories';
import type { KeyVault } from '../../../shared/core/ports/runtime';
import { CreateAccount } from '../../../shared/core/control/accounts';
import { MemoryAudit } from '../../unit/core/memory-repos';

class MemoryAccounts implements AccountRepository {
  readonly rows = new Map<string, Account>();
  async create(account: Account) {
    this.rows.set(account.accountId, account);
  }
  async get(id: string) {
    return this.rows.get(id);
  }
  async list() {
    return [...this.rows.values()];
  }
  async setStatus() {}
  async setWebhookTokenHash() {}
  async setHalt() {}
  async setStrategies() {}
  async setRiskOverrides() {}
  async setRequireTime() {}
}

const clock = { now: () => Date.now() };
const vault: KeyVault = {
  encrypt: async (_id, c) => ({ vault: 'local', blob: Buffer.from(`sealed:${c.apiKey.length}`).toString('base64') }),
  decrypt: async () => ({ apiKey: '', secret: '' }),
};
const KEY = { apiKey: 'upbit-key-check', secret: 'upbit-key-secret', krw: 2_500_000 };

let fake: FakeUpbit;
beforeAll(async () => {
  fake = await startFakeUpbit({ accounts: [KEY] });
});
afterAll(() => fake.close());

const checker = () => new CcxtKeyChecker({ clock, apiUrl: fake.url });

test('keys that sign pass with their KRW balance and a warning that Upbit does not report permissions', async () => {
  const result = await checker().check('upbit', { apiKey: KEY.apiKey, secret: KEY.secret }, false);
  expect(result.balance).toEqual({ currency: 'KRW', equity: '2500000' });
  expect(result.warnings).toEqual([expect.stringContaining('does not report key permissions')]);
  expect(fake.requests().some((r) => r.method === 'GET' && r.path === '/v1/accounts' && r.status === 200)).toBe(true);
});

test('CreateAccount refuses a wrong secret and an unknown key, storing nothing; good keys are stored sealed', async () => {
  const accounts = new MemoryAccounts();
  const create = new CreateAccount({ accounts, vault, audit: new MemoryAudit(), clock, keyChecker: checker() });

  await expect(
    create.execute({ name: 'x', exchange: 'upbit', credentials: { apiKey: KEY.apiKey, secret: 'wrong-secret' } }),
  ).rejects.toThrow(/credentials: the exchange refused these keys: .*jwt_verification/);
  await expect(
    create.execute({ name: 'y', exchange: 'upbit', credentials: { apiKey: 'unknown-key', secret: KEY.secret } }),
  ).rejects.toThrow(/credentials: the exchange refused these keys: .*invalid_access_key/);
  expect(await accounts.list()).toEqual([]);

  const ok = await create.execute({
    name: 'ok',
    exchange: 'upbit',
    credentials: { apiKey: KEY.apiKey, secret: KEY.secret },
  });
  expect(ok.keyCheck?.balance).toEqual({ currency: 'KRW', equity: '2500000' });
  expect(JSON.stringify(await accounts.list())).not.toContain(KEY.secret);
});

test('a testnet key check is refused before any request: Upbit has no testnet', async () => {
  const before = fake.requests().length;
  await expect(checker().check('upbit', { apiKey: KEY.apiKey, secret: KEY.secret }, true)).rejects.toThrow(
    /no testnet/,
  );
  expect(fake.requests().length).toBe(before);
});
