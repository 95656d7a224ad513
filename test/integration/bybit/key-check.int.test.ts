// Key registration against the fake Bybit through CcxtKeyChecker and ccxt's bybit: the key is proven
// by a signed wallet read, GET /v5/user/query-api's permissions and ips decide withdraw rights and
// the IP warning, readOnly is a warning, and the unified account's margin mode (GET /v5/account/info)
// is reported because entries must match it; refused keys store nothing.
import { startFakeBybit, type FakeBybit } from '../../../bin/local/fake-bybit';
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
const TRADE_ONLY = { apiKey: 'bybit-trade-only', secret: 'bk1', ips: ['203.0.113.7'] };
const WITHDRAW = {
  apiKey: 'bybit-withdraw',
  secret: 'bk2',
  ips: ['203.0.113.7'],
  permissions: { ContractTrade: ['Order', 'Position'], Wallet: ['AccountTransfer', 'Withdraw'] },
};
const NO_IP = { apiKey: 'bybit-no-ip', secret: 'bk3' };
const READ_ONLY = {
  apiKey: 'bybit-read-only',
  secret: 'bk4',
  ips: ['203.0.113.7'],
  readOnly: 1 as const,
  permissions: { ContractTrade: ['Position'], Wallet: [] },
};
const ISOLATED = {
  apiKey: 'bybit-isolated',
  secret: 'bk5',
  ips: ['203.0.113.7'],
  marginMode: 'ISOLATED_MARGIN' as const,
};
const creds = (k: { apiKey: string; secret: string }) => ({ apiKey: k.apiKey, secret: k.secret });

let fake: FakeBybit;
beforeAll(async () => {
  fake = await startFakeBybit({ accounts: [TRADE_ONLY, WITHDRAW, NO_IP, READ_ONLY, ISOLATED] });
});
afterAll(() => fake.close());

const checker = () => new CcxtKeyChecker({ clock, apiUrl: fake.url });
const marginWarning = (mode: string) => expect.stringContaining(`margin mode is ${mode} (account-wide)`);

test('trade-only keys bound to an IP pass with their USDT equity; the only warning is the account-wide margin mode', async () => {
  const result = await checker().check('bybit', creds(TRADE_ONLY), false);
  expect(result).toEqual({
    balance: { currency: 'USDT', equity: '10000' },
    canWithdraw: false,
    ipRestricted: true,
    warnings: [marginWarning('REGULAR_MARGIN')],
  });
});

test('keys bound to no IP ("*") pass with a warning', async () => {
  const result = await checker().check('bybit', creds(NO_IP), false);
  expect(result).toMatchObject({
    ipRestricted: false,
    warnings: expect.arrayContaining([expect.stringContaining('no IP restriction')]),
  });
});

test('read-only keys without the contract Order permission are warned about, and an isolated account says so', async () => {
  const readOnly = await checker().check('bybit', creds(READ_ONLY), false);
  expect(readOnly.warnings).toEqual(
    expect.arrayContaining([
      expect.stringContaining('read-only'),
      expect.stringContaining('lack the contract Order permission'),
    ]),
  );
  expect((await checker().check('bybit', creds(ISOLATED), false)).warnings).toEqual([marginWarning('ISOLATED_MARGIN')]);
});

test('CreateAccount refuses withdraw-enabled keys and a wrong secret (10004), storing nothing', async () => {
  const accounts = new MemoryAccounts();
  const create = new CreateAccount({ accounts, vault, audit: new MemoryAudit(), clock, keyChecker: checker() });

  await expect(create.execute({ name: 'w', exchange: 'bybit', credentials: creds(WITHDRAW) })).rejects.toThrow(
    'credentials: these keys can withdraw funds',
  );
  await expect(
    create.execute({ name: 'x', exchange: 'bybit', credentials: { ...creds(TRADE_ONLY), secret: 'wrong' } }),
  ).rejects.toThrow(/credentials: the exchange refused these keys: .*10004/);
  expect(await accounts.list()).toEqual([]);

  const ok = await create.execute({ name: 'ok', exchange: 'bybit', credentials: creds(TRADE_ONLY) });
  expect(ok.keyCheck?.balance.equity).toBe('10000');
  expect(JSON.stringify(await accounts.list())).not.toContain(TRADE_ONLY.secret);
});
