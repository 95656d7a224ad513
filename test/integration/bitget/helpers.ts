// Set-up of the live tests against the fake Bitget: one funded key (with its passphrase) per test,
// the harness pointed at the fake through EXCHANGE_API_URL, and Bitget accounts created the way
// `account add` stores them (keys sealed by the local vault, the passphrase as the credentials'
// password). The executors themselves are the live suite's (test/integration/live/helpers.ts): the
// same real adapter.
import { startFakeBitget, type FakeBitget, type RequestLogEntry } from '../../../bin/local/fake-bitget';
import type { SymbolRef } from '../../../shared/core/signal/types';
import { requestsSince, startFakeSuite, type FakeSuite } from '../fake-suite';

export const BITGET_BTC: SymbolRef = {
  unified: 'BTC/USDT:USDT',
  base: 'BTC',
  quote: 'USDT',
  settle: 'USDT',
  compact: 'BTCUSDT',
};
export const BTC = 'BTCUSDT';
export const START_PRICE = '60000';
export const START_BALANCE = 10_000;

/** Keys seeded on the fake: each test trades on its own key, so the fake's books never mix tests. */
export const BITGET_KEYS = Array.from({ length: 16 }, (_, i) => ({
  apiKey: `it-bitget-key-${i}`,
  secret: `it-bitget-secret-${i}`,
  passphrase: `it-bitget-pass-${i}`,
  usdt: START_BALANCE,
}));

export type BitgetSuite = FakeSuite<FakeBitget>;

export async function startBitgetSuite(executorEnv: Record<string, string> = {}): Promise<BitgetSuite> {
  return startFakeSuite({
    fake: await startFakeBitget({ accounts: BITGET_KEYS, prices: { [BTC]: START_PRICE } }),
    exchange: 'bitget',
    keys: BITGET_KEYS,
    executorEnv,
  });
}

export { requestsSince };

export const PLACE_ORDER = '/api/v2/mix/order/place-order';
/** The plain-order placements in a request log. */
export const orderPosts = (log: RequestLogEntry[]) => log.filter((r) => r.method === 'POST' && r.path === PLACE_ORDER);
