// A trade is one position's life: opened by an entry, possibly added to or reduced, closed by an
// exit. The book position points at its open trade.
import type { Decimal } from './money';

export type PositionSide = 'long' | 'short';

/**
 * A sliced entry's mark on its child orders and on the trade they build (docs/EXECUTION-ALGOS.md):
 * the trades list shows one parent ("TWAP 3/5 slices"), not five entries.
 */
export interface AlgoTag {
  parentId: string;
  kind: string;
  slices: number;
  /** children booked so far on this trade (the child's index + 1) */
  filledSlices: number;
}

/**
 * A funding-arbitrage leg's mark on its orders and on the trade it opens (docs/FUNDING.md "Live"):
 * the trades list shows "funding arb #<round> <leg>" rather than a manual trade.
 */
export interface ArbTag {
  planId: string;
  round: number;
  leg: 'perp' | 'other';
}

export interface TradeRecord {
  accountId: string;
  tradeId: string;
  symbol: string;
  side: PositionSide;
  status: 'open' | 'closed';
  strategy?: string;
  /** built by a sliced entry's children: its parent and how many slices of how many have filled */
  algo?: AlgoTag;
  /** opened by a funding-arbitrage leg: its plan, round and leg */
  arb?: ArbTag;
  leverage: number;
  /** base units currently open */
  quantity: string;
  /** largest base quantity held over the trade's life */
  maxQuantity: string;
  /** quantity-weighted average entry price */
  entryPrice: string;
  /** quantity-weighted average exit price over all exits so far */
  exitPrice?: string;
  exitedQuantity: string;
  openedAt: number;
  closedAt?: number;
  /** fees paid on entries and exits, quote currency */
  fees: Decimal;
  /** funding paid (positive) or received (negative) while open, quote currency */
  funding: Decimal;
  /** time of the last funding payment counted in `funding` (the risk-check job reads them) */
  fundingSyncedAt?: number;
  /** price P&L of the exited quantity minus all fees and funding, quote currency */
  realizedPnl: Decimal;
  /**
   * Σ quantity × price over the entry fills and over the exit fills, quote currency (absent on
   * trades written before exact money). The closing exit settles the price P&L from them, so a
   * closed trade's P&L is exactly Σ exits − Σ entries whatever the averages rounded to.
   */
  entryNotional?: Decimal;
  exitNotional?: Decimal;
  /** realizedPnl over the initial margin (entry notional / leverage), percent: a ratio, not money */
  roiPct?: number;
  openSignalId: string;
  closeSignalId?: string;
  exitReason?: 'signal' | 'stop_loss' | 'take_profit' | 'reverse' | 'manual' | 'liquidation';
  updatedAt: number;
}

export interface ProtectiveOrderRef {
  clientOrderId: string;
  triggerPrice: string;
  /** base units this order closes (absent on records written before multi-level targets) */
  amount?: string;
  /** trailing distance in percent, for a trailing stop */
  trailingPercent?: number;
  /**
   * The exchange has no native trailing stop: this is a plain stop that the risk-check job moves
   * behind the best price every minute (the best price is kept in the account's risk state).
   */
  emulatedTrail?: boolean;
}

/** The resting orders that guard an open position, as the book remembers them. */
export interface Protection {
  /**
   * The stop: the fixed stop-loss, or, when the signal asked for a trailing stop only, that
   * trailing stop (as positions were booked before `trailingStop` existed).
   */
  stopLoss?: ProtectiveOrderRef;
  /** the trailing stop of a signal that asked for both a fixed stop and a trail (never alone) */
  trailingStop?: ProtectiveOrderRef;
  /** take-profit ladder, nearest level first */
  takeProfits?: ProtectiveOrderRef[];
  /** move the stop to the entry price after the first take-profit fills */
  breakEven?: boolean;
}

/**
 * The system's own view of a position (one row per account and symbol, kept when flat so that
 * the ids of the orders already applied survive); the exchange's view is reconciled against it.
 */
export interface BookPosition {
  accountId: string;
  symbol: string;
  /** absent when flat */
  side?: PositionSide;
  /** base units, "0" when flat */
  quantity: string;
  entryPrice: string;
  leverage: number;
  tradeId?: string;
  strategy?: string;
  stopLoss?: ProtectiveOrderRef;
  trailingStop?: ProtectiveOrderRef;
  takeProfits?: ProtectiveOrderRef[];
  breakEven?: boolean;
  openedAt?: number;
  updatedAt: number;
  /** client order ids whose fills this row already reflects (newest last, bounded) */
  appliedOrderIds: string[];
  /** optimistic lock: every write is conditional on the version read; 0 = never written */
  version: number;
}
