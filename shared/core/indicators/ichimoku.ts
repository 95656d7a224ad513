// Ichimoku Kinko Hyo without the chikou span. Tenkan, kijun and the raw senkou B are
// (highest high + lowest low) / 2 over their periods; the senkou spans are plotted `displacement`
// bars ahead, so at bar i they hold the values computed at bar i − displacement (Stock.Indicators'
// convention; TradingView's chart shifts by displacement − 1: pass 25 to reproduce it).
// The chikou span at bar i is Close[i + displacement], a future value: it is deliberately not
// produced, so no strategy can read it.
import { RollingHighLow, rollingMidInto } from './rolling-high-low';
import { assertPeriod, assertSameLength, nanSeries } from './validate';

export interface IchimokuSeries {
  tenkan: Float64Array;
  kijun: Float64Array;
  senkouA: Float64Array;
  senkouB: Float64Array;
}

function checkPeriods(tenkan: number, kijun: number, senkouB: number, displacement: number): void {
  assertPeriod(tenkan, 'tenkan');
  assertPeriod(kijun, 'kijun');
  assertPeriod(senkouB, 'senkouB');
  assertPeriod(displacement, 'displacement');
}

/** `close` is accepted for a uniform (high, low, close) signature; only the chikou span would read it. */
export function ichimoku(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  tenkan: number,
  kijun: number,
  senkouB: number,
  displacement = kijun,
): IchimokuSeries {
  checkPeriods(tenkan, kijun, senkouB, displacement);
  assertSameLength(high, low, close);
  const n = high.length;
  const tenkanLine = nanSeries(n);
  const kijunLine = nanSeries(n);
  const senkouA = nanSeries(n);
  const spanB = nanSeries(n);
  rollingMidInto(high, low, tenkan, tenkanLine);
  rollingMidInto(high, low, kijun, kijunLine);
  // Spans are written straight to the bar they are plotted on, `displacement` bars ahead.
  rollingMidInto(high, low, senkouB, spanB, displacement);
  for (let i = Math.max(tenkan, kijun) - 1; i + displacement < n; i++)
    senkouA[i + displacement] = (tenkanLine[i]! + kijunLine[i]!) / 2;
  return { tenkan: tenkanLine, kijun: kijunLine, senkouA, senkouB: spanB };
}

export class IchimokuStream {
  /** NaN until `tenkan` bars were fed */
  tenkan = Number.NaN;
  /** NaN until `kijun` bars were fed */
  kijun = Number.NaN;
  /** NaN until max(tenkan, kijun) + displacement − 1 bars were fed */
  senkouA = Number.NaN;
  /** NaN until senkouB + displacement − 1 bars were fed */
  senkouB = Number.NaN;
  private readonly tenkanWindow: RollingHighLow;
  private readonly kijunWindow: RollingHighLow;
  private readonly senkouBWindow: RollingHighLow;
  // Values computed `displacement` bars ago, in ring buffers (NaN while not yet computed).
  private readonly delayedA: Float64Array;
  private readonly delayedB: Float64Array;
  private slot = 0;

  constructor(tenkan: number, kijun: number, senkouB: number, displacement = kijun) {
    checkPeriods(tenkan, kijun, senkouB, displacement);
    this.tenkanWindow = new RollingHighLow(tenkan);
    this.kijunWindow = new RollingHighLow(kijun);
    this.senkouBWindow = new RollingHighLow(senkouB);
    this.delayedA = new Float64Array(displacement).fill(Number.NaN);
    this.delayedB = new Float64Array(displacement).fill(Number.NaN);
  }

  /** Feeds one bar; returns the tenkan (kijun and the senkou spans are fields). */
  next(high: number, low: number): number {
    if (this.tenkanWindow.push(high, low)) this.tenkan = (this.tenkanWindow.max + this.tenkanWindow.min) / 2;
    if (this.kijunWindow.push(high, low)) this.kijun = (this.kijunWindow.max + this.kijunWindow.min) / 2;
    const spanBNow = this.senkouBWindow.push(high, low)
      ? (this.senkouBWindow.max + this.senkouBWindow.min) / 2
      : Number.NaN;
    const slot = this.slot;
    // The slot holds what was computed `displacement` bars ago: read it, then store today's.
    this.senkouA = this.delayedA[slot]!;
    this.senkouB = this.delayedB[slot]!;
    this.delayedA[slot] = (this.tenkan + this.kijun) / 2;
    this.delayedB[slot] = spanBNow;
    this.slot = slot + 1 === this.delayedA.length ? 0 : slot + 1;
    return this.tenkan;
  }
}
