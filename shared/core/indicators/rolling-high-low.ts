// Highest high and lowest low over the last `period` bars in O(1) amortised per bar (van Herk /
// Gil-Werman): bars are grouped in blocks of `period`; a window always spans the tail of the
// previous block (its suffix extremes, computed once when that block completes) and the head of
// the current one (a running extreme). With the branch-free max/min below the cost does not depend
// on how often a new high comes.
import { abs } from './math';
import { assertPeriod } from './validate';

// Branch-free maximum and minimum of two prices. A compare-and-branch mispredicts about every
// other bar on market data (new highs and lows come at random), and Math.max branches too in V8;
// these cost a subtraction, an abs and an add (2-3× faster here). They are exact whenever the two
// values are within a factor of two of each other (a − b is then exact, by Sterbenz's lemma, and
// b + (a − b) = a), which the highs and lows of one look-back window are in practice; otherwise
// they are within one unit in the last place. Inputs must be finite. (Defined here, not imported:
// V8 did not inline them across modules, which cost 8× in this loop.)
const higher = (a: number, b: number): number => {
  const d = a - b;
  return b + (abs(d) + d) * 0.5;
};
const lower = (a: number, b: number): number => {
  const d = a - b;
  return b + (d - abs(d)) * 0.5;
};

export class RollingHighLow {
  /** highest high of the window; NaN until `period` bars were pushed */
  max = Number.NaN;
  /** lowest low of the window; NaN until `period` bars were pushed */
  min = Number.NaN;
  // The current block's bars, and the previous block's suffix extremes (index k = extreme of k … end).
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  private readonly suffixMax: Float64Array;
  private readonly suffixMin: Float64Array;
  private offset = 0;
  private runningMax = 0;
  private runningMin = 0;
  private warm = false;

  constructor(readonly period: number) {
    assertPeriod(period, 'period');
    this.highs = new Float64Array(period);
    this.lows = new Float64Array(period);
    this.suffixMax = new Float64Array(period);
    this.suffixMin = new Float64Array(period);
  }

  /** Adds one bar; returns true once the window is full (max and min defined). */
  push(high: number, low: number): boolean {
    const k = this.offset;
    this.highs[k] = high;
    this.lows[k] = low;
    const runningMax = (this.runningMax = k === 0 ? high : higher(high, this.runningMax));
    const runningMin = (this.runningMin = k === 0 ? low : lower(low, this.runningMin));
    const last = this.period - 1;
    if (k < last) {
      this.offset = k + 1;
      if (!this.warm) return false;
      this.max = higher(this.suffixMax[k + 1]!, runningMax);
      this.min = lower(this.suffixMin[k + 1]!, runningMin);
      return true;
    }
    // The block is complete: the window is exactly this block; keep its suffix extremes for the next.
    this.max = runningMax;
    this.min = runningMin;
    this.warm = true;
    let sufMax = high;
    let sufMin = low;
    this.suffixMax[last] = high;
    this.suffixMin[last] = low;
    for (let j = last - 1; j >= 0; j--) {
      sufMax = higher(this.highs[j]!, sufMax);
      sufMin = lower(this.lows[j]!, sufMin);
      this.suffixMax[j] = sufMax;
      this.suffixMin[j] = sufMin;
    }
    this.offset = 0;
    return true;
  }
}

/**
 * Batch form: writes (highest high + lowest low) / 2 of bars i − period + 1 … i into
 * out[i + shift], for every i ≥ period − 1 with i + shift < out.length (the same blocks as above,
 * read straight from the input arrays).
 */
export function rollingMidInto(
  high: Float64Array,
  low: Float64Array,
  period: number,
  out: Float64Array,
  shift = 0,
): void {
  assertPeriod(period, 'period');
  const end = Math.min(high.length, out.length - shift);
  const suffixMax = new Float64Array(period);
  const suffixMin = new Float64Array(period);
  const last = period - 1;
  for (let blockStart = 0; blockStart + last < end; blockStart += period) {
    // This block's suffix extremes; the window ending on its last bar is the block itself.
    let sufMax = high[blockStart + last]!;
    let sufMin = low[blockStart + last]!;
    suffixMax[last] = sufMax;
    suffixMin[last] = sufMin;
    for (let j = last - 1; j >= 0; j--) {
      sufMax = higher(high[blockStart + j]!, sufMax);
      sufMin = lower(low[blockStart + j]!, sufMin);
      suffixMax[j] = sufMax;
      suffixMin[j] = sufMin;
    }
    out[blockStart + last + shift] = (sufMax + sufMin) / 2;
    // Windows ending inside the next block: this block's suffix from k + 1, the next block's head up to k.
    const next = blockStart + period;
    const stop = Math.min(next + last, end);
    let runMax = Number.NEGATIVE_INFINITY;
    let runMin = Number.POSITIVE_INFINITY;
    for (let i = next, k = 1; i < stop; i++, k++) {
      runMax = k === 1 ? high[i]! : higher(high[i]!, runMax);
      runMin = k === 1 ? low[i]! : lower(low[i]!, runMin);
      out[i + shift] = (higher(suffixMax[k]!, runMax) + lower(suffixMin[k]!, runMin)) / 2;
    }
  }
}
