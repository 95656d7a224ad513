// Slow stochastic oscillator: raw %K = 100 × (close − lowest low) / (highest high − lowest low) over
// `kPeriod` bars, %K = SMA(kSmooth) of raw %K, %D = SMA(dPeriod) of %K (Stock.Indicators' Stoch).
// A window with no range (highest = lowest) reads 0, as in Stock.Indicators.
import { RollingHighLow } from './rolling-high-low';
import { SmaStream, rollingMeanInto } from './sma';
import { assertPeriod, assertSameLength, nanSeries } from './validate';
import { isNaNNumber } from './math';

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
  const raw = nanSeries(n);
  const window = new RollingHighLow(kPeriod);
  for (let i = 0; i < n; i++) {
    if (window.push(high[i]!, low[i]!)) raw[i] = rawK(close[i]!, window.max, window.min);
  }
  const k = nanSeries(n);
  rollingMeanInto(raw, kSmooth, kPeriod - 1, k);
  const d = nanSeries(n);
  rollingMeanInto(k, dPeriod, kPeriod + kSmooth - 2, d);
  return { k, d };
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
