// The normalised signal: what the webhook enqueues and the executor consumes. Version 1.
import type { AlgoSpec, SliceRef } from './algo';

export type RawAction = 'long' | 'short' | 'close_long' | 'close_short' | 'close_all' | 'buy' | 'sell';
export type MarketPosition = 'long' | 'flat' | 'short';

/** What the executor is asked to do, after TradingView's buy/sell+position has been resolved. */
export type Intent =
  | 'enter_long'
  | 'enter_short'
  | 'close_long'
  | 'close_short'
  | 'close_all'
  | 'reduce_long'
  | 'reduce_short'
  | OwnerIntent;

/** The owner's own orders (console and CLI), queued on the account's lane like any signal. */
export type OwnerIntent = 'move_stop' | 'move_target' | 'cancel_order';

export const OWNER_INTENTS: readonly OwnerIntent[] = ['move_stop', 'move_target', 'cancel_order'];

/**
 * What an owner signal asks besides its intent. Prices are decimal text, as the book stores them.
 * reducePct: a reduce_long/reduce_short of this percent of the live position (0 < p < 100), sized
 * when it executes (not when it is asked), so a signal ahead of it in the lane is accounted for.
 */
export interface OwnerOrder {
  /** move_stop / move_target: the new trigger price */
  price?: string;
  /** move_target: which target (absent: the only one); cancel_order: the order to cancel */
  clientOrderId?: string;
  /** cancel_order: cancel the resting stop of an open position anyway (it is left unprotected) */
  force?: boolean;
  reducePct?: number;
}

export type SizeSpec =
  | { kind: 'percent'; value: number } // percent of equity committed as margin
  | { kind: 'quote'; value: number } // margin in the quote currency (USDT)
  | { kind: 'contracts'; value: number }; // base-asset units, as TradingView counts contracts on crypto; adapters convert to exchange contracts

export type PriceLevel = { kind: 'percent'; value: number } | { kind: 'price'; value: number };

/** One take-profit level and the percent of the filled position it closes. */
export interface TakeProfitLevel {
  level: PriceLevel;
  sharePct: number;
}

/** How the entry is sent; protective orders are always reduce-only conditional market orders. */
export interface EntryOrderSpec {
  type: 'market' | 'limit';
  /** limit price: absolute, or percent away from the price in the trader's favour */
  limit?: PriceLevel;
  /** GTC (default for limit), IOC, or PO (post-only) */
  timeInForce?: 'GTC' | 'IOC' | 'PO';
}

export interface SymbolRef {
  /** ccxt unified symbol, e.g. BTC/USDT:USDT */
  unified: string;
  base: string;
  quote: string;
  settle: string;
  /** exchange-style compact form, e.g. BTCUSDT: used in message groups and display */
  compact: string;
  /** exchange prefix when the alert carried one (BINANCE:BTCUSDT.P), for information only */
  sourceExchange?: string;
}

export interface Signal {
  v: 1;
  signalId: string;
  accountId: string;
  intent: Intent;
  symbol: SymbolRef;
  size?: SizeSpec;
  leverage?: number;
  sl?: PriceLevel;
  /** first take-profit level (the whole position unless `tpLevels` splits it) */
  tp?: PriceLevel;
  /** several take-profit levels with their share of the position (shares sum to 100) */
  tpLevels?: TakeProfitLevel[];
  /** move the stop to the entry price once the first take-profit has filled */
  breakEven?: boolean;
  /** trailing stop distance, percent (native where the exchange has one) */
  trailPct?: number;
  order?: EntryOrderSpec;
  strategy?: string;
  alertId?: string;
  /** alert fire time ({{timenow}}), epoch ms UTC */
  firedAt?: number;
  /** {{close}} at fire time, kept for slippage analysis */
  signalPrice?: number;
  receivedAt: number;
  /**
   * owner: a command of the account's owner (flatten, close, reduce, move-stop…); algo: a child
   * slice of a sliced entry (shared/core/execution/algo), scheduled by its parent's execution;
   * arb: a leg of a funding-arbitrage pair, sent by the funding-arb coordinator
   */
  source: 'webhook' | 'strategy' | 'owner' | 'algo' | 'arb';
  /** a leg (or a leg's unwind/exit) of a live funding-arbitrage pair (shared/core/funding, source 'arb') */
  arb?: ArbLegRef;
  /** entries only: send the entry as slices over time (TWAP / adaptive) instead of one order */
  algo?: AlgoSpec;
  /** a child slice of a sliced entry: its parent and index (source 'algo') */
  slice?: SliceRef;
  /** owner signals only: the details of the owner's order */
  owner?: OwnerOrder;
}

/** Which funding-arbitrage pair a signal belongs to: its plan, the round (one entry and its exit), the leg. */
export interface ArbLegRef {
  planId: string;
  /** 1, 2, …: each entry of the plan opens a new round */
  round: number;
  /** perp: the first account's leg; other: the hedge (spot, or the second perpetual) */
  leg: 'perp' | 'other';
}
