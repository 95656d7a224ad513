// Relative Strength Index with Wilder's smoothing, seeded by the simple average of the first
// `period` gains and losses (TradingView, Stock.Indicators). The first value is at index `period`:
// bar 0 has no previous close, so it has no change. When the average loss is 0 the RSI is 100 (as
// TradingView's ta.rsi; a perfectly flat market therefore reads 100, not 50).
import { assertPeriod, nanSeries } from './validate';

const rsiOf = (avgGain: number, avgLoss: number): number => (avgLoss > 0 ? 100 - 100 / (1 + avgGain / avgLoss) : 100);

export function rsi(src: Float64Array, period: number): Float64Array {
  assertPeriod(period, 'period');
  const n = src.length;
  const out = nanSeries(n);
  let avgGain = 0;
  let avgLoss = 0;
  for (let i = 1; i < n; i++) {
    const change = src[i]! - src[i - 1]!;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    if (i <= period) {
      avgGain += gain;
      avgLoss += loss;
      if (i < period) continue;
      avgGain /= period;
      avgLoss /= period;
    } else {
      avgGain = (avgGain * (period - 1) + gain) / period;
      avgLoss = (avgLoss * (period - 1) + loss) / period;
    }
    out[i] = rsiOf(avgGain, avgLoss);
  }
  return out;
}

export class RsiStream {
  /** the latest RSI; NaN until `period` + 1 values were fed */
  value = Number.NaN;
  private count = 0;
  private previous = 0;
  private avgGain = 0;
  private avgLoss = 0;

  constructor(readonly period: number) {
    assertPeriod(period, 'period');
  }

  next(x: number): number {
    const i = this.count++;
    const change = x - this.previous;
    this.previous = x;
    if (i === 0) return this.value;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    const period = this.period;
    if (i <= period) {
      this.avgGain += gain;
      this.avgLoss += loss;
      if (i < period) return this.value;
      this.avgGain /= period;
      this.avgLoss /= period;
    } else {
      this.avgGain = (this.avgGain * (period - 1) + gain) / period;
      this.avgLoss = (this.avgLoss * (period - 1) + loss) / period;
    }
    this.value = rsiOf(this.avgGain, this.avgLoss);
    return this.value;
  }
}
