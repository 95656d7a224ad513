// Average True Range with Wilder's smoothing, seeded by the simple average of the first `period`
// true ranges. Bar 0 has no previous close and no true range (Stock.Indicators), so the first ATR
// is at index `period` (TradingView takes high − low on bar 0 and starts one bar earlier).
import { assertPeriod, assertSameLength } from './validate';
import { abs } from './math';

export function trueRange(high: number, low: number, previousClose: number): number {
  const range = high - low;
  const up = abs(high - previousClose);
  const down = abs(low - previousClose);
  return range >= up ? (range >= down ? range : down) : up >= down ? up : down;
}

export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  assertPeriod(period, 'period');
  assertSameLength(high, low, close);
  const n = close.length;
  // Only the warm-up is NaN: filling the whole series first would write it twice.
  const out = new Float64Array(n).fill(Number.NaN, 0, period);
  if (n <= period) return out;
  // The seed, then the recurrence, in separate loops: no per-bar test of which phase a bar is in.
  // The arithmetic is the same as the stream's, in the same order (same results to the bit).
  let value = 0;
  for (let i = 1; i < period; i++) value += trueRange(high[i]!, low[i]!, close[i - 1]!);
  value = (value + trueRange(high[period]!, low[period]!, close[period - 1]!)) / period;
  out[period] = value;
  const keep = period - 1;
  for (let i = period + 1; i < n; i++) {
    value = (value * keep + trueRange(high[i]!, low[i]!, close[i - 1]!)) / period;
    out[i] = value;
  }
  return out;
}

export class AtrStream {
  /** the latest ATR; NaN until `period` + 1 bars were fed */
  value = Number.NaN;
  private count = 0;
  private previousClose = 0;
  private acc = 0;

  constructor(readonly period: number) {
    assertPeriod(period, 'period');
  }

  next(high: number, low: number, close: number): number {
    const i = this.count++;
    const previousClose = this.previousClose;
    this.previousClose = close;
    if (i === 0) return this.value;
    const tr = trueRange(high, low, previousClose);
    const period = this.period;
    if (i < period) {
      this.acc += tr;
      return this.value;
    }
    this.acc = i === period ? (this.acc + tr) / period : (this.acc * (period - 1) + tr) / period;
    this.value = this.acc;
    return this.value;
  }
}
