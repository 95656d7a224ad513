// Backtests over a slice of the candles: the strategy warms up on the candles before the range but
// trades only inside it, and equity and metrics cover the range alone.
import {
  backtestRange,
  concatCandles,
  sliceCandles,
  tradingFrom,
} from '../../../../shared/core/backtest/range-backtest';
import type { BacktestConfig, Candles } from '../../../../shared/core/backtest/types';
import type { StrategyDefinition, StrategyParams } from '../../../../shared/core/strategies/types';

const HOUR = 3_600_000;
const config: BacktestConfig = {
  cash: 1000,
  takerFee: 0,
  makerFee: 0,
  slippageBps: 0,
  fillOn: 'next_open',
  size: { kind: 'percent', value: 100 },
  leverage: 1,
  lotStep: 0.001,
  maintenanceMarginRate: 0.004,
  longOnly: false,
};

function candlesOf(n: number): Candles {
  const close = Float64Array.from({ length: n }, (_, i) => 100 + i);
  return {
    time: Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * HOUR),
    open: close.map((c) => c - 0.5),
    high: close.map((c) => c + 1),
    low: close.map((c) => c - 1),
    close,
    volume: new Float64Array(n).fill(10),
  };
}

/** Goes long once it has seen `warm` candles, holds 3 candles, then closes; repeats. */
const counting: StrategyDefinition = {
  id: 'counting',
  description: 'stub',
  params: [{ name: 'warm', type: 'int', default: 5, description: 'candles before the first signal' }],
  warmup: (p: StrategyParams) => Number(p.warm),
  create: (p: StrategyParams) => {
    let seen = 0;
    let held = 0;
    return {
      next: (_bar, position) => {
        seen++;
        if (seen <= Number(p.warm)) return undefined;
        if (position === 'flat') return { action: 'long' };
        held++;
        if (held >= 3) {
          held = 0;
          return { action: 'close_long' };
        }
        return undefined;
      },
    };
  },
};

describe('backtestRange', () => {
  const candles = candlesOf(60);

  test('warmed up before the range: the first entry comes on the range’s first candle', () => {
    const result = backtestRange(candles, counting, { warm: 5 }, config, { start: 20, end: 40 });
    expect(result.equity).toHaveLength(20);
    // Signal on candle 20 (its 6th), filled at the open of candle 21.
    expect(result.trades[0]!.entryTime).toBe(candles.time[21]);
    expect(result.trades.every((t) => t.entryTime >= candles.time[20]! && t.exitTime <= candles.time[39]!)).toBe(true);
    expect(result.metrics.finalEquity).toBeCloseTo(result.equity[19]!, 8);
    expect(result.metrics.buyHoldReturnPct).toBeCloseTo((candles.close[39]! / candles.open[21]! - 1) * 100, 9);
  });

  test('without candles before it, the range warms up on its own first candles', () => {
    const result = backtestRange(candles, counting, { warm: 5 }, config, { start: 0, end: 20 });
    expect(result.trades[0]!.entryTime).toBe(candles.time[6]);
  });

  test('tradingFrom silences signals before the given time but feeds every candle', () => {
    const quiet = tradingFrom(counting, candles.time[10]!);
    const runner = quiet.create({ warm: 0 });
    const bar = (i: number) => ({ time: candles.time[i]!, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    expect(runner.next(bar(9), 'flat')).toBeUndefined();
    expect(runner.next(bar(10), 'flat')).toEqual({ action: 'long' });
  });
});

describe('slices', () => {
  test('sliceCandles is a view, concatCandles a copy of several ranges in order', () => {
    const candles = candlesOf(10);
    const view = sliceCandles(candles, 2, 5);
    expect(Array.from(view.close)).toEqual([102, 103, 104]);
    expect(view.close.buffer).toBe(candles.close.buffer);
    const joined = concatCandles(candles, [
      { start: 1, end: 3 },
      { start: 7, end: 9 },
    ]);
    expect(Array.from(joined.close)).toEqual([101, 102, 107, 108]);
    expect(Array.from(joined.time)).toEqual([1, 2, 7, 8].map((i) => candles.time[i]));
  });
});
