// Bollinger Bands: SMA ± mult × population standard deviation over `period` values.
// Precision over long series: the batch form measures deviations from an anchor (the window's exact
// mean, recomputed every `period` bars, or at once when the variance shows cancellation), so
// E[x²] − E[x]² never cancels catastrophically at high prices; the stream, which may not re-scan
// the window, slides a compensated sum for the mean and Welford's sum of squared deviations
// (updated by (x − old)·(x − mean' + old − mean)). A window of one repeated price (a stale
// market) gives exactly that price and zero width in both forms, where a rounding residue would
// otherwise show as a width or put the close a hair off the middle band.
import { CompensatedSum } from './compensated-sum';
import { assertPeriod, assertPositive, nanSeries } from './validate';
import { sqrt } from './math';

export interface BollingerSeries {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
}

export function bollinger(src: Float64Array, period: number, mult: number): BollingerSeries {
  assertPeriod(period, 'period');
  assertPositive(mult, 'mult');
  const n = src.length;
  const middle = nanSeries(n);
  const upper = nanSeries(n);
  const lower = nanSeries(n);
  let anchor = 0;
  let sumDev = 0;
  let sumSqDev = 0;
  let untilReanchor = 0;
  let repeats = 0;
  for (let i = 0; i < n; i++) {
    const x = src[i]!;
    repeats = i > 0 && x === src[i - 1] ? repeats + 1 : 1;
    if (i < period - 1) continue;
    if (repeats >= period) {
      middle[i] = upper[i] = lower[i] = x;
      untilReanchor = 0; // the sums did not slide over this window
      continue;
    }
    if (untilReanchor > 0) {
      const added = x - anchor;
      const removed = src[i - period]! - anchor;
      sumDev += added - removed;
      sumSqDev += added * added - removed * removed;
      untilReanchor--;
      const meanDev = sumDev / period;
      const meanSqDev = sumSqDev / period;
      // More than six digits cancelled (a near-flat window far from the anchor, e.g. a quiet
      // market after a move): re-anchor on this window instead.
      if (meanSqDev - meanDev * meanDev < 1e-6 * meanSqDev) untilReanchor = 0;
    }
    if (untilReanchor === 0) {
      let sum = 0;
      for (let j = i - period + 1; j <= i; j++) sum += src[j]!;
      anchor = sum / period;
      sumDev = 0;
      sumSqDev = 0;
      for (let j = i - period + 1; j <= i; j++) {
        const d = src[j]! - anchor;
        sumDev += d;
        sumSqDev += d * d;
      }
      untilReanchor = period - 1;
    }
    const meanDev = sumDev / period;
    const variance = sumSqDev / period - meanDev * meanDev;
    const width = mult * sqrt(variance > 0 ? variance : 0);
    const mean = anchor + meanDev;
    middle[i] = mean;
    upper[i] = mean + width;
    lower[i] = mean - width;
  }
  return { middle, upper, lower };
}

export class BollingerStream {
  /** NaN until `period` values were fed */
  middle = Number.NaN;
  upper = Number.NaN;
  lower = Number.NaN;
  private readonly window: Float64Array;
  private readonly sum = new CompensatedSum();
  private slot = 0;
  private count = 0;
  private mean = 0;
  private sumSqDev = 0;
  private previous = Number.NaN;
  private repeats = 0;

  constructor(
    readonly period: number,
    readonly mult: number,
  ) {
    assertPeriod(period, 'period');
    assertPositive(mult, 'mult');
    this.window = new Float64Array(period);
  }

  /** Feeds one value; returns the middle band (upper and lower are fields). */
  next(x: number): number {
    const period = this.period;
    const oldest = this.window[this.slot]!;
    this.window[this.slot] = x;
    this.slot = this.slot + 1 === period ? 0 : this.slot + 1;
    const oldMean = this.mean;
    this.sum.add(x);
    if (this.count < period) {
      const count = ++this.count;
      this.mean = this.sum.value / count;
      this.sumSqDev += (x - oldMean) * (x - this.mean);
    } else {
      this.sum.add(-oldest);
      this.mean = this.sum.value / period;
      this.sumSqDev += (x - oldest) * (x - this.mean + oldest - oldMean);
    }
    this.repeats = x === this.previous ? this.repeats + 1 : 1;
    this.previous = x;
    if (this.count < period) return Number.NaN;

    if (this.repeats >= period) {
      this.sumSqDev = 0;
      this.middle = this.upper = this.lower = x;
      return x;
    }
    const variance = this.sumSqDev / period;
    const width = this.mult * sqrt(variance > 0 ? variance : 0);
    this.middle = this.mean;
    this.upper = this.mean + width;
    this.lower = this.mean - width;
    return this.middle;
  }
}
