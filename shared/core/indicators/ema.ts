// Exponential moving average seeded by the simple average of the first `period` values (the
// convention of TradingView and Stock.Indicators), batch and streaming with the same arithmetic.
import { assertPeriod, nanSeries } from './validate';

export function ema(src: Float64Array, period: number): Float64Array {
  assertPeriod(period, 'period');
  const out = nanSeries(src.length);
  emaInto(src, period, 0, out);
  return out;
}

/** Writes the EMA of src[start …] into out[i] for every i ≥ start + period − 1. */
export function emaInto(src: Float64Array, period: number, start: number, out: Float64Array): void {
  const n = src.length;
  const seedAt = start + period - 1;
  if (seedAt >= n) return;
  let sum = 0;
  for (let j = start; j <= seedAt; j++) sum += src[j]!;
  let value = sum / period;
  out[seedAt] = value;
  const alpha = 2 / (period + 1);
  for (let i = seedAt + 1; i < n; i++) {
    value += alpha * (src[i]! - value);
    out[i] = value;
  }
}

export class EmaStream {
  /** the latest EMA; NaN until `period` values were fed */
  value = Number.NaN;
  private readonly alpha: number;
  private count = 0;
  private seedSum = 0;

  constructor(readonly period: number) {
    assertPeriod(period, 'period');
    this.alpha = 2 / (period + 1);
  }

  next(x: number): number {
    if (this.count >= this.period) {
      this.value += this.alpha * (x - this.value);
      return this.value;
    }
    this.seedSum += x;
    this.count++;
    if (this.count === this.period) this.value = this.seedSum / this.period;
    return this.value;
  }
}
