// Set-up of the live tests against the fake Bybit: one funded key per test, the harness pointed at
// the fake through EXCHANGE_API_URL, and Bybit accounts created the way `account add` stores them
// (keys sealed by the local vault). The executors themselves are the live suite's
// (test/integration/live/helpers.ts): the same real adapter and ccxt's bybit.
import { startFakeBybit, type FakeBybit, type RequestLogEntry } from '../../../bin/local/fake-bybit';
import type { AccountSettings } from '../../../shared/core/domain/account';
import type { SymbolRef } from '../../../shared/core/signal/types';
import { deliverLikeSqs, keyOf, requestsSince, startFakeSuite, type FakeSuite } from '../fake-suite';

export const BYBIT_BTC: SymbolRef = {
  unified: 'BTC/USDT:USDT',
  base: 'BTC',
  quote: 'USDT',
  settle: 'USDT',
  compact: 'BTCUSDT',
};
export const BTCUSDT = 'BTCUSDT';
export const START_PRICE = '60000';
export const START_BALANCE = 10_000;

/** Keys seeded on the fake: each test trades on its own key, so the fake's books never mix tests. */
export const BYBIT_KEYS = Array.from({ length: 16 }, (_, i) => ({
  apiKey: `it-bybit-key-${i}`,
  secret: `it-bybit-secret-${i}`,
  usdt: START_BALANCE,
}));

/**
 * The fake's accounts are unified accounts in REGULAR_MARGIN (the docs' example), whose margin mode is
 * the account's and never switched by the dialect: the test accounts trade cross to match it.
 */
export const CROSS: Partial<AccountSettings> = { marginMode: 'cross' };

export type BybitSuite = FakeSuite<FakeBybit>;

export async function startBybitSuite(executorEnv: Record<string, string> = {}): Promise<BybitSuite> {
  return startFakeSuite({
    fake: await startFakeBybit({ accounts: BYBIT_KEYS, prices: { [BTCUSDT]: START_PRICE } }),
    exchange: 'bybit',
    keys: BYBIT_KEYS,
    defaults: CROSS,
    executorEnv,
  });
}

export { requestsSince };

/** The order placements in a request log (plain and conditional: one endpoint). */
export const orderPosts = (log: RequestLogEntry[]) =>
  log.filter((r) => r.method === 'POST' && r.path === '/v5/order/create');

export const bybitKey = (apiKey: string): { apiKey: string; secret: string } => keyOf(BYBIT_KEYS, apiKey);

export { deliverLikeSqs };
