// Walk-forward: span parsing, window arithmetic in candles and in time (with a data gap), best
// params chosen in-sample, and out-of-sample equity chained from segment to segment.
import type {
  BacktestConfig,
  BacktestResult,
  BacktestTrade,
  Candles,
  Metrics,
} from '../../../../shared/core/backtest/types';
import {
  combineOutOfSample,
  parseSpan,
  runWalkForward,
  walkForwardWindows,
  WalkForwardError,
  type IndexRange,
} from '../../../../shared/core/backtest/walk-forward';
import type { StrategyParams } from '../../../../shared/core/strategies/types';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const metricsWith = (over: Partial<Metrics>): Metrics => ({
  trades: 1,
  finalEquity: 0,
  returnPct: 0,
  cagrPct: 0,
  annualReturnPct: 0,
  annualVolatilityPct: 0,
  sharpe: 0,
  sortino: 0,
  calmar: 0,
  maxDrawdownPct: 0,
  maxDrawdownDurationMs: 0,
  avgDrawdownPct: 0,
  winRatePct: 0,
  profitFactor: 0,
  expectancy: 0,
  avgWin: 0,
  avgLoss: 0,
  bestTradePct: 0,
  worstTradePct: 0,
  exposurePct: 0,
  sqn: 0,
  kelly: 0,
  buyHoldReturnPct: 0,
  totalFees: 0,
  totalFunding: 0,
  ...over,
});

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

function hourly(n: number, start = Date.UTC(2024, 0, 1)): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => start + i * HOUR);
}

describe('parseSpan', () => {
  test.each([
    ['500', { unit: 'candles', count: 500 }],
    ['90d', { unit: 'ms', ms: 90 * DAY }],
    ['12h', { unit: 'ms', ms: 12 * HOUR }],
    ['30m', { unit: 'ms', ms: 30 * 60_000 }],
    ['2w', { unit: 'ms', ms: 14 * DAY }],
    ['1.5d', { unit: 'ms', ms: 36 * HOUR }],
  ])('%s', (text, span) => {
    expect(parseSpan(text, '--in-sample')).toEqual(span);
  });

  test.each(['', 'abc', '0', '90x', '1.5'])('"%s" is refused, naming the option', (text) => {
    expect(() => parseSpan(text, '--out-of-sample')).toThrow(/^--out-of-sample: /);
  });
});

describe('walkForwardWindows in candles', () => {
  const spec = { inSample: { unit: 'candles', count: 40 }, outOfSample: { unit: 'candles', count: 20 } } as const;

  test('windows roll by the out-of-sample length and tile the data after the first in-sample', () => {
    const windows = walkForwardWindows(hourly(100), spec);
    expect(windows.map((w) => [w.inSample, w.outOfSample])).toEqual([
      [
        { start: 0, end: 40 },
        { start: 40, end: 60 },
      ],
      [
        { start: 20, end: 60 },
        { start: 60, end: 80 },
      ],
      [
        { start: 40, end: 80 },
        { start: 80, end: 100 },
      ],
    ]);
  });

  test('the last out-of-sample segment is cut at the end of the data', () => {
    const windows = walkForwardWindows(hourly(90), spec);
    expect(windows.at(-1)!.outOfSample).toEqual({ start: 80, end: 90 });
  });

  test('a longer step leaves candles out between segments', () => {
    const windows = walkForwardWindows(hourly(100), { ...spec, step: { unit: 'candles', count: 30 } });
    expect(windows.map((w) => w.outOfSample)).toEqual([
      { start: 40, end: 60 },
      { start: 70, end: 90 },
    ]);
  });

  test('too little data: no window', () => {
    expect(walkForwardWindows(hourly(40), spec)).toEqual([]);
  });

  test('a step shorter than the out-of-sample length, or mixed units, is refused', () => {
    expect(() => walkForwardWindows(hourly(100), { ...spec, step: { unit: 'candles', count: 10 } })).toThrow(
      WalkForwardError,
    );
    expect(() => walkForwardWindows(hourly(100), { ...spec, outOfSample: { unit: 'ms', ms: DAY } })).toThrow(
      /all be candle counts or all durations/,
    );
  });
});

describe('walkForwardWindows in time', () => {
  test('10 days of hourly candles, 3 days in-sample, 1 day out-of-sample: 7 windows of 72 + 24 candles', () => {
    const windows = walkForwardWindows(hourly(240), {
      inSample: parseSpan('3d', 'is'),
      outOfSample: parseSpan('1d', 'oos'),
    });
    expect(windows).toHaveLength(7);
    windows.forEach((w, k) => {
      expect(w.inSample).toEqual({ start: 24 * k, end: 24 * k + 72 });
      expect(w.outOfSample).toEqual({ start: 24 * k + 72, end: 24 * k + 96 });
    });
  });

  test('windows follow the clock, not the candle count, across a gap in the data', () => {
    // Day 4 (hours 96–119) is missing.
    const all = hourly(240);
    const time = Float64Array.from([...all.subarray(0, 96), ...all.subarray(120)]);
    const windows = walkForwardWindows(time, { inSample: parseSpan('3d', 'is'), outOfSample: parseSpan('1d', 'oos') });
    // Window 1 covers days 1–3 in-sample and day 4 out-of-sample: no out-of-sample candle, no window.
    expect(windows.map((w) => time[w.outOfSample.start]! - time[0]!)).toEqual([3, 5, 6, 7, 8, 9].map((d) => d * DAY));
    expect(windows[1]!.inSample.end - windows[1]!.inSample.start).toBe(48);
  });
});

describe('runWalkForward', () => {
  const windows = walkForwardWindows(hourly(100), {
    inSample: { unit: 'candles', count: 40 },
    outOfSample: { unit: 'candles', count: 20 },
  });
  const paramSets: StrategyParams[] = [{ p: 1 }, { p: 2 }, { p: 3 }];

  /** Out-of-sample stub: equity grows by p % of the cash it is given, linearly over the range. */
  function backtestStub(range: IndexRange, params: StrategyParams, cash: number): BacktestResult {
    const n = range.end - range.start;
    const gain = (cash * Number(params.p)) / 100;
    const equity = Float64Array.from({ length: n }, (_, i) => cash + (gain * (i + 1)) / n);
    const trade: BacktestTrade = {
      side: 'long',
      entryTime: range.start,
      entryPrice: 1,
      exitTime: range.end,
      exitPrice: 1,
      quantity: 1,
      fees: 0,
      funding: 0,
      pnl: gain,
      returnPct: Number(params.p),
      exitReason: 'signal',
      barsHeld: n,
    };
    return {
      strategy: 'stub',
      params,
      config: { ...config, cash },
      trades: [trade],
      equity,
      metrics: metricsWith({ finalEquity: cash + gain }),
      exposureBars: n,
    };
  }

  test('picks the best set in-sample by the objective and chains equity out-of-sample', async () => {
    // In-sample sharpe favours p=3, then p=1, then p=2.
    const favourite = [3, 1, 2];
    const evaluate = jest.fn(async (range: IndexRange, sets: readonly StrategyParams[]) => {
      const k = windows.findIndex((w) => w.inSample.start === range.start);
      return sets.map((s) => metricsWith({ sharpe: s.p === favourite[k] ? 2 : 1 }));
    });
    const backtest = jest.fn(backtestStub);
    const run = await runWalkForward(windows, paramSets, 'sharpe', 1000, { evaluate, backtest });

    expect(run.segments.map((s) => s.params.p)).toEqual([3, 1, 2]);
    expect(backtest.mock.calls.map(([range, , cash]) => [range, cash])).toEqual([
      [{ start: 40, end: 60 }, 1000],
      [{ start: 60, end: 80 }, 1030],
      [{ start: 80, end: 100 }, 1040.3],
    ]);
    expect(run.finalEquity).toBeCloseTo(1000 * 1.03 * 1.01 * 1.02, 9);
    expect(run.equity).toHaveLength(60);
    expect(run.equity[19]).toBeCloseTo(1030, 9);
    expect(run.equity[20]).toBeGreaterThan(1030);
    expect(run.trades).toHaveLength(3);
  });

  test('the combined report measures the chained curve from the starting cash', async () => {
    const run = await runWalkForward(windows, paramSets, 'returnPct', 1000, {
      evaluate: async (_r, sets) => sets.map((s) => metricsWith({ returnPct: Number(s.p) })),
      backtest: backtestStub,
    });
    const candles: Candles = {
      time: hourly(100),
      open: new Float64Array(100).fill(1),
      high: new Float64Array(100).fill(1),
      low: new Float64Array(100).fill(1),
      close: new Float64Array(100).fill(1),
      volume: new Float64Array(100),
    };
    const { candles: oos, result } = combineOutOfSample(candles, run, config);
    expect(oos.time).toHaveLength(60);
    expect(oos.time[0]).toBe(candles.time[40]);
    expect(result.metrics.finalEquity).toBeCloseTo(1000 * 1.03 ** 3, 9);
    expect(result.metrics.returnPct).toBeCloseTo((1.03 ** 3 - 1) * 100, 9);
    expect(result.metrics.trades).toBe(3);
    expect(result.metrics.exposurePct).toBe(100);
  });

  test('no window or no param set is an error', async () => {
    const deps = { evaluate: async () => [], backtest: backtestStub };
    await expect(runWalkForward([], paramSets, 'sharpe', 1000, deps)).rejects.toThrow(/no walk-forward window/);
    await expect(runWalkForward(windows, [], 'sharpe', 1000, deps)).rejects.toThrow(/no parameter set/);
  });
});
