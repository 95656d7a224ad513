// Daily market statistics the risk checks share: close-to-close returns, ATR, short/long
// volatility, pairwise returns correlation and the portfolio's historical VaR. Stats are computed
// once per refresh of the daily candles; what runs per entry signal (correlation lookups, VaR)
// walks the stored Float64Arrays without copying them.
import type { Candles } from '../backtest/types';
import { atr as atrSeries } from '../indicators/atr';
import { sqrt } from '../indicators/math';

export interface MarketStats {
  symbol: string;
  /** open time of the last daily candle used, epoch ms */
  asOf: number;
  /** open times of the daily candles whose close-to-close simple return is in `returns` (returns[i] = close[i]/close[i-1]-1, time = time[i]) */
  times: Float64Array;
  returns: Float64Array;
  lastClose: number;
  /** ATR (Wilder) over `atrPeriod` daily candles, absent when too few candles */
  atr?: number;
  /** standard deviation of daily returns over the short / long window (absent when too few) */
  volShort?: number;
  volLong?: number;
}

export interface StatsWindows {
  atrPeriod: number;
  shortDays: number;
  longDays: number;
}

/** Below this many common days a correlation is noise, not a measurement. */
const MIN_CORRELATION_DAYS = 10;

/**
 * Returns, ATR and volatilities of one symbol's daily candles (oldest first). With no candle at
 * all, asOf is 0 and lastClose NaN; the optional figures are absent whenever their window does not
 * fit in the data.
 */
export function computeMarketStats(symbol: string, daily: Candles, windows: StatsWindows): MarketStats {
  const n = daily.close.length;
  const count = n > 1 ? n - 1 : 0;
  const times = new Float64Array(count);
  const returns = new Float64Array(count);
  for (let i = 1; i < n; i++) {
    times[i - 1] = daily.time[i]!;
    returns[i - 1] = daily.close[i]! / daily.close[i - 1]! - 1;
  }
  const stats: MarketStats = {
    symbol,
    asOf: n > 0 ? daily.time[n - 1]! : 0,
    times,
    returns,
    lastClose: n > 0 ? daily.close[n - 1]! : Number.NaN,
  };
  // The indicator's first ATR is at index `period` (bar 0 has no true range): period + 1 candles.
  if (windows.atrPeriod >= 1 && n > windows.atrPeriod) {
    const last = atrSeries(daily.high, daily.low, daily.close, windows.atrPeriod)[n - 1]!;
    if (!Number.isNaN(last)) stats.atr = last;
  }
  const volShort = tailStdDev(returns, windows.shortDays);
  if (volShort !== undefined) stats.volShort = volShort;
  const volLong = tailStdDev(returns, windows.longDays);
  if (volLong !== undefined) stats.volLong = volLong;
  return stats;
}

/** Sample standard deviation (n − 1 divisor) of the last `days` values; undefined when fewer than max(days, 2). */
function tailStdDev(values: Float64Array, days: number): number | undefined {
  const n = values.length;
  if (days < 2 || n < days) return undefined;
  let sum = 0;
  for (let i = n - days; i < n; i++) sum += values[i]!;
  const mean = sum / days;
  let sq = 0;
  for (let i = n - days; i < n; i++) {
    const d = values[i]! - mean;
    sq += d * d;
  }
  return sqrt(sq / (days - 1));
}

/**
 * Pearson correlation of daily returns over the last `lookbackDays` days both series have (aligned
 * on times); undefined with fewer than 10 common days, or when either series is flat over them.
 */
export function returnsCorrelation(a: MarketStats, b: MarketStats, lookbackDays: number): number | undefined {
  const ta = a.times;
  const tb = b.times;
  const ra = a.returns;
  const rb = b.returns;
  let i = ta.length - 1;
  let j = tb.length - 1;
  // Welford-style co-moments, walking both series backward from the newest common day: one pass,
  // no copy, stable for returns that are small and close to each other.
  let n = 0;
  let meanA = 0;
  let meanB = 0;
  let m2a = 0;
  let m2b = 0;
  let cab = 0;
  while (i >= 0 && j >= 0 && n < lookbackDays) {
    const t1 = ta[i]!;
    const t2 = tb[j]!;
    if (t1 > t2) {
      i--;
      continue;
    }
    if (t2 > t1) {
      j--;
      continue;
    }
    const x = ra[i--]!;
    const y = rb[j--]!;
    n++;
    const dx = x - meanA;
    meanA += dx / n;
    const dy = y - meanB;
    meanB += dy / n;
    m2a += dx * (x - meanA);
    m2b += dy * (y - meanB);
    cab += dx * (y - meanB);
  }
  if (n < MIN_CORRELATION_DAYS || !(m2a > 0) || !(m2b > 0)) return undefined;
  const r = cab / (sqrt(m2a) * sqrt(m2b));
  // Rounding can step a hair outside [−1, 1] for (anti)identical series.
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

interface CachedCorrelation {
  /** asOf of the pair's lexically smaller symbol, then of the larger */
  asOfLow: number;
  asOfHigh: number;
  lookbackDays: number;
  value: number | undefined;
}

/** Caches correlations per symbol pair, invalidated when either series' asOf changes: computed once per stats refresh, not per signal. */
export class CorrelationCache {
  // Nested maps keyed by the ordered pair: a lookup allocates no key string, and (a, b) hits (b, a).
  private readonly pairs = new Map<string, Map<string, CachedCorrelation>>();
  private count = 0;

  /** `compute` is replaceable so a test can count the computations. */
  constructor(private readonly compute: typeof returnsCorrelation = returnsCorrelation) {}

  get size(): number {
    return this.count;
  }

  get(a: MarketStats, b: MarketStats, lookbackDays: number): number | undefined {
    const ordered = a.symbol <= b.symbol;
    const low = ordered ? a : b;
    const high = ordered ? b : a;
    let inner = this.pairs.get(low.symbol);
    if (!inner) {
      inner = new Map();
      this.pairs.set(low.symbol, inner);
    }
    const cached = inner.get(high.symbol);
    if (cached && cached.asOfLow === low.asOf && cached.asOfHigh === high.asOf && cached.lookbackDays === lookbackDays)
      return cached.value;
    const value = this.compute(low, high, lookbackDays);
    if (cached) {
      cached.asOfLow = low.asOf;
      cached.asOfHigh = high.asOf;
      cached.lookbackDays = lookbackDays;
      cached.value = value;
    } else {
      inner.set(high.symbol, { asOfLow: low.asOf, asOfHigh: high.asOf, lookbackDays, value });
      this.count++;
    }
    return value;
  }
}

// Scratch for the daily P&L of historicalVar, grown on demand and reused: the check runs on every
// entry signal, and the code is synchronous, so no two calls share it at once.
let pnlScratch = new Float64Array(0);

/**
 * 1-day historical VaR of a portfolio: positions with signed notional (long +, short −) revalued
 * on each of the last lookbackDays common days' returns; returns the loss quantiles (positive
 * numbers, quote currency) and the number of days used. Symbols without stats are left out and
 * listed.
 *
 * Quantile: the empirical quantile of the daily losses (loss = −P&L) with linear interpolation
 * between order statistics (Hyndman & Fan type 7, numpy's default, Excel PERCENTILE.INC): with
 * losses sorted ascending L[0..n−1], h = (n − 1)·p and VaR_p = L[⌊h⌋] + (h − ⌊h⌋)·(L[⌊h⌋+1] − L[⌊h⌋]).
 * A quantile that is a gain is reported as 0. No day-count threshold is applied here (the caller
 * decides what is too few); with no common day at all both figures are NaN.
 */
export function historicalVar(
  positions: readonly { symbol: string; signedNotional: number }[],
  stats: (symbol: string) => MarketStats | undefined,
  lookbackDays: number,
): { var95: number; var99: number; days: number; missing: string[] } {
  const missing: string[] = [];
  const series: MarketStats[] = [];
  const notionals: number[] = [];
  for (const position of positions) {
    const s = stats(position.symbol);
    if (!s) {
      missing.push(position.symbol);
      continue;
    }
    series.push(s);
    notionals.push(position.signedNotional);
  }
  const k = series.length;
  const limit = lookbackDays > 0 ? Math.floor(lookbackDays) : 0;
  if (k === 0 || limit === 0) return { var95: Number.NaN, var99: Number.NaN, days: 0, missing };
  if (pnlScratch.length < limit) pnlScratch = new Float64Array(limit);
  const pnl = pnlScratch;
  const cursor = new Int32Array(k);
  for (let s = 0; s < k; s++) cursor[s] = series[s]!.times.length - 1;
  let days = 0;
  // Intersection of k sorted time series, newest first: the candidate day is the earliest of the
  // current tails; every series steps back past later days; a day all series reach is common.
  outer: while (days < limit) {
    let candidate = Number.POSITIVE_INFINITY;
    for (let s = 0; s < k; s++) {
      const c = cursor[s]!;
      if (c < 0) break outer;
      const t = series[s]!.times[c]!;
      if (t < candidate) candidate = t;
    }
    let common = true;
    for (let s = 0; s < k; s++) {
      const times = series[s]!.times;
      let c = cursor[s]!;
      while (c >= 0 && times[c]! > candidate) c--;
      cursor[s] = c;
      if (c < 0) break outer;
      if (times[c] !== candidate) common = false;
    }
    if (!common) continue;
    let dayPnl = 0;
    for (let s = 0; s < k; s++) {
      const c = cursor[s]!;
      dayPnl += notionals[s]! * series[s]!.returns[c]!;
      cursor[s] = c - 1;
    }
    pnl[days++] = -dayPnl;
  }
  if (days === 0) return { var95: Number.NaN, var99: Number.NaN, days, missing };
  const losses = pnl.subarray(0, days).sort();
  return { var95: lossQuantile(losses, 0.95), var99: lossQuantile(losses, 0.99), days, missing };
}

/** Type-7 quantile of ascending `sorted` at level p, floored at 0 (a gain is no loss). */
function lossQuantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo]!;
  const above = lo + 1 < sorted.length ? sorted[lo + 1]! : below;
  const q = below + (h - lo) * (above - below);
  return q > 0 ? q : 0;
}
