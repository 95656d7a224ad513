// Set-up of the live tests against the fake Bybit: one funded key per test, the harness pointed at
// the fake through EXCHANGE_API_URL, and Bybit accounts created the way `account add` stores them
// (keys sealed by the local vault). The executors themselves are the live suite's
// (test/integration/live/helpers.ts): the same real adapter and ccxt's bybit.
import { startFakeBybit, type FakeBybit, type RequestLogEntry } from '../../../bin/local/fake-bybit';
import type { AccountSettings } from '../../../shared/core/domain/account';
import type { Signal, SymbolRef } from '../../../shared/core/signal/types';
import type { ExecuteSignal } from '../../../shared/core/usecases/execute-signal';
import { CreateAccount } from '../../../shared/core/usecases/accounts';
import { createHarness, type Harness } from '../harness';
import { deliver, LEASE_MS, sleep } from '../live/helpers';

export const BYBIT_BTC: SymbolRef = { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' };
export const BTCUSDT = 'BTCUSDT';
export const START_PRICE = '60000';
export const START_BALANCE = 10_000;

/** Keys seeded on the fake: each test trades on its own key, so the fake's books never mix tests. */
export const BYBIT_KEYS = Array.from({ length: 16 }, (_, i) => ({ apiKey: `it-bybit-key-${i}`, secret: `it-bybit-secret-${i}`, usdt: START_BALANCE }));

/**
 * The fake's accounts are unified accounts in REGULAR_MARGIN (the docs' example), whose margin mode is
 * the account's and never switched by the dialect: the test accounts trade cross to match it.
 */
export const CROSS: Partial<AccountSettings> = { marginMode: 'cross' };

export interface BybitSuite {
  fake: FakeBybit;
  h: Harness;
  newAccount(settings?: Partial<AccountSettings>): Promise<{ accountId: string; apiKey: string; token: string }>;
  close(): Promise<void>;
}

export async function startBybitSuite(executorEnv: Record<string, string> = {}): Promise<BybitSuite> {
  const fake = await startFakeBybit({ accounts: BYBIT_KEYS, prices: { [BTCUSDT]: START_PRICE } });
  const h = await createHarness({
    leaseMs: LEASE_MS,
    executorEnv: { EXCHANGE_API_URL: fake.url, EXCHANGE_TIMEOUT_MS: '800', MAX_RETRY_AFTER_MS: '1500', ...executorEnv },
  });
  let next = 0;
  return {
    fake,
    h,
    async newAccount(settings) {
      const key = BYBIT_KEYS[next++];
      if (!key) throw new Error('out of fake Bybit keys: seed more in bybit/helpers.ts');
      const create = new CreateAccount({ accounts: h.runtime.repos.accounts, vault: h.vault, audit: h.runtime.repos.audit, clock: h.runtime.clock });
      const out = await create.execute({ name: 'it-bybit', exchange: 'bybit', credentials: { apiKey: key.apiKey, secret: key.secret }, settings: { ...CROSS, ...settings } });
      return { accountId: out.account.accountId, apiKey: key.apiKey, token: out.token };
    },
    close: () => fake.close(),
  };
}

export function requestsSince(fake: FakeBybit): () => RequestLogEntry[] {
  const from = fake.requests().length;
  return () => fake.requests().slice(from);
}

/** The order placements in a request log (plain and conditional: one endpoint). */
export const orderPosts = (log: RequestLogEntry[]) => log.filter((r) => r.method === 'POST' && r.path === '/v5/order/create');

export function bybitKey(apiKey: string): { apiKey: string; secret: string } {
  const key = BYBIT_KEYS.find((k) => k.apiKey === apiKey);
  if (!key) throw new Error(`no fake Bybit key ${apiKey}`);
  return key;
}

/**
 * Delivers the signal as SQS does: again after the lease lapses while the executor reports the
 * message failed (at most `attempts` times). Returns how many deliveries it took.
 */
export async function deliverLikeSqs(target: ExecuteSignal, signal: Signal, attempts = 3): Promise<number> {
  for (let n = 1; n <= attempts; n++) {
    const result = await deliver(target, signal, `${signal.signalId}-${n}`);
    if (result.batchItemFailures.length === 0) return n;
    await sleep(LEASE_MS + 50);
  }
  throw new Error(`signal ${signal.signalId} still failing after ${attempts} deliveries`);
}
