// Key registration against the fake OKX through CcxtKeyChecker and ccxt's okx: the key is proven by a
// signed balance read, GET /api/v5/account/config's perm and ip decide withdraw rights and the IP
// warning, long_short_mode is switched to net_mode; refused keys store nothing.
import { startFakeOkx, type FakeOkx } from '../../../bin/local/fake-okx';
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
const TRADE_ONLY = { apiKey: 'okx-trade-only', secret: 'k1', passphrase: 'p1', ip: '203.0.113.7' };
const WITHDRAW = {
  apiKey: 'okx-withdraw',
  secret: 'k2',
  passphrase: 'p2',
  perm: 'read_only,withdraw,trade',
  ip: '203.0.113.7',
};
const NO_IP = { apiKey: 'okx-no-ip', secret: 'k3', passphrase: 'p3', ip: '' };
const HEDGED = {
  apiKey: 'okx-hedged',
  secret: 'k4',
  passphrase: 'p4',
  ip: '203.0.113.7',
  posMode: 'long_short_mode' as const,
};
const creds = (k: { apiKey: string; secret: string; passphrase: string }) => ({
  apiKey: k.apiKey,
  secret: k.secret,
  password: k.passphrase,
});

let fake: FakeOkx;
beforeAll(async () => {
  fake = await startFakeOkx({ accounts: [TRADE_ONLY, WITHDRAW, NO_IP, HEDGED] });
});
afterAll(() => fake.close());

const checker = () => new CcxtKeyChecker({ clock, apiUrl: fake.url });

test('trade-only keys bound to an IP pass with their USDT equity and no warning', async () => {
  const result = await checker().check('okx', creds(TRADE_ONLY), false);
  expect(result).toEqual({
    balance: { currency: 'USDT', equity: '10000' },
    canWithdraw: false,
    ipRestricted: true,
    warnings: [],
  });
});

test('keys bound to no IP pass with a warning', async () => {
  const result = await checker().check('okx', creds(NO_IP), false);
  expect(result).toMatchObject({ ipRestricted: false, warnings: [expect.stringContaining('no IP restriction')] });
});

test('long_short_mode is switched to net_mode at registration, and says so', async () => {
  const result = await checker().check('okx', creds(HEDGED), false);
  expect(result.warnings).toEqual([expect.stringContaining('switched to one-way')]);
  expect(
    fake
      .requests()
      .some((r) => r.method === 'POST' && r.path === '/api/v5/account/set-position-mode' && r.status === 200),
  ).toBe(true);
  expect((await checker().check('okx', creds(HEDGED), false)).warnings).toEqual([]);
});

test('CreateAccount refuses withdraw-enabled keys, a wrong secret and a wrong passphrase, storing nothing', async () => {
  const accounts = new MemoryAccounts();
  const create = new CreateAccount({ accounts, vault, audit: new MemoryAudit(), clock, keyChecker: checker() });

  await expect(create.execute({ name: 'w', exchange: 'okx', credentials: creds(WITHDRAW) })).rejects.toThrow(
    'credentials: these keys can withdraw funds',
  );
  await expect(
    create.execute({ name: 'x', exchange: 'okx', credentials: { ...creds(TRADE_ONLY), secret: 'wrong' } }),
  ).rejects.toThrow(/credentials: the exchange refused these keys: .*50113/);
  await expect(
    create.execute({ name: 'y', exchange: 'okx', credentials: { ...creds(TRADE_ONLY), password: 'wrong' } }),
  ).rejects.toThrow(/credentials: the exchange refused these keys: .*50105/);
  expect(await accounts.list()).toEqual([]);

  const ok = await create.execute({ name: 'ok', exchange: 'okx', credentials: creds(TRADE_ONLY) });
  expect(ok.keyCheck?.balance.equity).toBe('10000');
  expect(JSON.stringify(await accounts.list())).not.toContain(TRADE_ONLY.secret);
});
