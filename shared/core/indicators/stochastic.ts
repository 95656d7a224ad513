// Slow stochastic oscillator: raw %K = 100 × (close − lowest low) / (highest high − lowest low) over
// `kPeriod` bars, %K = SMA(kSmooth) of raw %K, %D = SMA(dPeriod) of %K (Stock.Indicators' Stoch).
// A window with no range (highest = lowest) reads 0, as in Stock.Indicators.
import { RollingHighLow } from './rolling-high-low';
import { SmaStream, rollingMeanInto } from './sma';
import { assertPeriod, assertSameLength } from './validate';
import { abs, isNaNNumber } from './math';

export interface StochasticSeries {
  k: Float64Array;
  d: Float64Array;
}

function rawK(close: number, highest: number, lowest: number): number {
  if (highest === lowest) return 0;
  // Exact bounds, so a close at the extreme reads 0 or 100 without rounding noise.
  if (close >= highest) return 100;
  if (close <= lowest) return 0;
  return (100 * (close - lowest)) / (highest - lowest);
}

function checkPeriods(kPeriod: number, kSmooth: number, dPeriod: number): void {
  assertPeriod(kPeriod, 'kPeriod');
  assertPeriod(kSmooth, 'kSmooth');
  assertPeriod(dPeriod, 'dPeriod');
}

export function stochastic(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  kPeriod: number,
  kSmooth: number,
  dPeriod: number,
): StochasticSeries {
  checkPeriods(kPeriod, kSmooth, dPeriod);
  assertSameLength(high, low, close);
  const n = close.length;
  // raw %K is read from index kPeriod − 1 on only: its warm-up needs no NaN. %K and %D get NaN
  // up to where rollingMeanInto starts writing (filling them whole first would write them twice).
  const raw = new Float64Array(n);
  rawKInto(high, low, close, kPeriod, raw);
  const kStart = kPeriod + kSmooth - 2;
  const k = new Float64Array(n).fill(Number.NaN, 0, kStart);
  rollingMeanInto(raw, kSmooth, kPeriod - 1, k);
  const d = new Float64Array(n).fill(Number.NaN, 0, kStart + dPeriod - 1);
  rollingMeanInto(k, dPeriod, kStart, d);
  return { k, d };
}

// The same as rolling-high-low.ts's (see there why they are branch-free); defined here because V8
// does not inline them across modules. Results equal RollingHighLow's only if these are the same.
const higher = (a: number, b: number): number => {
  const d = a - b;
  return b + (abs(d) + d) * 0.5;
};
const lower = (a: number, b: number): number => {
  const d = a - b;
  return b + (d - abs(d)) * 0.5;
};

/**
 * raw %K of every bar from kPeriod − 1 on, with RollingHighLow's blocks computed in place: the
 * same extremes from the same operations in the same order (so the same values to the bit), read
 * straight from the input arrays instead of one push per bar through an object.
 */
function rawKInto(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  const n = close.length;
  const last = period - 1;
  // The previous block's suffix extremes (index j = extreme of j … the block's end).
  const suffixMax = new Float64Array(period);
  const suffixMin = new Float64Array(period);
  for (let blockStart = 0; blockStart < n; blockStart += period) {
    const warm = blockStart > 0;
    let runMax = high[blockStart]!;
    let runMin = low[blockStart]!;
    if (last === 0) out[blockStart] = rawK(close[blockStart]!, runMax, runMin);
    else if (warm)
      out[blockStart] = rawK(close[blockStart]!, higher(suffixMax[1]!, runMax), lower(suffixMin[1]!, runMin));
    const blockEnd = blockStart + last; // the block's last bar
    const stop = blockEnd < n ? blockEnd : n;
    for (let i = blockStart + 1, j = 1; i < stop; i++, j++) {
      runMax = higher(high[i]!, runMax);
      runMin = lower(low[i]!, runMin);
      if (warm) out[i] = rawK(close[i]!, higher(suffixMax[j + 1]!, runMax), lower(suffixMin[j + 1]!, runMin));
    }
    if (blockEnd >= n || last === 0) continue;
    runMax = higher(high[blockEnd]!, runMax);
    runMin = lower(low[blockEnd]!, runMin);
    out[blockEnd] = rawK(close[blockEnd]!, runMax, runMin);
    let sufMax = high[blockEnd]!;
    let sufMin = low[blockEnd]!;
    suffixMax[last] = sufMax;
    suffixMin[last] = sufMin;
    for (let j = last - 1; j >= 0; j--) {
      sufMax = higher(high[blockStart + j]!, sufMax);
      sufMin = lower(low[blockStart + j]!, sufMin);
      suffixMax[j] = sufMax;
      suffixMin[j] = sufMin;
    }
  }
}

export class StochasticStream {
  /** %K; NaN until kPeriod + kSmooth − 1 bars were fed */
  k = Number.NaN;
  /** %D; NaN until kPeriod + kSmooth + dPeriod − 2 bars were fed */
  d = Number.NaN;
  private readonly window: RollingHighLow;
  private readonly smoothK: SmaStream;
  private readonly smoothD: SmaStream;

  constructor(kPeriod: number, kSmooth: number, dPeriod: number) {
    checkPeriods(kPeriod, kSmooth, dPeriod);
    this.window = new RollingHighLow(kPeriod);
    this.smoothK = new SmaStream(kSmooth);
    this.smoothD = new SmaStream(dPeriod);
  }

  /** Feeds one bar; returns %K (%D is a field). */
  next(high: number, low: number, close: number): number {
    if (!this.window.push(high, low)) return Number.NaN;
    const k = this.smoothK.next(rawK(close, this.window.max, this.window.min));
    if (isNaNNumber(k)) return k;
    this.k = k;
    this.d = this.smoothD.next(k);
    return k;
  }
}
