// MACD: EMA(fast) − EMA(slow), its signal line (an EMA of the MACD line, seeded by the simple
// average of its first `signal` values) and the histogram (MACD − signal).
import { EmaStream, ema, emaInto } from './ema';
import { assertPeriod, nanSeries } from './validate';
import { isNaNNumber } from './math';

export interface MacdSeries {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

function checkPeriods(fast: number, slow: number, signal: number): void {
  assertPeriod(fast, 'fast');
  assertPeriod(slow, 'slow');
  assertPeriod(signal, 'signal');
}

export function macd(src: Float64Array, fast: number, slow: number, signal: number): MacdSeries {
  checkPeriods(fast, slow, signal);
  const n = src.length;
  const fastEma = ema(src, fast);
  const slowEma = ema(src, slow);
  const line = nanSeries(n);
  const first = Math.max(fast, slow) - 1;
  for (let i = first; i < n; i++) line[i] = fastEma[i]! - slowEma[i]!;
  const signalLine = nanSeries(n);
  emaInto(line, signal, first, signalLine);
  const histogram = nanSeries(n);
  for (let i = first + signal - 1; i < n; i++) histogram[i] = line[i]! - signalLine[i]!;
  return { macd: line, signal: signalLine, histogram };
}

export class MacdStream {
  /** MACD line; NaN until max(fast, slow) values were fed */
  macd = Number.NaN;
  /** signal line; NaN until max(fast, slow) + signal − 1 values were fed */
  signal = Number.NaN;
  histogram = Number.NaN;
  private readonly fast: EmaStream;
  private readonly slow: EmaStream;
  private readonly signalEma: EmaStream;

  constructor(fast: number, slow: number, signal: number) {
    checkPeriods(fast, slow, signal);
    this.fast = new EmaStream(fast);
    this.slow = new EmaStream(slow);
    this.signalEma = new EmaStream(signal);
  }

  /** Feeds one value; returns the MACD line (signal and histogram are fields). */
  next(x: number): number {
    const line = this.fast.next(x) - this.slow.next(x);
    this.macd = line;
    if (!isNaNNumber(line)) {
      this.signal = this.signalEma.next(line);
      this.histogram = line - this.signal;
    }
    return line;
  }
}
