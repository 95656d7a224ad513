// How much one child slice of a sliced entry sends. Amounts are exact decimals in base units, rounded
// down to the market's amount step; the last slice takes whatever is left, and a remainder the market
// could not take on its own (below its minimum amount or notional) joins the slice being sent, so a
// parent never strands an unsendable crumb. docs/EXECUTION-ALGOS.md "Sizing".
import { Big, floorToStep, type Decimal } from '../../domain/money';
import type { MarketInfo } from '../ports';
import { checkSlippage } from '../slippage-guard';
import type { AlgoParent } from './types';

export type SliceMarket = Pick<MarketInfo, 'amountStep' | 'minAmount' | 'minNotional'>;

/** An order book as the exchange port returns it: [price, size] levels, best first. */
export interface SliceBook {
  bids: [number, number][];
  asks: [number, number][];
}

export interface SliceSize {
  amount: Decimal;
  /** nothing is left after this slice: the parent completes when it fills */
  last: boolean;
}

const remainingOf = (parent: Pick<AlgoParent, 'totalAmount' | 'filledAmount'>): Big =>
  new Big(parent.totalAmount).minus(parent.filledAmount);

/** Below what the market accepts as one order (amount, or notional at `price` when both are known). */
function tooSmall(amount: Big, market: SliceMarket, price?: number): boolean {
  if (amount.lte(0) || amount.lt(market.minAmount)) return true;
  return price !== undefined && new Big(market.minNotional || 0).gt(0) && amount.times(price).lt(market.minNotional);
}

/** `amount` of `remaining`, with a remainder the market cannot take alone folded into it. */
function settle(amount: Big, remaining: Big, market: SliceMarket, price?: number): SliceSize {
  const capped = amount.gt(remaining) ? remaining : amount;
  const rest = remaining.minus(capped);
  if (rest.lte(0) || tooSmall(rest, market, price)) return { amount: remaining.toString(), last: true };
  return { amount: capped.toString(), last: false };
}

/** One TWAP share in whole lots (amount steps), and whether nothing is left after it. */
export interface LotShare {
  lots: number;
  last: boolean;
}

/**
 * THE TWAP rule, on whole lots (amount steps), shared by the executor (`twapSlice`, exact decimals
 * turned into lot counts) and the backtest (shared/core/backtest/slicing.ts `twapLots`, whose hot
 * loop keeps lots as plain integers): the remaining lots divided evenly over the slices left (this
 * one included), rounded down; the last slice takes the rest; a share below the market's minimum
 * (`minLots`: one lot, the minimum amount and notional at the slice's price) sends everything left
 * now (slicing it finer is impossible), so no remainder the market could not take alone is ever
 * left behind. Integer arithmetic only: exact for any lot count below 2^53.
 */
export function twapShareLots(remainingLots: number, slicesLeft: number, minLots: number): LotShare {
  if (remainingLots <= 0) return { lots: 0, last: true };
  if (slicesLeft <= 1) return { lots: remainingLots, last: true };
  const share = Math.floor(remainingLots / slicesLeft);
  const min = Math.max(1, minLots);
  if (share < min) return { lots: remainingLots, last: true };
  // What stays is never below the minimum: with two slices or more it is at least the share itself.
  return { lots: share, last: false };
}

/** The market's minimum as whole lots: one lot, the minimum amount, and the minimum notional at `price` when known. */
export function minLotsOf(market: SliceMarket, price?: number): number {
  const step = new Big(market.amountStep);
  let min = Math.max(1, Number(new Big(market.minAmount || 0).div(step).round(0, Big.roundUp)));
  if (price !== undefined && price > 0 && new Big(market.minNotional || 0).gt(0))
    min = Math.max(min, Number(new Big(market.minNotional).div(step.times(price)).round(0, Big.roundUp)));
  return min;
}

/**
 * TWAP (`twapShareLots` on this parent): sized on what FILLED so far, so a slice that filled short is
 * made up by the ones after it. The remaining amount counts in whole lots; a crumb below one step (a
 * fill off the step) is never part of a share, and the last slice sends the exact remainder with it.
 */
export function twapSlice(
  parent: Pick<AlgoParent, 'totalAmount' | 'filledAmount' | 'slices'>,
  index: number,
  market: SliceMarket,
  price?: number,
): SliceSize {
  const remaining = remainingOf(parent);
  if (remaining.lte(0)) return { amount: '0', last: true };
  const step = new Big(market.amountStep);
  const remainingLots = Number(remaining.div(step).round(0, Big.roundDown));
  const share = twapShareLots(remainingLots, parent.slices - index, minLotsOf(market, price));
  if (share.last) return { amount: remaining.toString(), last: true };
  return { amount: step.times(share.lots).toString(), last: false };
}

/** The volume-weighted cost of taking `amount` from the book against its mid price, bps (Infinity: the book is too thin). */
export function walkBps(book: SliceBook, side: 'buy' | 'sell', amount: number): number {
  return checkSlippage(book, side, amount, { maxBps: Infinity, onExceed: 'reject' }).expectedBps;
}

/**
 * Adaptive: the largest amount (a multiple of the step, at most what is left) whose walk of the
 * visible book costs no more than `maxSlippageBps` — at least the TWAP share when that share itself
 * stays within the bound, so a deep book never makes the algo slower than TWAP. When even the TWAP
 * share is too costly, the slice shrinks to what the book can take within the bound (never below the
 * market's minimum); the last slice still takes the rest, so the horizon is kept.
 */
export function adaptiveSlice(
  parent: Pick<AlgoParent, 'totalAmount' | 'filledAmount' | 'slices' | 'side'>,
  index: number,
  market: SliceMarket,
  book: SliceBook,
  maxSlippageBps: number,
  price?: number,
): SliceSize {
  const twap = twapSlice(parent, index, market, price);
  if (twap.last) return twap;
  const remaining = remainingOf(parent);
  const step = new Big(market.amountStep);
  const within = (steps: number): boolean => walkBps(book, parent.side, Number(step.times(steps))) <= maxSlippageBps;
  // Binary search over whole steps: the walk's cost only grows with the amount taken.
  let lo = 0;
  let hi = Number(remaining.div(step).round(0, Big.roundDown));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (within(mid)) lo = mid;
    else hi = mid - 1;
  }
  const best = step.times(lo);
  const twapShare = new Big(twap.amount);
  let amount = best.gt(twapShare) ? best : within(Number(twapShare.div(step))) ? twapShare : best;
  if (amount.lt(market.minAmount)) amount = new Big(market.minAmount);
  return settle(floorToStep(amount, step), remaining, market, price);
}
