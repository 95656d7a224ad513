// Shared set-up for the paper exchange tests: a BTC/ETH account at 10,000 USDT, fee 0.05 %,
// slippage 2 bps, fixed prices and a hand-driven clock.
import { MemoryLedgerStore } from '../../../../shared/adapters/paper/memory-ledger-store';
import { paperMarkets } from '../../../../shared/adapters/paper/markets';
import { PaperExchange } from '../../../../shared/adapters/paper/paper-exchange';
import { FixedPriceSource } from '../../../../shared/adapters/prices/fixed-price-source';
import type { PaperSettings } from '../../../../shared/core/domain/account';
import type { OrderRequest } from '../../../../shared/core/ports/exchange';
import type { PaperLedgerStore, PriceSource } from '../../../../shared/core/ports/paper';

export const BTC = 'BTC/USDT:USDT';
export const ETH = 'ETH/USDT:USDT';
export const ACCOUNT = 'acc-1';

export const SETTINGS: PaperSettings = {
  quoteCurrency: 'USDT',
  initialBalance: '10000',
  takerFeeRate: 0.0005,
  slippageBps: 2,
};

export class ManualClock {
  constructor(public t = 1_700_000_000_000) {}
  now(): number {
    return this.t;
  }
}

/** `wrap` lets a test put a failing source in front of the fixed prices. */
export function setup(
  store: PaperLedgerStore = new MemoryLedgerStore(),
  wrap: (p: PriceSource) => PriceSource = (p) => p,
) {
  const clock = new ManualClock();
  const prices = new FixedPriceSource({ [BTC]: 50_000, [ETH]: 3_000 }, clock);
  const exchange = new PaperExchange({
    accountId: ACCOUNT,
    store,
    prices: wrap(prices),
    markets: paperMarkets,
    settings: SETTINGS,
    clock,
  });
  return { exchange, prices, store, clock };
}

let seq = 0;
/** A market order request; the client order id is unique unless given. */
export function order(overrides: Partial<OrderRequest> = {}): OrderRequest {
  seq += 1;
  return {
    symbol: BTC,
    side: 'buy',
    type: 'market',
    amount: '0.1',
    reduceOnly: false,
    clientOrderId: `c${seq}`,
    ...overrides,
  };
}

/** A reduce-only conditional order. */
export function conditional(
  type: 'stop_market' | 'take_profit_market',
  side: 'buy' | 'sell',
  triggerPrice: string,
  overrides: Partial<OrderRequest> = {},
): OrderRequest {
  return order({ type, side, triggerPrice, reduceOnly: true, ...overrides });
}

/** Captures a rejection so its fields can be asserted. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (e) {
    return e as Error & { code?: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}
