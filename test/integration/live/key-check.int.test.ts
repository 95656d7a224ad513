// Account registration against the fake Binance (ccxt unmodified): keys are proven with a balance
// read, withdraw-enabled keys are refused, a missing IP restriction is a warning, hedge mode is
// switched to one-way; nothing is stored for refused keys.
import { startFakeBinance, type FakeBinance } from '../../../bin/local/fake-binance';
import { CcxtKeyChecker } from '../../../shared/adapters/exchange/key-check';
import { MemoryAudit } from '../../unit/core/memory-repos';
import type { Account } from '../../../shared/core/domain/account';
import type { AccountRepository } from '../../../shared/core/ports/repositories';
import { CreateAccount } from '../../../shared/core/control/accounts';
import type { KeyVault } from '../../../shared/core/ports/runtime';

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

let fake: FakeBinance;
const clock = { now: () => Date.now() };
const vault: KeyVault = {
  encrypt: async (_id, c) => ({ vault: 'local', blob: Buffer.from(`sealed:${c.apiKey.length}`).toString('base64') }),
  decrypt: async () => ({ apiKey: '', secret: '' }),
};

beforeAll(async () => {
  fake = await startFakeBinance({
    accounts: [
      { apiKey: 'trade-only', secret: 's1' },
      { apiKey: 'can-withdraw', secret: 's2', canWithdraw: true },
      { apiKey: 'no-ip-limit', secret: 's3', ipRestrict: false },
      { apiKey: 'hedged', secret: 's4' },
    ],
  });
});
afterAll(() => fake.close());

const checker = () => new CcxtKeyChecker({ clock, apiUrl: fake.url });

test('trade-only keys pass with their balance and no warning', async () => {
  const result = await checker().check('binanceusdm', { apiKey: 'trade-only', secret: 's1' }, false);
  expect(result).toEqual({
    balance: { currency: 'USDT', equity: '10000' },
    canWithdraw: false,
    ipRestricted: true,
    warnings: [],
  });
});

test('keys without an IP restriction pass with a warning', async () => {
  const result = await checker().check('binanceusdm', { apiKey: 'no-ip-limit', secret: 's3' }, false);
  expect(result.warnings).toEqual([expect.stringContaining('no IP restriction')]);
});

test('a hedge-mode account is switched to one-way at registration, and says so', async () => {
  fake.setDualSidePosition('hedged', true);
  const result = await checker().check('binanceusdm', { apiKey: 'hedged', secret: 's4' }, false);
  expect(result.warnings).toEqual([expect.stringContaining('switched to one-way')]);
  expect(
    fake.requests().some((r) => r.method === 'POST' && r.path === '/fapi/v1/positionSide/dual' && r.status === 200),
  ).toBe(true);
});

test('CreateAccount refuses withdraw-enabled keys and wrong secrets, storing nothing', async () => {
  const accounts = new MemoryAccounts();
  const create = new CreateAccount({ accounts, vault, audit: new MemoryAudit(), clock, keyChecker: checker() });

  await expect(
    create.execute({ name: 'w', exchange: 'binanceusdm', credentials: { apiKey: 'can-withdraw', secret: 's2' } }),
  ).rejects.toThrow('credentials: these keys can withdraw funds');
  await expect(
    create.execute({ name: 'x', exchange: 'binanceusdm', credentials: { apiKey: 'trade-only', secret: 'wrong' } }),
  ).rejects.toThrow(/credentials: the exchange refused these keys: .*-1022/);
  expect(await accounts.list()).toEqual([]);

  const ok = await create.execute({
    name: 'ok',
    exchange: 'binanceusdm',
    credentials: { apiKey: 'trade-only', secret: 's1' },
  });
  expect(ok.keyCheck?.balance.equity).toBe('10000');
  expect(JSON.stringify(await accounts.list())).not.toContain('trade-only');
});
