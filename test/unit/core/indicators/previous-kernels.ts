// ATR, Stochastic and ADX (batch forms) exactly as they were before they were made faster (commit
// 7e3528f), kept as the reference the fast kernels must equal bit for bit on any input.
import { trueRange } from '../../../../shared/core/indicators/atr';
import { abs } from '../../../../shared/core/indicators/math';
import { RollingHighLow } from '../../../../shared/core/indicators/rolling-high-low';
import { rollingMeanInto } from '../../../../shared/core/indicators/sma';
import { nanSeries } from '../../../../shared/core/indicators/validate';

export function previousAtr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const n = close.length;
  const out = nanSeries(n);
  let value = 0;
  for (let i = 1; i < n; i++) {
    const tr = trueRange(high[i]!, low[i]!, close[i - 1]!);
    if (i < period) {
      value += tr;
      continue;
    }
    value = i === period ? (value + tr) / period : (value * (period - 1) + tr) / period;
    out[i] = value;
  }
  return out;
}

interface StochasticSeries {
  k: Float64Array;
  d: Float64Array;
}

function rawK(close: number, highest: number, lowest: number): number {
  if (highest === lowest) return 0;
  // Exact bounds, so a close at the extreme reads 0 or 100 without rounding noise.
  if (close >= highest) return 100;
  if (close <= lowest) return 0;
  return (100 * (close - lowest)) / (highest - lowest);
}

export function previousStochastic(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  kPeriod: number,
  kSmooth: number,
  dPeriod: number,
): StochasticSeries {
  const n = close.length;
  const raw = nanSeries(n);
  const window = new RollingHighLow(kPeriod);
  for (let i = 0; i < n; i++) {
    if (window.push(high[i]!, low[i]!)) raw[i] = rawK(close[i]!, window.max, window.min);
  }
  const k = nanSeries(n);
  rollingMeanInto(raw, kSmooth, kPeriod - 1, k);
  const d = nanSeries(n);
  rollingMeanInto(k, dPeriod, kPeriod + kSmooth - 2, d);
  return { k, d };
}

interface AdxSeries {
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

export function previousAdx(high: Float64Array, low: Float64Array, close: Float64Array, period: number): AdxSeries {
  const n = close.length;
  const adxLine = nanSeries(n);
  const pdi = nanSeries(n);
  const mdi = nanSeries(n);
  const state = new AdxState(period);
  for (let i = 0; i < n; i++) {
    if (!state.push(high[i]!, low[i]!, close[i]!)) continue;
    pdi[i] = state.pdi;
    mdi[i] = state.mdi;
    adxLine[i] = state.adx;
  }
  return { adx: adxLine, pdi, mdi };
}
