// Realized volatility as an index: the standard deviation of the last `window` log returns,
// annualised by √(bars per year). Streaming with a ring buffer and running sums re-summed once per
// window (the drift of a running sum of squares stays bounded; indicators/README.md "Precision").
import { InvalidArgumentError } from '../errors';

const YEAR_MS = 365 * 24 * 3_600_000;

/** Bars in a year for a bar length in ms (crypto trades every day: 365 days). */
export const barsPerYear = (barMs: number): number => YEAR_MS / barMs;

export class RealizedVolatility {
  /** the latest annualised volatility (0.8 = 80 %), NaN until `window` returns were seen */
  value = Number.NaN;
  private readonly ring: Float64Array;
  private readonly scale: number;
  private count = 0;
  private previous = Number.NaN;
  private sum = 0;
  private squares = 0;

  constructor(
    readonly window: number,
    periodsPerYear: number,
  ) {
    if (!Number.isInteger(window) || window < 2)
      throw new InvalidArgumentError(`window must be a whole number ≥ 2, not ${window}`);
    if (!(periodsPerYear > 0)) throw new InvalidArgumentError(`periodsPerYear must be > 0, not ${periodsPerYear}`);
    this.ring = new Float64Array(window);
    this.scale = Math.sqrt(periodsPerYear);
  }

  next(close: number): number {
    if (!(Number.isFinite(close) && close > 0))
      throw new InvalidArgumentError(`close must be a finite price > 0, not ${close}`);
    const previous = this.previous;
    this.previous = close;
    if (!Number.isFinite(previous)) return this.value;
    const r = Math.log(close / previous);
    const slot = this.count % this.window;
    const old = this.count >= this.window ? this.ring[slot]! : 0;
    this.ring[slot] = r;
    this.count++;
    if (slot === this.window - 1) {
      this.sum = 0;
      this.squares = 0;
      for (const v of this.ring) {
        this.sum += v;
        this.squares += v * v;
      }
    } else {
      this.sum += r - old;
      this.squares += r * r - old * old;
    }
    if (this.count < this.window) return this.value;
    const mean = this.sum / this.window;
    const variance = Math.max(0, (this.squares - this.window * mean * mean) / (this.window - 1));
    this.value = Math.sqrt(variance) * this.scale;
    return this.value;
  }
}

/** Annualised realized volatility of every bar (NaN until defined). */
export function realizedVolatility(close: ArrayLike<number>, window: number, periodsPerYear: number): Float64Array {
  const stream = new RealizedVolatility(window, periodsPerYear);
  return Float64Array.from({ length: close.length }, (_, i) => stream.next(close[i]!));
}
