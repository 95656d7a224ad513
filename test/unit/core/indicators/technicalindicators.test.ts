// Cross-check against the technicalindicators package where it computes the same thing. Its
// arrays start at the first defined value (ours are NaN-padded to the input length), and:
// - RSI: it rounds to 2 decimals, so it agrees to 0.005 only;
// - MACD: with SimpleMAOscillator/SimpleMASignal false it equals ours (EMA seeded by an SMA);
// - Stochastic: it has no %K smoothing (a fast stochastic), so it is compared with kSmooth = 1;
// - IchimokuCloud: its spans are not displaced (bar i holds the values computed at bar i), so
//   ours at bar i + 26 must equal its value at bar i;
// - SuperTrend: not offered.
import { ADX, ATR, BollingerBands, EMA, IchimokuCloud, MACD, RSI, SMA, Stochastic } from 'technicalindicators';
import {
  adx,
  atr,
  bollinger,
  ema,
  ichimoku,
  macd,
  rsi,
  sma,
  stochastic,
} from '../../../../shared/core/indicators/index';
import { loadSkenderQuotes } from '../../../fixtures/market-data';
import { expectSameSeries } from './compare';

const { high, low, close } = loadSkenderQuotes();
const n = close.length;
const closes = Array.from(close);
const highs = Array.from(high);
const lows = Array.from(low);

/** Their values placed at the bars they belong to: the last one is the last bar, unless shifted. */
function aligned(values: readonly (number | undefined)[], shift = 0): Float64Array {
  const out = new Float64Array(n).fill(Number.NaN);
  const offset = n - values.length + shift;
  values.forEach((v, j) => {
    if (v !== undefined && j + offset < n) out[j + offset] = v;
  });
  return out;
}

/** Ours, NaN wherever theirs is undefined (the warm-up they skip entirely). */
const where = (ours: Float64Array, theirs: Float64Array) =>
  ours.map((v, i) => (Number.isNaN(theirs[i]!) ? Number.NaN : v));

describe('technicalindicators cross-check (Stock.Indicators quotes)', () => {
  it('SMA(20) and EMA(20) agree to 1e-9', () => {
    expectSameSeries(sma(close, 20), aligned(SMA.calculate({ period: 20, values: closes })));
    expectSameSeries(ema(close, 20), aligned(EMA.calculate({ period: 20, values: closes })));
  });

  it('MACD(12, 26, 9) with EMA oscillator and signal agrees to 1e-9', () => {
    const theirs = MACD.calculate({
      values: closes,
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    const ours = macd(close, 12, 26, 9);
    expectSameSeries(ours.macd, aligned(theirs.map((r) => r.MACD)));
    expectSameSeries(ours.signal, aligned(theirs.map((r) => r.signal)));
    expectSameSeries(ours.histogram, aligned(theirs.map((r) => r.histogram)));
  });

  it('Bollinger(20, 2) agrees to 1e-9', () => {
    const theirs = BollingerBands.calculate({ period: 20, values: closes, stdDev: 2 });
    const ours = bollinger(close, 20, 2);
    expectSameSeries(ours.middle, aligned(theirs.map((r) => r.middle)));
    expectSameSeries(ours.upper, aligned(theirs.map((r) => r.upper)));
    expectSameSeries(ours.lower, aligned(theirs.map((r) => r.lower)));
  });

  it('ATR(14) agrees to 1e-9', () => {
    expectSameSeries(
      atr(high, low, close, 14),
      aligned(ATR.calculate({ high: highs, low: lows, close: closes, period: 14 })),
    );
  });

  it('RSI(14) agrees to its 2-decimal rounding', () => {
    const theirs = aligned(RSI.calculate({ period: 14, values: closes }));
    const ours = rsi(close, 14);
    expect(ours.map((v) => (Number.isNaN(v) ? 1 : 0))).toEqual(theirs.map((v) => (Number.isNaN(v) ? 1 : 0)));
    const worst = ours.reduce((m, v, i) => (Number.isNaN(v) ? m : Math.max(m, Math.abs(v - theirs[i]!))), 0);
    expect(worst).toBeLessThanOrEqual(0.005 + 1e-12);
  });

  it('fast Stochastic(14, 1, 3) agrees to 1e-9', () => {
    const theirs = Stochastic.calculate({ high: highs, low: lows, close: closes, period: 14, signalPeriod: 3 });
    const ours = stochastic(high, low, close, 14, 1, 3);
    expectSameSeries(ours.k, aligned(theirs.map((r) => r.k)));
    const theirD = aligned(theirs.map((r) => r.d));
    expectSameSeries(where(ours.d, theirD), theirD);
  });

  it('ADX(14) with +DI/−DI agrees to 1e-9 where it reports them (from the first ADX)', () => {
    const theirs = ADX.calculate({ high: highs, low: lows, close: closes, period: 14 });
    const ours = adx(high, low, close, 14);
    const theirAdx = aligned(theirs.map((r) => r.adx));
    expectSameSeries(ours.adx, theirAdx);
    expectSameSeries(where(ours.pdi, theirAdx), aligned(theirs.map((r) => r.pdi)));
    expectSameSeries(where(ours.mdi, theirAdx), aligned(theirs.map((r) => r.mdi)));
  });

  it('Ichimoku(9, 26, 52): tenkan and kijun agree; its undisplaced spans equal ours 26 bars later', () => {
    const theirs = IchimokuCloud.calculate({
      high: highs,
      low: lows,
      conversionPeriod: 9,
      basePeriod: 26,
      spanPeriod: 52,
      displacement: 26,
    });
    const ours = ichimoku(high, low, close, 9, 26, 52, 26);
    const theirTenkan = aligned(theirs.map((r) => r.conversion));
    expectSameSeries(where(ours.tenkan, theirTenkan), theirTenkan);
    const theirKijun = aligned(theirs.map((r) => r.base));
    expectSameSeries(where(ours.kijun, theirKijun), theirKijun);
    const theirSpanA = aligned(
      theirs.map((r) => r.spanA),
      26,
    );
    expectSameSeries(where(ours.senkouA, theirSpanA), theirSpanA);
    const theirSpanB = aligned(
      theirs.map((r) => r.spanB),
      26,
    );
    expectSameSeries(where(ours.senkouB, theirSpanB), theirSpanB);
  });
});
