// Backtests over part of the candles, as walk-forward windows need them: the strategy warms up on
// the candles just before the range (so its indicators are ready when the range opens) but may
// only trade inside it, and the equity and metrics cover the range alone.
import type { StrategyDefinition, StrategyParams } from '../strategies/types';
import { runBacktest } from './engine';
import { computeMetrics } from './metrics';
import type { BacktestConfig, BacktestResult, Candles } from './types';

/** Candle indices [start, end). */
export interface IndexRange {
  start: number;
  end: number;
}

/** Views over candles [start, end): no copy. */
export function sliceCandles(candles: Candles, start: number, end: number): Candles {
  return {
    time: candles.time.subarray(start, end),
    open: candles.open.subarray(start, end),
    high: candles.high.subarray(start, end),
    low: candles.low.subarray(start, end),
    close: candles.close.subarray(start, end),
    volume: candles.volume.subarray(start, end),
  };
}

/** The candles of several ranges, one after the other (copied). */
export function concatCandles(candles: Candles, ranges: readonly IndexRange[]): Candles {
  const length = ranges.reduce((n, r) => n + (r.end - r.start), 0);
  const column = (source: Float64Array) => {
    const out = new Float64Array(length);
    let at = 0;
    for (const r of ranges) {
      out.set(source.subarray(r.start, r.end), at);
      at += r.end - r.start;
    }
    return out;
  };
  return {
    time: column(candles.time),
    open: column(candles.open),
    high: column(candles.high),
    low: column(candles.low),
    close: column(candles.close),
    volume: column(candles.volume),
  };
}

/**
 * The same strategy, fed every candle (its indicators keep up) but silent before `fromTime`:
 * no entry can be made during the warm-up.
 */
export function tradingFrom<P extends StrategyParams>(
  def: StrategyDefinition<P>,
  fromTime: number,
): StrategyDefinition<P> {
  return {
    ...def,
    create(params: P) {
      const runner = def.create(params);
      return {
        next(bar, position) {
          const signal = runner.next(bar, position);
          return bar.time < fromTime ? undefined : signal;
        },
      };
    },
  };
}

/** A backtest of candles [range) that warms the strategy up on up to `warmup(params)` candles before it. */
export function backtestRange(
  candles: Candles,
  def: StrategyDefinition,
  params: StrategyParams,
  config: BacktestConfig,
  range: IndexRange,
): BacktestResult {
  const warm = Math.min(range.start, Math.max(0, Math.floor(def.warmup(params))));
  if (warm === 0) return runBacktest(sliceCandles(candles, range.start, range.end), def, params, config);
  const run = runBacktest(
    sliceCandles(candles, range.start - warm, range.end),
    tradingFrom(def, candles.time[range.start]!),
    params,
    config,
  );
  const candlesInRange = sliceCandles(candles, range.start, range.end);
  const equity = run.equity.slice(warm);
  // Nothing was held during the warm-up, so every exposed candle lies inside the range.
  const exposureBars = run.exposureBars ?? 0;
  return {
    ...run,
    equity,
    exposureBars,
    metrics: computeMetrics(candlesInRange, equity, run.trades, config, exposureBars),
  };
}
