// What the perp-vs-spot and the two-perpetual funding backtests share: the input checks, the two
// legs' fills (slippage against us, taker fees), and the report's figures from the cash and the
// equity curve. Exact Big arithmetic, as each backtest's own loop.
import { InvalidArgumentError } from '../errors';
import { Big } from '../domain/money';
import { closeTime, drawdowns } from '../backtest/metrics';
import type { Candles, FundingSeries } from '../backtest/types';

export const BPS = 10_000;

function positive(field: string, v: Big.BigSource): void {
  let value: Big | undefined;
  try {
    value = new Big(v);
  } catch {
    value = undefined;
  }
  if (value === undefined || !value.gt(0)) throw new InvalidArgumentError(`${field} must be > 0, got ${String(v)}`);
}

/**
 * The checks both backtests make, in this order: the candles (≥ 2, the other leg's on the same open
 * times), each funding series not empty, capital and notional > 0, lookback, then each funding
 * interval > 0 and within the horizon. Every refusal names its field and bound.
 */
export function validateArbInputs(p: {
  perp: Candles;
  /** the other leg's candles and what the message calls them ('spot', 'hedge') */
  other: Candles;
  otherName: string;
  /** each funding series and what the message calls it */
  fundings: readonly (readonly [name: string, series: FundingSeries])[];
  initialCapital: Big.BigSource;
  notional: Big.BigSource;
  lookback: number;
  horizonMs: number;
  /** each funding interval and its field name */
  intervals: readonly (readonly [field: string, ms: number])[];
}): void {
  const { perp, other } = p;
  if (perp.time.length < 2)
    throw new InvalidArgumentError(`candles must hold at least 2 rows, got ${perp.time.length}`);
  if (other.time.length !== perp.time.length || other.time.some((t, i) => t !== perp.time[i])) {
    throw new InvalidArgumentError(`${p.otherName} candles must have the same open times as the perpetual candles`);
  }
  for (const [name, series] of p.fundings)
    if (series.time.length === 0) throw new InvalidArgumentError(`${name} series must hold at least 1 rate`);
  positive('initialCapital', p.initialCapital);
  positive('notional', p.notional);
  if (!Number.isInteger(p.lookback) || p.lookback < 1)
    throw new InvalidArgumentError(`lookback must be an integer ≥ 1, got ${p.lookback}`);
  for (const [field, interval] of p.intervals) {
    if (!(interval > 0)) throw new InvalidArgumentError(`${field} must be > 0, got ${interval}`);
    if (!(p.horizonMs >= interval))
      throw new InvalidArgumentError(`horizonMs must be ≥ ${field} (${interval}), got ${p.horizonMs}`);
  }
}

export interface PairFills {
  perpFill: Big;
  otherFill: Big;
  /** both legs' taker fees on their fills */
  fees: Big;
  /** what the slippage cost on both legs, against their mids */
  slippage: Big;
}

/**
 * Both legs' fills for `amount`: `perpBuys` when the perp leg buys (entering long, or exiting a
 * short); the other leg always trades the opposite way. Slippage always against us: a buy fills
 * above the mid, a sell below.
 */
export function pairFills(p: {
  perpMid: Big;
  otherMid: Big;
  amount: Big;
  perpBuys: boolean;
  slip: Big;
  perpFee: Big;
  otherFee: Big;
}): PairFills {
  const up = new Big(1).plus(p.slip);
  const down = new Big(1).minus(p.slip);
  const perpFill = p.perpMid.times(p.perpBuys ? up : down);
  const otherFill = p.otherMid.times(p.perpBuys ? down : up);
  return {
    perpFill,
    otherFill,
    fees: p.amount.times(perpFill).times(p.perpFee).plus(p.amount.times(otherFill).times(p.otherFee)),
    slippage: p.amount.times(p.perpMid).times(p.slip).plus(p.amount.times(p.otherMid).times(p.slip)),
  };
}

export interface ArbSummary {
  netPnl: string;
  finalEquity: string;
  returnPct: number;
  timeInMarketMs: number;
  timeInMarketPct: number;
  maxDrawdownPct: number;
}

/** The report's figures from the final cash, the time held and the equity at each candle close. */
export function summarizeArb(p: {
  perp: Candles;
  initialCapital: Big.BigSource;
  cash: Big;
  timeInMarketMs: number;
  equity: { time: number[]; value: number[] };
}): ArbSummary {
  const initial = new Big(p.initialCapital);
  const n = p.perp.time.length;
  const span = closeTime(p.perp.time, n - 1) - p.perp.time[0]!;
  const dd = drawdowns(Float64Array.from(p.equity.time), Float64Array.from(p.equity.value), Number(initial.toString()));
  return {
    netPnl: p.cash.minus(initial).toString(),
    finalEquity: p.cash.toString(),
    returnPct: Number(p.cash.minus(initial).div(initial).times(100).toString()),
    timeInMarketMs: p.timeInMarketMs,
    timeInMarketPct: span > 0 ? (p.timeInMarketMs / span) * 100 : 0,
    maxDrawdownPct: dd.maxPct,
  };
}
