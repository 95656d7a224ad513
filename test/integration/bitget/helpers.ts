// Set-up of the live tests against the fake Bitget: one funded key (with its passphrase) per test,
// the harness pointed at the fake through EXCHANGE_API_URL, and Bitget accounts created the way
// `account add` stores them (keys sealed by the local vault, the passphrase as the credentials'
// password). The executors themselves are the live suite's (test/integration/live/helpers.ts): the
// same real adapter.
import { startFakeBitget, type FakeBitget, type RequestLogEntry } from '../../../bin/local/fake-bitget';
import type { AccountSettings } from '../../../shared/core/domain/account';
import type { SymbolRef } from '../../../shared/core/signal/types';
import { CreateAccount } from '../../../shared/core/usecases/accounts';
import { createHarness, type Harness } from '../harness';
import { LEASE_MS } from '../live/helpers';

export const BITGET_BTC: SymbolRef = { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' };
export const BTC = 'BTCUSDT';
export const START_PRICE = '60000';
export const START_BALANCE = 10_000;

/** Keys seeded on the fake: each test trades on its own key, so the fake's books never mix tests. */
export const BITGET_KEYS = Array.from({ length: 16 }, (_, i) => ({ apiKey: `it-bitget-key-${i}`, secret: `it-bitget-secret-${i}`, passphrase: `it-bitget-pass-${i}`, usdt: START_BALANCE }));

export interface BitgetSuite {
  fake: FakeBitget;
  h: Harness;
  newAccount(settings?: Partial<AccountSettings>): Promise<{ accountId: string; apiKey: string; token: string }>;
  close(): Promise<void>;
}

export async function startBitgetSuite(executorEnv: Record<string, string> = {}): Promise<BitgetSuite> {
  const fake = await startFakeBitget({ accounts: BITGET_KEYS, prices: { [BTC]: START_PRICE } });
  const h = await createHarness({
    leaseMs: LEASE_MS,
    executorEnv: { EXCHANGE_API_URL: fake.url, EXCHANGE_TIMEOUT_MS: '800', MAX_RETRY_AFTER_MS: '1500', ...executorEnv },
  });
  let next = 0;
  return {
    fake,
    h,
    async newAccount(settings) {
      const key = BITGET_KEYS[next++];
      if (!key) throw new Error('out of fake Bitget keys: seed more in bitget/helpers.ts');
      const create = new CreateAccount({ accounts: h.runtime.repos.accounts, vault: h.vault, audit: h.runtime.repos.audit, clock: h.runtime.clock });
      const out = await create.execute({ name: 'it-bitget', exchange: 'bitget', credentials: { apiKey: key.apiKey, secret: key.secret, password: key.passphrase }, ...(settings ? { settings } : {}) });
      return { accountId: out.account.accountId, apiKey: key.apiKey, token: out.token };
    },
    close: () => fake.close(),
  };
}

export function requestsSince(fake: FakeBitget): () => RequestLogEntry[] {
  const from = fake.requests().length;
  return () => fake.requests().slice(from);
}

export const PLACE_ORDER = '/api/v2/mix/order/place-order';
/** The plain-order placements in a request log. */
export const orderPosts = (log: RequestLogEntry[]) => log.filter((r) => r.method === 'POST' && r.path === PLACE_ORDER);
