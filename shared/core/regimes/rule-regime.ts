// The fallback when no HMM fit is usable (too few bars, a fit that did not converge): Wilder's
// ADX for trend strength and direction, and where today's ATR (as a fraction of the close) ranks
// among the trailing window's for how agitated the market is.
//
//   ADX ≥ trendAdx and +DI > −DI               → BULL
//   ADX ≥ trendAdx and −DI > +DI               → BEAR
//   ADX < rangeAdx and ATR percentile ≤ calmPct → SIDEWAYS
//   otherwise (a weak trend, or a range that is not calm)  → NEUTRAL
//   before ADX and the percentile are defined  → undefined
import { AdxStream, AtrStream } from '../indicators';
import { InvalidArgumentError } from '../errors';
import type { RegimeLabel } from './labels';

export interface RuleRegimeOptions {
  /** ADX and ATR period (default 14) */
  period?: number;
  /** ADX at or above which the market trends (default 25) */
  trendAdx?: number;
  /** ADX below which the market ranges (default 20) */
  rangeAdx?: number;
  /** bars whose ATR% today's is ranked among, itself included (default 100) */
  percentileWindow?: number;
  /** a range is SIDEWAYS when its ATR percentile is at most this, 0–100 (default 50) */
  calmPct?: number;
}

export class RuleRegimeStream {
  /** the latest ADX, +DI, −DI and ATR percentile (0–100), NaN until defined */
  adx = Number.NaN;
  atrPercentile = Number.NaN;
  private readonly adxStream: AdxStream;
  private readonly atrStream: AtrStream;
  private readonly ring: Float64Array;
  private filled = 0;
  private head = 0;
  private readonly trendAdx: number;
  private readonly rangeAdx: number;
  private readonly calmPct: number;

  constructor(options: RuleRegimeOptions = {}) {
    const period = options.period ?? 14;
    this.trendAdx = options.trendAdx ?? 25;
    this.rangeAdx = options.rangeAdx ?? 20;
    this.calmPct = options.calmPct ?? 50;
    const window = options.percentileWindow ?? 100;
    if (!Number.isInteger(window) || window < 2)
      throw new InvalidArgumentError(`percentileWindow must be a whole number ≥ 2, not ${window}`);
    if (!(this.rangeAdx <= this.trendAdx))
      throw new InvalidArgumentError(`rangeAdx (${this.rangeAdx}) must not exceed trendAdx (${this.trendAdx})`);
    this.adxStream = new AdxStream(period);
    this.atrStream = new AtrStream(period);
    this.ring = new Float64Array(window);
  }

  next(high: number, low: number, close: number): RegimeLabel | undefined {
    this.adx = this.adxStream.next(high, low, close);
    const atr = this.atrStream.next(high, low, close);
    if (Number.isFinite(atr) && close > 0) {
      const relative = atr / close;
      this.ring[this.head] = relative;
      this.head = (this.head + 1) % this.ring.length;
      if (this.filled < this.ring.length) this.filled++;
      let atOrBelow = 0;
      for (let i = 0; i < this.filled; i++) if (this.ring[i]! <= relative) atOrBelow++;
      this.atrPercentile = (100 * atOrBelow) / this.filled;
    }
    // A percentile over a handful of bars says little: wait for a quarter of the window.
    if (!Number.isFinite(this.adx) || this.filled < Math.ceil(this.ring.length / 4)) return undefined;
    const pdi = this.adxStream.pdi;
    const mdi = this.adxStream.mdi;
    if (this.adx >= this.trendAdx && pdi !== mdi) return pdi > mdi ? 'BULL' : 'BEAR';
    if (this.adx < this.rangeAdx && this.atrPercentile <= this.calmPct) return 'SIDEWAYS';
    return 'NEUTRAL';
  }
}

/** The rule regime of every bar (undefined during the warm-up). */
export function ruleRegimes(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  options: RuleRegimeOptions = {},
): (RegimeLabel | undefined)[] {
  const stream = new RuleRegimeStream(options);
  return Array.from({ length: close.length }, (_, i) => stream.next(high[i]!, low[i]!, close[i]!));
}
