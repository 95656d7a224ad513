// Set-up of the live tests against the fake OKX: one funded key (with its passphrase) per test, the
// harness pointed at the fake through EXCHANGE_API_URL, and OKX accounts created the way `account add`
// stores them (keys sealed by the local vault, the passphrase as the credentials' password). The
// executors themselves are the live suite's (test/integration/live/helpers.ts): the same real adapter.
import { startFakeOkx, type FakeOkx, type RequestLogEntry } from '../../../bin/local/fake-okx';
import type { AccountSettings } from '../../../shared/core/domain/account';
import type { Signal, SymbolRef } from '../../../shared/core/signal/types';
import type { ExecuteSignal } from '../../../shared/core/usecases/execute-signal';
import { CreateAccount } from '../../../shared/core/usecases/accounts';
import { createHarness, type Harness } from '../harness';
import { deliver, LEASE_MS, sleep } from '../live/helpers';

export const OKX_BTC: SymbolRef = { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' };
export const BTC_SWAP = 'BTC-USDT-SWAP';
export const START_PRICE = '60000';
export const START_BALANCE = 10_000;

/** Keys seeded on the fake: each test trades on its own key, so the fake's books never mix tests. */
export const OKX_KEYS = Array.from({ length: 16 }, (_, i) => ({ apiKey: `it-okx-key-${i}`, secret: `it-okx-secret-${i}`, passphrase: `it-okx-pass-${i}`, usdt: START_BALANCE }));

export interface OkxSuite {
  fake: FakeOkx;
  h: Harness;
  newAccount(settings?: Partial<AccountSettings>): Promise<{ accountId: string; apiKey: string; token: string }>;
  close(): Promise<void>;
}

export async function startOkxSuite(executorEnv: Record<string, string> = {}): Promise<OkxSuite> {
  const fake = await startFakeOkx({ accounts: OKX_KEYS, prices: { [BTC_SWAP]: START_PRICE } });
  const h = await createHarness({
    leaseMs: LEASE_MS,
    executorEnv: { EXCHANGE_API_URL: fake.url, EXCHANGE_TIMEOUT_MS: '800', MAX_RETRY_AFTER_MS: '1500', ...executorEnv },
  });
  let next = 0;
  return {
    fake,
    h,
    async newAccount(settings) {
      const key = OKX_KEYS[next++];
      if (!key) throw new Error('out of fake OKX keys: seed more in okx/helpers.ts');
      const create = new CreateAccount({ accounts: h.runtime.repos.accounts, vault: h.vault, audit: h.runtime.repos.audit, clock: h.runtime.clock });
      const out = await create.execute({ name: 'it-okx', exchange: 'okx', credentials: { apiKey: key.apiKey, secret: key.secret, password: key.passphrase }, ...(settings ? { settings } : {}) });
      return { accountId: out.account.accountId, apiKey: key.apiKey, token: out.token };
    },
    close: () => fake.close(),
  };
}

export function requestsSince(fake: FakeOkx): () => RequestLogEntry[] {
  const from = fake.requests().length;
  return () => fake.requests().slice(from);
}

/** The plain-order placements in a request log (ccxt places market and limit orders through batch-orders). */
export const orderPosts = (log: RequestLogEntry[]) => log.filter((r) => r.method === 'POST' && (r.path === '/api/v5/trade/batch-orders' || r.path === '/api/v5/trade/order'));

export function okxKey(apiKey: string): { apiKey: string; secret: string; passphrase: string } {
  const key = OKX_KEYS.find((k) => k.apiKey === apiKey);
  if (!key) throw new Error(`no fake OKX key ${apiKey}`);
  return key;
}

/**
 * Delivers the signal as SQS does: again after the lease lapses while the executor reports the
 * message failed (at most `attempts` times). Returns how many deliveries it took.
 * OKX's place answer carries ids only (no fill), and the OKX dialect does not read a market order
 * back (createAnswersIdsOnly), so a market entry ends its first delivery retryable; the redelivery
 * finds the order by client id and finishes the work (see entries.int.test.ts).
 */
export async function deliverLikeSqs(target: ExecuteSignal, signal: Signal, attempts = 3): Promise<number> {
  for (let n = 1; n <= attempts; n++) {
    const result = await deliver(target, signal, `${signal.signalId}-${n}`);
    if (result.batchItemFailures.length === 0) return n;
    await sleep(LEASE_MS + 50);
  }
  throw new Error(`signal ${signal.signalId} still failing after ${attempts} deliveries`);
}
