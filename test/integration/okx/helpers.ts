// Set-up of the live tests against the fake OKX: one funded key (with its passphrase) per test, the
// harness pointed at the fake through EXCHANGE_API_URL, and OKX accounts created the way `account add`
// stores them (keys sealed by the local vault, the passphrase as the credentials' password). The
// executors themselves are the live suite's (test/integration/live/helpers.ts): the same real adapter.
import { startFakeOkx, type FakeOkx, type RequestLogEntry } from '../../../bin/local/fake-okx';
import type { SymbolRef } from '../../../shared/core/signal/types';
import { deliverLikeSqs, keyOf, requestsSince, startFakeSuite, type FakeSuite } from '../fake-suite';

export const OKX_BTC: SymbolRef = {
  unified: 'BTC/USDT:USDT',
  base: 'BTC',
  quote: 'USDT',
  settle: 'USDT',
  compact: 'BTCUSDT',
};
export const BTC_SWAP = 'BTC-USDT-SWAP';
export const START_PRICE = '60000';
export const START_BALANCE = 10_000;

/** Keys seeded on the fake: each test trades on its own key, so the fake's books never mix tests. */
export const OKX_KEYS = Array.from({ length: 16 }, (_, i) => ({
  apiKey: `it-okx-key-${i}`,
  secret: `it-okx-secret-${i}`,
  passphrase: `it-okx-pass-${i}`,
  usdt: START_BALANCE,
}));

export type OkxSuite = FakeSuite<FakeOkx>;

export async function startOkxSuite(executorEnv: Record<string, string> = {}): Promise<OkxSuite> {
  return startFakeSuite({
    fake: await startFakeOkx({ accounts: OKX_KEYS, prices: { [BTC_SWAP]: START_PRICE } }),
    exchange: 'okx',
    keys: OKX_KEYS,
    executorEnv,
  });
}

export { requestsSince };

/** The plain-order placements in a request log (ccxt places market and limit orders through batch-orders). */
export const orderPosts = (log: RequestLogEntry[]) =>
  log.filter(
    (r) => r.method === 'POST' && (r.path === '/api/v5/trade/batch-orders' || r.path === '/api/v5/trade/order'),
  );

export const okxKey = (apiKey: string): { apiKey: string; secret: string; passphrase: string } =>
  keyOf(OKX_KEYS, apiKey);

export { deliverLikeSqs };
