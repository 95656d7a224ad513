// Set-up of the live tests against the fake Upbit: one funded key per test, the harness pointed at
// the fake through EXCHANGE_API_URL, and Upbit accounts created the way `account add` stores them
// (keys sealed by the local vault). The executors themselves are the live suite's
// (test/integration/live/helpers.ts): the same real adapter.
import { startFakeUpbit, type FakeUpbit, type RequestLogEntry } from '../../../bin/local/fake-upbit';
import type { SymbolRef } from '../../../shared/core/signal/types';
import { deliverLikeSqs, keyOf, requestsSince, startFakeSuite, type FakeSuite } from '../fake-suite';

export const UPBIT_BTC: SymbolRef = { unified: 'BTC/KRW', base: 'BTC', quote: 'KRW', settle: 'KRW', compact: 'BTCKRW' };
export const KRW_BTC = 'KRW-BTC';
export const START_PRICE = '100000000';
export const START_KRW = 10_000_000;

/** Keys seeded on the fake: each test trades on its own key, so the fake's books never mix tests. */
export const UPBIT_KEYS = Array.from({ length: 16 }, (_, i) => ({
  apiKey: `it-upbit-key-${i}`,
  secret: `it-upbit-secret-${i}`,
  krw: START_KRW,
}));

export type UpbitSuite = FakeSuite<FakeUpbit>;

export async function startUpbitSuite(executorEnv: Record<string, string> = {}): Promise<UpbitSuite> {
  return startFakeSuite({
    fake: await startFakeUpbit({ accounts: UPBIT_KEYS, prices: { [KRW_BTC]: START_PRICE } }),
    exchange: 'upbit',
    keys: UPBIT_KEYS,
    executorEnv,
  });
}

export { requestsSince };

/** The order placements in a request log. */
export const orderPosts = (log: RequestLogEntry[]) => log.filter((r) => r.method === 'POST' && r.path === '/v1/orders');

export const upbitKey = (apiKey: string): { apiKey: string; secret: string } => keyOf(UPBIT_KEYS, apiKey);

export { deliverLikeSqs };
