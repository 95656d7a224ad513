// Key registration against the fake Bitget through CcxtKeyChecker and ccxt's bitget: the key is
// proven by a signed balance read, GET /api/v2/spot/account/info's authorities and ips decide withdraw
// rights and the IP warning, hedge_mode is switched to one_way_mode; refused keys store nothing.
import { startFakeBitget, type FakeBitget } from '../../../bin/local/fake-bitget';
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

jest.setTimeout(30_000);

const clock = { now: () => Date.now() };
const vault: KeyVault = {
  encrypt: async (_id, c) => ({ vault: 'local', blob: Buffer.from(`sealed:${c.apiKey.length}`).toString('base64') }),
  decrypt: async () => ({ apiKey: '', secret: '' }),
};
const TRADE_ONLY = { apiKey: 'bg-trade-only', secret: 'k1', passphrase: 'p1', ips: '203.0.113.7' };
const WITHDRAW = {
  apiKey: 'bg-withdraw',
  secret: 'k2',
  passphrase: 'p2',
  ips: '203.0.113.7',
  authorities: ['coor', 'coow', 'wwow'],
};
const NO_IP = { apiKey: 'bg-no-ip', secret: 'k3', passphrase: 'p3', ips: '' };
const HEDGED = {
  apiKey: 'bg-hedged',
  secret: 'k4',
  passphrase: 'p4',
  ips: '203.0.113.7',
  posMode: 'hedge_mode' as const,
};
// the Get-Account-Info page's own example answers ["trade", "readonly"], not the documented codes
const PAGE_EXAMPLE = {
  apiKey: 'bg-page-example',
  secret: 'k5',
  passphrase: 'p5',
  ips: '203.0.113.7',
  authorities: ['trade', 'readonly'],
};
const creds = (k: { apiKey: string; secret: string; passphrase: string }) => ({
  apiKey: k.apiKey,
  secret: k.secret,
  password: k.passphrase,
});

let fake: FakeBitget;
beforeAll(async () => {
  fake = await startFakeBitget({ accounts: [TRADE_ONLY, WITHDRAW, NO_IP, HEDGED, PAGE_EXAMPLE] });
});
afterAll(() => fake.close());

const checker = () => new CcxtKeyChecker({ clock, apiUrl: fake.url });

test('trade-only keys bound to an IP pass with their USDT equity and no warning', async () => {
  const result = await checker().check('bitget', creds(TRADE_ONLY), false);
  expect(result).toEqual({
    balance: { currency: 'USDT', equity: '10000' },
    canWithdraw: false,
    ipRestricted: true,
    warnings: [],
  });
});

test('keys bound to no IP pass with a warning', async () => {
  const result = await checker().check('bitget', creds(NO_IP), false);
  expect(result).toMatchObject({ ipRestricted: false, warnings: [expect.stringContaining('no IP restriction')] });
});

test("the page example's authorities decide nothing about withdrawals, and the check says so", async () => {
  const result = await checker().check('bitget', creds(PAGE_EXAMPLE), false);
  expect(result.canWithdraw).toBeUndefined();
  expect(result.warnings).toEqual([expect.stringContaining('make sure withdrawals are disabled')]);
});

test('hedge_mode is switched to one_way_mode at registration, and says so', async () => {
  const result = await checker().check('bitget', creds(HEDGED), false);
  expect(result.warnings).toEqual([expect.stringContaining('switched to one-way')]);
  expect(
    fake
      .requests()
      .some((r) => r.method === 'POST' && r.path === '/api/v2/mix/account/set-position-mode' && r.status === 200),
  ).toBe(true);
  expect((await checker().check('bitget', creds(HEDGED), false)).warnings).toEqual([]);
});

test('CreateAccount refuses withdraw-enabled keys, a wrong secret and a wrong passphrase, storing nothing', async () => {
  const accounts = new MemoryAccounts();
  const create = new CreateAccount({ accounts, vault, audit: new MemoryAudit(), clock, keyChecker: checker() });

  await expect(create.execute({ name: 'w', exchange: 'bitget', credentials: creds(WITHDRAW) })).rejects.toThrow(
    'credentials: these keys can withdraw funds',
  );
  await expect(
    create.execute({ name: 'x', exchange: 'bitget', credentials: { ...creds(TRADE_ONLY), secret: 'wrong' } }),
  ).rejects.toThrow(/credentials: the exchange refused these keys: .*40009/);
  await expect(
    create.execute({ name: 'y', exchange: 'bitget', credentials: { ...creds(TRADE_ONLY), password: 'wrong' } }),
  ).rejects.toThrow(/credentials: the exchange refused these keys: .*40012/);
  expect(await accounts.list()).toEqual([]);

  const ok = await create.execute({ name: 'ok', exchange: 'bitget', credentials: creds(TRADE_ONLY) });
  expect(ok.keyCheck?.balance.equity).toBe('10000');
  expect(JSON.stringify(await accounts.list())).not.toContain(TRADE_ONLY.secret);
});
