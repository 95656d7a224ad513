// SuperTrend (TradingView's formula, as Stock.Indicators computes it): bands at hl2 ± mult × ATR
// (Wilder); the lower band only rises and the upper band only falls while the previous close stays
// inside them; the trend turns down when the close falls to the lower band and up when it rises
// above the upper band. Value = the lower band in an uptrend, the upper band in a downtrend.
// Defined from index `period` (the ATR's first value); the first trend is up when close ≥ hl2.
import { AtrStream, atr } from './atr';
import { assertPeriod, assertPositive, assertSameLength, nanSeries } from './validate';
import { isNaNNumber } from './math';

export interface SuperTrendSeries {
  value: Float64Array;
  /** +1 uptrend, −1 downtrend, NaN before the first value */
  direction: Float64Array;
}

export function supertrend(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  mult: number,
): SuperTrendSeries {
  assertPeriod(period, 'period');
  assertPositive(mult, 'mult');
  assertSameLength(high, low, close);
  const n = close.length;
  const ranges = atr(high, low, close, period);
  const value = nanSeries(n);
  const direction = nanSeries(n);
  let upperBand = 0;
  let lowerBand = 0;
  let bullish = true;
  for (let i = period; i < n; i++) {
    const mid = (high[i]! + low[i]!) / 2;
    const c = close[i]!;
    const upperBasic = mid + mult * ranges[i]!;
    const lowerBasic = mid - mult * ranges[i]!;
    if (i === period) {
      bullish = c >= mid;
      upperBand = upperBasic;
      lowerBand = lowerBasic;
    } else {
      const previousClose = close[i - 1]!;
      if (upperBasic < upperBand || previousClose > upperBand) upperBand = upperBasic;
      if (lowerBasic > lowerBand || previousClose < lowerBand) lowerBand = lowerBasic;
    }
    bullish = c > (bullish ? lowerBand : upperBand);
    value[i] = bullish ? lowerBand : upperBand;
    direction[i] = bullish ? 1 : -1;
  }
  return { value, direction };
}

export class SuperTrendStream {
  /** NaN until `period` + 1 bars were fed */
  value = Number.NaN;
  /** +1 uptrend, −1 downtrend, NaN before the first value */
  direction = Number.NaN;
  private readonly atr: AtrStream;
  private upperBand = 0;
  private lowerBand = 0;
  private previousClose = Number.NaN;

  constructor(
    readonly period: number,
    readonly mult: number,
  ) {
    assertPeriod(period, 'period');
    assertPositive(mult, 'mult');
    this.atr = new AtrStream(period);
  }

  /** Feeds one bar; returns the SuperTrend value (direction is a field). */
  next(high: number, low: number, close: number): number {
    const range = this.atr.next(high, low, close);
    const previousClose = this.previousClose;
    this.previousClose = close;
    if (isNaNNumber(range)) return range;
    const mid = (high + low) / 2;
    const upperBasic = mid + this.mult * range;
    const lowerBasic = mid - this.mult * range;
    let bullish: boolean;
    if (isNaNNumber(this.direction)) {
      bullish = close >= mid;
      this.upperBand = upperBasic;
      this.lowerBand = lowerBasic;
    } else {
      bullish = this.direction > 0;
      if (upperBasic < this.upperBand || previousClose > this.upperBand) this.upperBand = upperBasic;
      if (lowerBasic > this.lowerBand || previousClose < this.lowerBand) this.lowerBand = lowerBasic;
    }
    bullish = close > (bullish ? this.lowerBand : this.upperBand);
    this.direction = bullish ? 1 : -1;
    this.value = bullish ? this.lowerBand : this.upperBand;
    return this.value;
  }
}
