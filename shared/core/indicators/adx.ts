// Average Directional Index (Wilder), as Stock.Indicators computes it: +DM/−DM and the true range
// are summed over the first `period` changes (bars 1 … period), then Wilder-smoothed as running
// sums (s − s/period + x); +DI/−DI from index `period`; ADX = the mean of the first `period` DX
// values at index 2·period − 1, then Wilder-averaged. A bar span with no true range at all gives
// +DI = −DI = DX = 0 (Stock.Indicators leaves it undefined).
import { assertPeriod, assertSameLength } from './validate';
import { trueRange } from './atr';
import { abs } from './math';

export interface AdxSeries {
  adx: Float64Array;
  /** +DI */
  pdi: Float64Array;
  /** −DI */
  mdi: Float64Array;
}

/** Wilder's DM, TR and DX bookkeeping shared by the batch and streaming forms. */
class AdxState {
  private count = 0;
  private previousHigh = 0;
  private previousLow = 0;
  private previousClose = 0;
  private tr = 0;
  private pdm = 0;
  private mdm = 0;
  private dxSum = 0;
  adx = Number.NaN;
  pdi = Number.NaN;
  mdi = Number.NaN;

  // Divisions are the slow part of this loop: multiply by precomputed reciprocals instead (the
  // results differ from dividing by a rounding error at most).
  private readonly invPeriod: number;
  private readonly adxAt: number;

  constructor(private readonly period: number) {
    this.invPeriod = 1 / period;
    this.adxAt = 2 * period - 1;
  }

  /** Returns true when +DI/−DI are defined for this bar. */
  push(high: number, low: number, close: number): boolean {
    const i = this.count++;
    const upMove = high - this.previousHigh;
    const downMove = this.previousLow - low;
    const tr = trueRange(high, low, this.previousClose);
    this.previousHigh = high;
    this.previousLow = low;
    this.previousClose = close;
    if (i === 0) return false;
    const plusDm = upMove > downMove && upMove > 0 ? upMove : 0;
    const minusDm = downMove > upMove && downMove > 0 ? downMove : 0;
    const period = this.period;
    const invPeriod = this.invPeriod;
    if (i <= period) {
      this.tr += tr;
      this.pdm += plusDm;
      this.mdm += minusDm;
      if (i < period) return false;
    } else {
      this.tr = this.tr - this.tr * invPeriod + tr;
      this.pdm = this.pdm - this.pdm * invPeriod + plusDm;
      this.mdm = this.mdm - this.mdm * invPeriod + minusDm;
    }
    const pdm = this.pdm;
    const mdm = this.mdm;
    const scale = this.tr === 0 ? 0 : 100 / this.tr;
    this.pdi = pdm * scale;
    this.mdi = mdm * scale;
    // DX = 100·|+DI − −DI| / (+DI + −DI); the true range cancels out.
    const dx = pdm === mdm ? 0 : (100 * abs(pdm - mdm)) / (pdm + mdm);
    if (i > this.adxAt) this.adx = (this.adx * (period - 1) + dx) * invPeriod;
    else {
      this.dxSum += dx;
      if (i === this.adxAt) this.adx = this.dxSum * invPeriod;
    }
    return true;
  }
}

export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period: number): AdxSeries {
  assertPeriod(period, 'period');
  assertSameLength(high, low, close);
  const n = close.length;
  // Only the warm-ups are NaN: filling the whole series first would write them twice.
  const adxAt = 2 * period - 1;
  const adxLine = new Float64Array(n).fill(Number.NaN, 0, adxAt);
  const pdi = new Float64Array(n).fill(Number.NaN, 0, period);
  const mdi = new Float64Array(n).fill(Number.NaN, 0, period);
  if (n > period) adxInto(high, low, close, period, adxLine, pdi, mdi);
  return { adx: adxLine, pdi, mdi };
}

// The loops live apart from the function building the result: V8 compiles a hot loop on the fly
// (on-stack replacement) during the first call, before the object literal after it has run once;
// that code then deoptimised at the literal on every later call (a measured 5-9× slowdown on
// 10,000-bar inputs until V8 gave up on it). Here nothing follows the loops.
function adxInto(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  adxLine: Float64Array,
  pdi: Float64Array,
  mdi: Float64Array,
): void {
  const n = close.length;
  const adxAt = 2 * period - 1;
  // AdxState's bookkeeping with the state in locals and the phases in separate loops: the same
  // operations in the same order (the same values to the bit), without a field load and store and
  // a phase test per bar.
  const invPeriod = 1 / period;
  const keep = period - 1;
  let tr = 0;
  let pdm = 0;
  let mdm = 0;
  // Bars 1 … period: the first sums.
  for (let i = 1; i <= period; i++) {
    const upMove = high[i]! - high[i - 1]!;
    const downMove = low[i - 1]! - low[i]!;
    tr += trueRange(high[i]!, low[i]!, close[i - 1]!);
    pdm += upMove > downMove && upMove > 0 ? upMove : 0;
    mdm += downMove > upMove && downMove > 0 ? downMove : 0;
  }
  // Bars period … 2·period − 1: DI defined, DX summed for the first ADX.
  let dxSum = 0;
  let adxValue = Number.NaN;
  const warmEnd = adxAt < n ? adxAt + 1 : n;
  for (let i = period; i < warmEnd; i++) {
    if (i > period) {
      const upMove = high[i]! - high[i - 1]!;
      const downMove = low[i - 1]! - low[i]!;
      tr = tr - tr * invPeriod + trueRange(high[i]!, low[i]!, close[i - 1]!);
      pdm = pdm - pdm * invPeriod + (upMove > downMove && upMove > 0 ? upMove : 0);
      mdm = mdm - mdm * invPeriod + (downMove > upMove && downMove > 0 ? downMove : 0);
    }
    const scale = tr === 0 ? 0 : 100 / tr;
    pdi[i] = pdm * scale;
    mdi[i] = mdm * scale;
    dxSum += pdm === mdm ? 0 : (100 * abs(pdm - mdm)) / (pdm + mdm);
    if (i === adxAt) adxValue = dxSum * invPeriod;
    adxLine[i] = adxValue;
  }
  // The rest (the hot loop): smoothing every bar, no phase test.
  for (let i = warmEnd; i < n; i++) {
    const upMove = high[i]! - high[i - 1]!;
    const downMove = low[i - 1]! - low[i]!;
    tr = tr - tr * invPeriod + trueRange(high[i]!, low[i]!, close[i - 1]!);
    pdm = pdm - pdm * invPeriod + (upMove > downMove && upMove > 0 ? upMove : 0);
    mdm = mdm - mdm * invPeriod + (downMove > upMove && downMove > 0 ? downMove : 0);
    const scale = tr === 0 ? 0 : 100 / tr;
    pdi[i] = pdm * scale;
    mdi[i] = mdm * scale;
    // DX = 100·|+DI − −DI| / (+DI + −DI); the true range cancels out.
    const dx = pdm === mdm ? 0 : (100 * abs(pdm - mdm)) / (pdm + mdm);
    adxValue = (adxValue * keep + dx) * invPeriod;
    adxLine[i] = adxValue;
  }
}

export class AdxStream {
  /** NaN until 2 × period bars were fed */
  adx = Number.NaN;
  /** +DI; NaN until period + 1 bars were fed */
  pdi = Number.NaN;
  /** −DI */
  mdi = Number.NaN;
  private readonly state: AdxState;

  constructor(readonly period: number) {
    assertPeriod(period, 'period');
    this.state = new AdxState(period);
  }

  /** Feeds one bar; returns the ADX (+DI and −DI are fields). */
  next(high: number, low: number, close: number): number {
    if (this.state.push(high, low, close)) {
      this.pdi = this.state.pdi;
      this.mdi = this.state.mdi;
      this.adx = this.state.adx;
    }
    return this.adx;
  }
}
