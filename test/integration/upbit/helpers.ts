// Set-up of the live tests against the fake Upbit: one funded key per test, the harness pointed at
// the fake through EXCHANGE_API_URL, and Upbit accounts created the way `account add` stores them
// (keys sealed by the local vault). The executors themselves are the live suite's
// (test/integration/live/helpers.ts): the same real adapter.
import { startFakeUpbit, type FakeUpbit, type RequestLogEntry } from '../../../bin/local/fake-upbit';
import type { AccountSettings } from '../../../shared/core/domain/account';
import type { Signal, SymbolRef } from '../../../shared/core/signal/types';
import type { ExecuteSignal } from '../../../shared/core/usecases/execute-signal';
import { CreateAccount } from '../../../shared/core/usecases/accounts';
import { createHarness, type Harness } from '../harness';
import { deliver, LEASE_MS, sleep } from '../live/helpers';

export const UPBIT_BTC: SymbolRef = { unified: 'BTC/KRW', base: 'BTC', quote: 'KRW', settle: 'KRW', compact: 'BTCKRW' };
export const KRW_BTC = 'KRW-BTC';
export const START_PRICE = '100000000';
export const START_KRW = 10_000_000;

/** Keys seeded on the fake: each test trades on its own key, so the fake's books never mix tests. */
export const UPBIT_KEYS = Array.from({ length: 16 }, (_, i) => ({ apiKey: `it-upbit-key-${i}`, secret: `it-upbit-secret-${i}`, krw: START_KRW }));

export interface UpbitSuite {
  fake: FakeUpbit;
  h: Harness;
  newAccount(settings?: Partial<AccountSettings>): Promise<{ accountId: string; apiKey: string; token: string }>;
  close(): Promise<void>;
}

export async function startUpbitSuite(executorEnv: Record<string, string> = {}): Promise<UpbitSuite> {
  const fake = await startFakeUpbit({ accounts: UPBIT_KEYS, prices: { [KRW_BTC]: START_PRICE } });
  const h = await createHarness({
    leaseMs: LEASE_MS,
    executorEnv: { EXCHANGE_API_URL: fake.url, EXCHANGE_TIMEOUT_MS: '800', MAX_RETRY_AFTER_MS: '1500', ...executorEnv },
  });
  let next = 0;
  return {
    fake,
    h,
    async newAccount(settings) {
      const key = UPBIT_KEYS[next++];
      if (!key) throw new Error('out of fake Upbit keys: seed more in upbit/helpers.ts');
      const create = new CreateAccount({ accounts: h.runtime.repos.accounts, vault: h.vault, audit: h.runtime.repos.audit, clock: h.runtime.clock });
      const out = await create.execute({ name: 'it-upbit', exchange: 'upbit', credentials: { apiKey: key.apiKey, secret: key.secret }, ...(settings ? { settings } : {}) });
      return { accountId: out.account.accountId, apiKey: key.apiKey, token: out.token };
    },
    close: () => fake.close(),
  };
}

export function requestsSince(fake: FakeUpbit): () => RequestLogEntry[] {
  const from = fake.requests().length;
  return () => fake.requests().slice(from);
}

/** The order placements in a request log. */
export const orderPosts = (log: RequestLogEntry[]) => log.filter((r) => r.method === 'POST' && r.path === '/v1/orders');

export function upbitKey(apiKey: string): { apiKey: string; secret: string } {
  const key = UPBIT_KEYS.find((k) => k.apiKey === apiKey);
  if (!key) throw new Error(`no fake Upbit key ${apiKey}`);
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
