// Every indicator against Stock.Indicators' published vectors (test/fixtures/indicators/skender):
// the same bars defined (no warm-up convention differs) and every value equal to 1e-9 relative.
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
  supertrend,
} from '../../../../shared/core/indicators/index';
import { loadSkenderQuotes, loadSkenderVector, vectorColumn } from '../../../fixtures/market-data';
import { expectSameSeries, firstDefined } from './compare';

const quotes = loadSkenderQuotes();
const { high, low, close } = quotes;
const expected = (file: string, key: string) => vectorColumn(loadSkenderVector(file), key);

describe('indicators match the Stock.Indicators vectors (502 daily bars)', () => {
  it('has the 502 bars the vectors were computed on', () => {
    expect(close.length).toBe(502);
    expect(loadSkenderVector('sma')).toHaveLength(502);
  });

  it('SMA(20)', () => {
    expectSameSeries(sma(close, 20), expected('sma', 'sma'));
  });

  it('EMA(20), seeded by the SMA of the first 20 closes', () => {
    const ours = ema(close, 20);
    expectSameSeries(ours, expected('ema', 'ema'));
    expect(firstDefined(ours)).toBe(19);
  });

  it('RSI(14), Wilder smoothing seeded by simple averages: first value at index 14', () => {
    const ours = rsi(close, 14);
    expectSameSeries(ours, expected('rsi', 'rsi'));
    expect(firstDefined(ours)).toBe(14);
  });

  it('MACD(12, 26, 9): line, signal and histogram', () => {
    const ours = macd(close, 12, 26, 9);
    expectSameSeries(ours.macd, expected('macd', 'macd'));
    expectSameSeries(ours.signal, expected('macd', 'signal'));
    expectSameSeries(ours.histogram, expected('macd', 'histogram'));
    expect(firstDefined(ours.signal)).toBe(33);
  });

  it('Bollinger(20, 2) with the population standard deviation', () => {
    const ours = bollinger(close, 20, 2);
    expectSameSeries(ours.middle, expected('bb', 'sma'));
    expectSameSeries(ours.upper, expected('bb', 'upperBand'));
    expectSameSeries(ours.lower, expected('bb', 'lowerBand'));
  });

  it('Stochastic(14, 3, 3): smoothed %K and %D', () => {
    const ours = stochastic(high, low, close, 14, 3, 3);
    expectSameSeries(ours.k, expected('stoch', 'k'));
    expectSameSeries(ours.d, expected('stoch', 'd'));
  });

  it('ATR(14), Wilder smoothing seeded by the mean of true ranges 1…14', () => {
    const ours = atr(high, low, close, 14);
    expectSameSeries(ours, expected('atr', 'atr'));
    expect(firstDefined(ours)).toBe(14);
  });

  it('SuperTrend(10, 3): value, and the direction the vectors imply (upper band = down, lower = up)', () => {
    const ours = supertrend(high, low, close, 10, 3);
    expectSameSeries(ours.value, expected('supertrend', 'superTrend'));
    const upper = expected('supertrend', 'upperBand');
    const lower = expected('supertrend', 'lowerBand');
    const impliedDirection = Float64Array.from(upper, (u, i) =>
      !Number.isNaN(u) ? -1 : !Number.isNaN(lower[i]!) ? 1 : Number.NaN,
    );
    expect(Array.from(ours.direction)).toEqual(Array.from(impliedDirection));
    // Both trends occur in the vectors, so the comparison above exercises flips each way.
    expect(Array.from(ours.direction)).toEqual(expect.arrayContaining([1, -1]));
  });

  it('Ichimoku(9, 26, 52): tenkan, kijun and the senkou spans as plotted at each bar (no chikou)', () => {
    const ours = ichimoku(high, low, close, 9, 26, 52);
    expectSameSeries(ours.tenkan, expected('ichimoku', 'tenkanSen'));
    expectSameSeries(ours.kijun, expected('ichimoku', 'kijunSen'));
    expectSameSeries(ours.senkouA, expected('ichimoku', 'senkouSpanA'));
    expectSameSeries(ours.senkouB, expected('ichimoku', 'senkouSpanB'));
    expect(Object.keys(ours).sort()).toEqual(['kijun', 'senkouA', 'senkouB', 'tenkan']);
  });

  it('ADX(14) with +DI and −DI', () => {
    const ours = adx(high, low, close, 14);
    expectSameSeries(ours.adx, expected('adx', 'adx'));
    expectSameSeries(ours.pdi, expected('adx', 'pdi'));
    expectSameSeries(ours.mdi, expected('adx', 'mdi'));
    expect(firstDefined(ours.adx)).toBe(27);
  });
});
