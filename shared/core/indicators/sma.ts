// Simple moving average, batch and streaming. The batch form re-sums each window from scratch once
// every `period` bars, so rounding never accumulates over long series; the stream cannot re-scan
// (O(1) per value) and keeps a compensated running sum instead. A window of one repeated value
// (a stale market) averages to exactly that value in both forms, so strategies comparing two
// averages see them equal rather than apart by a rounding residue.
import { CompensatedSum } from './compensated-sum';
import { assertPeriod, nanSeries } from './validate';

export function sma(src: Float64Array, period: number): Float64Array {
  assertPeriod(period, 'period');
  const out = nanSeries(src.length);
  rollingMeanInto(src, period, 0, out);
  return out;
}

/**
 * Writes the mean of src[i − period + 1 … i] into out[i] for every i ≥ start + period − 1; values
 * of `src` before `start` are never read (they may be NaN: the warm-up of an upstream indicator).
 */
export function rollingMeanInto(src: Float64Array, period: number, start: number, out: Float64Array): void {
  const n = src.length;
  let sum = 0;
  let untilResum = 0;
  let repeats = 0;
  for (let i = start; i < n; i++) {
    repeats = i > start && src[i] === src[i - 1] ? repeats + 1 : 1;
    if (i < start + period - 1) continue;
    if (untilResum === 0) {
      sum = 0;
      for (let j = i - period + 1; j <= i; j++) sum += src[j]!;
      untilResum = period;
    } else {
      sum += src[i]! - src[i - period]!;
    }
    untilResum--;
    out[i] = repeats >= period ? src[i]! : sum / period;
  }
}

export class SmaStream {
  /** the latest mean; NaN until `period` values were fed */
  value = Number.NaN;
  private readonly window: Float64Array;
  private readonly sum = new CompensatedSum();
  private slot = 0;
  private count = 0;
  private previous = Number.NaN;
  private repeats = 0;

  constructor(readonly period: number) {
    assertPeriod(period, 'period');
    this.window = new Float64Array(period);
  }

  next(x: number): number {
    const oldest = this.window[this.slot]!;
    this.window[this.slot] = x;
    this.slot = this.slot + 1 === this.period ? 0 : this.slot + 1;
    this.repeats = x === this.previous ? this.repeats + 1 : 1;
    this.previous = x;
    this.sum.add(x);
    if (this.count < this.period) {
      this.count++;
      if (this.count < this.period) return Number.NaN;
    } else {
      this.sum.add(-oldest);
    }
    this.value = this.repeats >= this.period ? x : this.sum.value / this.period;
    return this.value;
  }
}
