// A backtest seen by market regime: how long the market spent in each regime, and how the trades
// did by the regime they were entered in. The regime series is RegimeStream's over the backtest's
// own candles, and a trade's regime is the reading of the last bar that had closed when it was
// filled: the regime the strategy could have known when it entered, never one named with the bar
// it was filled in or later ones.
import { InvalidArgumentError } from '../errors';
import { REGIME_LABELS, type RegimeLabel } from './labels';
import { regimeSeries, type RegimeReading, type RegimeStreamOptions } from './regime-stream';

/** A regime label, or "none" before the stream has confirmed one (warm-up, or before the first bar). */
export type RegimeKey = RegimeLabel | 'none';
export const REGIME_KEYS: readonly RegimeKey[] = [...REGIME_LABELS, 'none'];

export interface RegimeTime {
  regime: RegimeKey;
  bars: number;
  /** bars / all bars × 100 */
  pct: number;
}

export interface RegimeTrades {
  regime: RegimeKey;
  trades: number;
  wins: number;
  /** wins / trades × 100 (0 without trades) */
  winRatePct: number;
  /** Σ pnl, quote currency (net, as the backtest's trades) */
  pnl: number;
  /** mean of the trades' returnPct */
  avgReturnPct: number;
}

export interface RegimeBreakdown {
  bars: number;
  /** every key in REGIME_KEYS order, zeros included */
  time: RegimeTime[];
  /** only the regimes some trade was entered in, REGIME_KEYS order */
  trades: RegimeTrades[];
}

/** What a breakdown reads of a backtest trade (backtest/types.ts BacktestTrade has these). */
export interface TradeOutcome {
  entryTime: number;
  pnl: number;
  returnPct: number;
}

export interface RegimeCandles {
  /** bar open times, strictly increasing */
  time: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
}

/**
 * The index of the last bar closed by `at`, −1 when none: the bar before the last one opened at
 * or before `at` (a bar opened at `at` or earlier may still be running; the one before it has
 * closed, as bar open times are strictly increasing and a bar ends where the next begins).
 */
function lastClosedBar(time: ArrayLike<number>, at: number): number {
  let lo = 0;
  let hi = time.length - 1;
  let opened = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (time[mid]! <= at) {
      opened = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return opened - 1;
}

/**
 * The regime of each trade at its entry: readings[j] for j the last bar closed by the entry (a
 * fill at bar i's open, or inside bar i, takes bar i − 1's), "none" when there is no such bar or
 * no confirmed regime yet.
 */
export function entryRegimes(
  candles: Pick<RegimeCandles, 'time'>,
  readings: readonly Pick<RegimeReading, 'label'>[],
  trades: readonly Pick<TradeOutcome, 'entryTime'>[],
): RegimeKey[] {
  if (readings.length !== candles.time.length)
    throw new InvalidArgumentError(`readings (${readings.length}) must be one per candle (${candles.time.length})`);
  return trades.map((t) => readings[lastClosedBar(candles.time, t.entryTime)]?.label ?? 'none');
}

/** Time in each regime and P&L by the regime of entry, from readings already computed. */
export function breakdownByRegime(
  candles: Pick<RegimeCandles, 'time'>,
  readings: readonly Pick<RegimeReading, 'label'>[],
  trades: readonly TradeOutcome[],
): RegimeBreakdown {
  const bars = readings.length;
  const counts = new Map<RegimeKey, number>(REGIME_KEYS.map((k) => [k, 0]));
  for (const r of readings) counts.set(r.label ?? 'none', counts.get(r.label ?? 'none')! + 1);
  const time = REGIME_KEYS.map((regime) => ({
    regime,
    bars: counts.get(regime)!,
    pct: bars === 0 ? 0 : (counts.get(regime)! * 100) / bars,
  }));

  const keys = entryRegimes(candles, readings, trades);
  const groups = new Map<RegimeKey, TradeOutcome[]>();
  trades.forEach((t, i) => groups.set(keys[i]!, [...(groups.get(keys[i]!) ?? []), t]));
  const byRegime = REGIME_KEYS.filter((k) => groups.has(k)).map((regime) => {
    const group = groups.get(regime)!;
    const wins = group.filter((t) => t.pnl > 0).length;
    return {
      regime,
      trades: group.length,
      wins,
      winRatePct: (wins * 100) / group.length,
      pnl: group.reduce((sum, t) => sum + t.pnl, 0),
      avgReturnPct: group.reduce((sum, t) => sum + t.returnPct, 0) / group.length,
    };
  });
  return { bars, time, trades: byRegime };
}

/** RegimeStream over the candles, then the breakdown: what `backtest --regimes` prints. */
export function backtestByRegime(
  candles: RegimeCandles,
  trades: readonly TradeOutcome[],
  options: RegimeStreamOptions = {},
): RegimeBreakdown {
  return breakdownByRegime(candles, regimeSeries(candles, options), trades);
}
