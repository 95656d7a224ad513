// Offline ccxt for the adapter tests: every HTTP request a ccxt instance makes is answered from a
// recorded exchange response (test/fixtures/exchange/<id>-markets.json) or fails, so no test can
// reach a real exchange, and markets are parsed by ccxt's own code from the exchanges' payloads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CcxtExchangeAdapter, type CcxtExchangeConfig } from '../../../../shared/adapters/exchange/ccxt-exchange';
import {
  createCcxtExchange,
  type CcxtExchange,
  type CcxtExchangeId,
  type CcxtMarket,
  type CcxtOrder,
} from '../../../../shared/adapters/exchange/ccxt-lib';
import { DIALECTS } from '../../../../shared/adapters/exchange/dialects';
import { sharedMarkets } from '../../../../shared/adapters/exchange/market-cache';

export type OfflineExchangeId = Exclude<CcxtExchangeId, 'binanceusdm'>;

export const NOW = 1_735_800_000_000;

/** Recorded responses keyed by "path?query", exactly as ccxt requests them. */
export function fixture(id: OfflineExchangeId): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'exchange', `${id}-markets.json`), 'utf8'),
  ) as Record<string, unknown>;
}

/**
 * Replaces the instance's HTTP layer: a request for a recorded path gets the recorded body, any
 * other request throws. Returns the list of requested "path?query" strings.
 */
export function serveFixtures(ex: CcxtExchange, responses: Record<string, unknown>): string[] {
  const requested: string[] = [];
  ex.enableRateLimit = false;
  jest.spyOn(ex, 'fetch').mockImplementation(async (url: string) => {
    const { pathname, search } = new URL(url);
    const key = `${pathname}${search}`;
    requested.push(key);
    if (!(key in responses)) throw new Error(`offline test: unexpected request ${url}`);
    return structuredClone(responses[key]);
  });
  return requested;
}

/** A bare ccxt instance of the exchange with our dialect's options and its fixture markets loaded. */
export async function ccxtWithMarkets(id: OfflineExchangeId): Promise<CcxtExchange> {
  const ex = createCcxtExchange(id, { options: { ...DIALECTS[id].options } });
  serveFixtures(ex, fixture(id));
  await ex.loadMarkets();
  return ex;
}

export interface OfflineAdapter {
  adapter: CcxtExchangeAdapter;
  ex: CcxtExchange;
  requested: string[];
}

/**
 * The adapter as production builds it, offline. Markets come from the fixture through the shared
 * cache (cleared here so each test loads its own); order calls must be stubbed by the test.
 */
export function offlineAdapter(id: OfflineExchangeId, overrides: Partial<CcxtExchangeConfig> = {}): OfflineAdapter {
  sharedMarkets.clear();
  const adapter = new CcxtExchangeAdapter({
    id,
    testnet: false,
    marginMode: 'isolated',
    clock: { now: () => NOW },
    sleep: async () => undefined,
    ...overrides,
  });
  const requested = serveFixtures(adapter.raw, fixture(id));
  return { adapter, ex: adapter.raw, requested };
}

export function marketOf(ex: CcxtExchange, symbol: string): CcxtMarket {
  return ex.market(symbol) as CcxtMarket;
}

/** A ccxt unified order with the fields the adapter reads; `info` is the exchange's raw answer. */
export function ccxtOrder(fields: Partial<CcxtOrder>): CcxtOrder {
  return {
    id: '1',
    clientOrderId: undefined,
    timestamp: NOW,
    datetime: new Date(NOW).toISOString(),
    lastTradeTimestamp: undefined,
    symbol: 'BTC/USDT:USDT',
    type: 'market',
    side: 'buy',
    status: 'closed',
    amount: 0,
    filled: 0,
    remaining: 0,
    average: undefined,
    price: undefined,
    cost: undefined,
    trades: [],
    fee: undefined,
    fees: [],
    info: {},
    ...fields,
  } as unknown as CcxtOrder;
}
