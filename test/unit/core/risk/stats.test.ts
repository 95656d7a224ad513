// Daily stats of the risk engine: returns, ATR, volatilities, correlation alignment, historical VaR
// and the correlation cache, against hand-computed values.
import type { Candles } from '../../../../shared/core/backtest/types';
import { atr } from '../../../../shared/core/indicators/atr';
import {
  CorrelationCache,
  computeMarketStats,
  historicalVar,
  returnsCorrelation,
  type MarketStats,
} from '../../../../shared/core/risk/stats';
import { DAY } from './fixtures';

const T0 = Date.UTC(2024, 0, 1);
const day = (i: number) => T0 + i * DAY;

function candles(closes: number[], spread = (c: number, _i: number) => c * 0.02): Candles {
  const n = closes.length;
  const c: Candles = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: Float64Array.from(closes),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const close = closes[i]!;
    c.time[i] = day(i);
    c.open[i] = i > 0 ? closes[i - 1]! : close;
    c.high[i] = Math.max(c.open[i]!, close) + spread(close, i);
    c.low[i] = Math.min(c.open[i]!, close) - spread(close, i) / 2;
  }
  return c;
}

/** Stats with given returns on given day indexes (only what correlation and VaR read). */
function series(
  symbol: string,
  days: number[],
  returns: number[],
  asOf = day(days[days.length - 1] ?? 0),
): MarketStats {
  return { symbol, asOf, times: Float64Array.from(days.map(day)), returns: Float64Array.from(returns), lastClose: 100 };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
/** Deterministic, irregular returns (no two series built from different seeds correlate by design). */
const wiggle = (n: number, seed: number) =>
  range(0, n).map((i) => Math.sin(i * 1.7 + seed) * 0.03 + Math.cos(i * 0.31 * seed) * 0.01);

describe('computeMarketStats', () => {
  it('takes close-to-close returns stamped with the later candle, and the last close and time', () => {
    const stats = computeMarketStats('BTC/USDT:USDT', candles([100, 110, 99, 108.9]), {
      atrPeriod: 14,
      shortDays: 2,
      longDays: 3,
    });
    expect(stats.asOf).toBe(day(3));
    expect(stats.lastClose).toBe(108.9);
    expect(Array.from(stats.times)).toEqual([day(1), day(2), day(3)]);
    expect(stats.returns[0]).toBeCloseTo(0.1, 12);
    expect(stats.returns[1]).toBeCloseTo(-0.1, 12);
    expect(stats.returns[2]).toBeCloseTo(0.1, 12);
  });

  it('volatilities are sample standard deviations of the last short / long returns, absent when too few', () => {
    const windows = { atrPeriod: 14, shortDays: 2, longDays: 3 };
    const stats = computeMarketStats('X', candles([100, 110, 99, 108.9]), windows);
    // last 2 returns −0.1, +0.1: mean 0, Σd² = 0.02, / (2 − 1) → √0.02
    expect(stats.volShort).toBeCloseTo(Math.sqrt(0.02), 12);
    // 0.1, −0.1, 0.1: mean 1/30, Σd² = 2·(1/15)² + (2/15)² = 6/225, / 2 → √(3/225)
    expect(stats.volLong).toBeCloseTo(Math.sqrt(3 / 225), 12);
    const short = computeMarketStats('X', candles([100, 110, 99]), windows);
    expect(short.volShort).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(short.volLong).toBeUndefined();
  });

  it('ATR is the Wilder ATR of the indicator at the last candle, absent below period + 1 candles', () => {
    const closes = range(0, 40).map((i) => 100 + Math.sin(i) * 5 + i);
    const daily = candles(closes, (c, i) => c * (0.01 + (i % 3) * 0.01));
    const stats = computeMarketStats('X', daily, { atrPeriod: 14, shortDays: 7, longDays: 30 });
    const expected = atr(daily.high, daily.low, daily.close, 14)[39]!;
    expect(Number.isFinite(expected)).toBe(true);
    expect(stats.atr).toBe(expected);
    expect(
      computeMarketStats('X', candles(closes.slice(0, 14)), { atrPeriod: 14, shortDays: 7, longDays: 30 }).atr,
    ).toBeUndefined();
    expect(
      computeMarketStats('X', candles(closes.slice(0, 15)), { atrPeriod: 14, shortDays: 7, longDays: 30 }).atr,
    ).toBeGreaterThan(0);
  });

  it('ATR(2) by hand: true ranges from bar 1, seeded by their mean, then Wilder', () => {
    const daily: Candles = {
      time: Float64Array.from([0, 1, 2, 3].map(day)),
      open: Float64Array.from([9.5, 9.5, 11, 12]),
      high: Float64Array.from([10, 12, 13, 11]),
      low: Float64Array.from([9, 10, 11, 8]),
      close: Float64Array.from([9.5, 11, 12, 9]),
      volume: new Float64Array(4),
    };
    // TR: bar1 max(2, 2.5, 0.5) = 2.5; bar2 max(2, 2, 0) = 2; bar3 max(3, 1, 4) = 4 → seed (2.5 + 2) / 2 = 2.25 → (2.25 + 4) / 2
    expect(computeMarketStats('X', daily, { atrPeriod: 2, shortDays: 2, longDays: 3 }).atr).toBeCloseTo(3.125, 12);
  });

  it('no candle at all gives empty series and no figures', () => {
    const stats = computeMarketStats('X', candles([]), { atrPeriod: 14, shortDays: 7, longDays: 30 });
    expect(stats.returns.length).toBe(0);
    expect(stats.atr).toBeUndefined();
    expect(stats.volShort).toBeUndefined();
  });
});

describe('returnsCorrelation', () => {
  const days = range(0, 30);
  const x = wiggle(30, 1);

  it('is 1 with itself and −1 with its negation', () => {
    const a = series('A', days, x);
    expect(returnsCorrelation(a, a, 30)).toBeCloseTo(1, 12);
    expect(
      returnsCorrelation(
        a,
        series(
          'B',
          days,
          x.map((v) => -v),
        ),
        30,
      ),
    ).toBeCloseTo(-1, 12);
    // Scale and shift do not change a correlation.
    expect(
      returnsCorrelation(
        a,
        series(
          'C',
          days,
          x.map((v) => 3 * v + 0.01),
        ),
        30,
      ),
    ).toBeCloseTo(1, 12);
  });

  it('matches a hand computation: 1…10 against pairwise-swapped 2,1,4,3,… is 77.5 / 82.5 = 31/33', () => {
    // Both have mean 5.5 and Σd² = 82.5; y − x alternates +1/−1, so Σdxdy = 82.5 − 5.
    const a = series('A', range(0, 10), range(1, 11));
    const b = series('B', range(0, 10), [2, 1, 4, 3, 6, 5, 8, 7, 10, 9]);
    expect(returnsCorrelation(a, b, 10)).toBeCloseTo(31 / 33, 12);
    expect(returnsCorrelation(b, a, 10)).toBeCloseTo(31 / 33, 12);
  });

  it('aligns on common times, not positions', () => {
    // B lacks day 5 and has a day 12 A lacks: position by position the series are shifted.
    const aDays = range(0, 12);
    const bDays = [...range(0, 5), ...range(6, 13)];
    const values = wiggle(13, 2);
    const a = series(
      'A',
      aDays,
      aDays.map((d) => values[d]!),
    );
    const b = series(
      'B',
      bDays,
      bDays.map((d) => (d === 12 ? 0.5 : values[d]!)),
    );
    // 11 common days (0–11 without 5), equal on each of them.
    expect(returnsCorrelation(a, b, 30)).toBeCloseTo(1, 12);
  });

  it('uses only the last lookbackDays common days', () => {
    // Equal over the last 10 days, opposite before.
    const a = series('A', days, x);
    const b = series(
      'B',
      days,
      x.map((v, i) => (i >= 20 ? v : -v)),
    );
    expect(returnsCorrelation(a, b, 10)).toBeCloseTo(1, 12);
    expect(returnsCorrelation(a, b, 30)!).toBeLessThan(0.5);
  });

  it('is undefined with fewer than 10 common days or a flat series', () => {
    const a = series('A', days, x);
    expect(returnsCorrelation(a, series('B', range(21, 30), x.slice(21)), 30)).toBeUndefined(); // 9 common days
    expect(returnsCorrelation(a, series('B', range(20, 30), x.slice(20)), 30)).toBeCloseTo(1, 12); // 10
    expect(returnsCorrelation(a, a, 9)).toBeUndefined();
    expect(
      returnsCorrelation(
        a,
        series(
          'F',
          days,
          days.map(() => 0.01),
        ),
        30,
      ),
    ).toBeUndefined();
  });
});

describe('CorrelationCache', () => {
  const days = range(0, 30);
  const a = series('BTC', days, wiggle(30, 1));
  const b = series('ETH', days, wiggle(30, 2));

  it('computes a pair once, whichever order it is asked in', () => {
    const compute = jest.fn(returnsCorrelation);
    const cache = new CorrelationCache(compute);
    const first = cache.get(a, b, 30);
    expect(first).toBe(returnsCorrelation(a, b, 30));
    expect(cache.get(a, b, 30)).toBe(first);
    expect(cache.get(b, a, 30)).toBe(first);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(cache.size).toBe(1);
  });

  it('recomputes when either series is refreshed (asOf) or the lookback changes', () => {
    const compute = jest.fn(returnsCorrelation);
    const cache = new CorrelationCache(compute);
    cache.get(a, b, 30);
    const refreshed = series(
      'ETH',
      days,
      wiggle(30, 2).map((v, i) => (i === 29 ? -0.2 : v)),
      day(30),
    );
    const after = cache.get(a, refreshed, 30);
    expect(compute).toHaveBeenCalledTimes(2);
    expect(after).toBe(returnsCorrelation(a, refreshed, 30));
    expect(after).not.toBe(returnsCorrelation(a, b, 30));
    cache.get(refreshed, a, 30);
    expect(compute).toHaveBeenCalledTimes(2);
    cache.get(a, refreshed, 20);
    expect(compute).toHaveBeenCalledTimes(3);
    expect(cache.size).toBe(1);
  });

  it('caches an undefined answer too, and keeps pairs apart', () => {
    const compute = jest.fn(returnsCorrelation);
    const cache = new CorrelationCache(compute);
    const short = series('SOL', range(25, 30), wiggle(5, 3));
    expect(cache.get(a, short, 30)).toBeUndefined();
    expect(cache.get(a, short, 30)).toBeUndefined();
    expect(compute).toHaveBeenCalledTimes(1);
    cache.get(b, short, 30);
    expect(cache.size).toBe(2);
  });
});

describe('historicalVar', () => {
  // Returns −1 ‰ … −100 ‰ in a scrambled order (37 is coprime with 100): a long of 1,000 loses 1 … 100.
  const scrambled = range(0, 100).map((i) => -(((i * 37) % 100) + 1) / 1000);
  const btc = series('BTC', range(0, 100), scrambled);
  const lookup =
    (...all: MarketStats[]) =>
    (symbol: string) =>
      all.find((s) => s.symbol === symbol);

  it('is the type-7 empirical loss quantile: losses 1…100 give 95.05 and 99.01', () => {
    // sorted losses L[k] = k + 1; h = 99 × 0.95 = 94.05 → 95 + 0.05; h = 99 × 0.99 = 98.01 → 99 + 0.01
    const result = historicalVar([{ symbol: 'BTC', signedNotional: 1000 }], lookup(btc), 100);
    expect(result.days).toBe(100);
    expect(result.var95).toBeCloseTo(95.05, 9);
    expect(result.var99).toBeCloseTo(99.01, 9);
    expect(result.missing).toEqual([]);
  });

  it('revalues a short with the opposite sign', () => {
    // returns (k − 50) ‰ for k = 1…100: a short of 1,000 loses k − 50, sorted L[j] = j − 49
    const returns = range(0, 100).map((i) => (((i * 37) % 100) + 1 - 50) / 1000);
    const eth = series('ETH', range(0, 100), returns);
    const short = historicalVar([{ symbol: 'ETH', signedNotional: -1000 }], lookup(eth), 100);
    expect(short.var95).toBeCloseTo(45.05, 9);
    expect(short.var99).toBeCloseTo(49.01, 9);
    const long = historicalVar([{ symbol: 'ETH', signedNotional: 1000 }], lookup(eth), 100);
    // long losses 50 − k: sorted L[j] = j − 50 → 44.05, 48.01
    expect(long.var95).toBeCloseTo(44.05, 9);
    expect(long.var99).toBeCloseTo(48.01, 9);
  });

  it('sums positions day by day: a perfect hedge has no VaR, and gains are no loss', () => {
    const mirror = series(
      'ETH',
      range(0, 100),
      scrambled.map((r) => -r),
    );
    const hedged = historicalVar(
      [
        { symbol: 'BTC', signedNotional: 1000 },
        { symbol: 'ETH', signedNotional: 1000 },
      ],
      lookup(btc, mirror),
      100,
    );
    expect(hedged.var95).toBe(0);
    expect(hedged.var99).toBe(0);
    const doubled = historicalVar(
      [
        { symbol: 'BTC', signedNotional: 1000 },
        { symbol: 'ETH', signedNotional: -1000 },
      ],
      lookup(btc, mirror),
      100,
    );
    expect(doubled.var95).toBeCloseTo(190.1, 9);
  });

  it('uses the last lookbackDays common days only, and leaves out symbols without stats', () => {
    // the last 10 days of the scrambled series hold losses ((i·37) mod 100) + 1 for i = 90…99
    const last = range(90, 100)
      .map((i) => ((i * 37) % 100) + 1)
      .sort((p, q) => p - q);
    const h = 9 * 0.95;
    const expected = last[8]! + (h - 8) * (last[9]! - last[8]!);
    const result = historicalVar(
      [
        { symbol: 'BTC', signedNotional: 1000 },
        { symbol: 'DOGE', signedNotional: 500 },
      ],
      lookup(btc),
      10,
    );
    expect(result.days).toBe(10);
    expect(result.var95).toBeCloseTo(expected, 9);
    expect(result.missing).toEqual(['DOGE']);
  });

  it('aligns on the days all series have and reports how many there were', () => {
    // ETH has days 0–14, 50–54 and 100–104 (BTC has 0–99): 20 common days
    const ethDays = [...range(0, 15), ...range(50, 55), ...range(100, 105)];
    const eth = series(
      'ETH',
      ethDays,
      ethDays.map(() => 0),
    );
    const result = historicalVar(
      [
        { symbol: 'BTC', signedNotional: 1000 },
        { symbol: 'ETH', signedNotional: 1000 },
      ],
      lookup(btc, eth),
      90,
    );
    expect(result.days).toBe(20);
    // BTC losses on exactly those days: type-7 quantile of them
    const losses = ethDays
      .filter((d) => d < 100)
      .map((d) => -scrambled[d]! * 1000)
      .sort((p, q) => p - q);
    const h = 19 * 0.95;
    const lo = Math.floor(h);
    expect(result.var95).toBeCloseTo(losses[lo]! + (h - lo) * (losses[lo + 1]! - losses[lo]!), 9);
    const few = historicalVar(
      [{ symbol: 'ETH', signedNotional: 1000 }],
      lookup(series('ETH', range(0, 15), wiggle(15, 1))),
      90,
    );
    expect(few.days).toBe(15);
  });

  it('gives NaN and no days when nothing can be priced', () => {
    const result = historicalVar([{ symbol: 'DOGE', signedNotional: 1000 }], lookup(btc), 90);
    expect(result.days).toBe(0);
    expect(result.var95).toBeNaN();
    expect(result.missing).toEqual(['DOGE']);
  });
});
