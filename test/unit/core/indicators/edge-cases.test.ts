// Hand-computed values, warm-up lengths, flat markets, bad arguments and the rolling extremes.
import {
  RollingHighLow,
  adx,
  atr,
  bollinger,
  BollingerStream,
  ema,
  EmaStream,
  ichimoku,
  macd,
  rsi,
  RsiStream,
  sma,
  SmaStream,
  stochastic,
  supertrend,
} from '../../../../shared/core/indicators/index';
import { rollingMidInto } from '../../../../shared/core/indicators/rolling-high-low';
import { InvalidArgumentError } from '../../../../shared/core/errors';
import { syntheticCandles } from '../../../fixtures/synthetic-candles';

const series = (...values: number[]) => Float64Array.from(values);
const list = (values: Float64Array) => Array.from(values);

describe('hand-computed values', () => {
  it('SMA(3) of 1…5', () => {
    expect(list(sma(series(1, 2, 3, 4, 5), 3))).toEqual([NaN, NaN, 2, 3, 4]);
  });

  it('EMA(3) is seeded by the SMA of the first 3 values, then alpha = 2 / 4', () => {
    expect(list(ema(series(1, 2, 3, 4, 8), 3))).toEqual([NaN, NaN, 2, 3, 5.5]);
  });

  it('RSI(2): Wilder averages of gains and losses', () => {
    // changes +2, −1, +3: seed avgGain 1, avgLoss 0.5 → RSI 66.67; then gain 3: avgGain 2, avgLoss 0.25.
    const out = rsi(series(10, 12, 11, 14), 2);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(100 - 100 / 3, 12);
    expect(out[3]).toBeCloseTo(100 - 100 / 9, 12);
  });

  it('ATR(2): true ranges from bar 1, seeded by their mean, then Wilder', () => {
    const high = series(10, 12, 13, 11);
    const low = series(9, 10, 11, 8);
    const close = series(9.5, 11, 12, 9);
    // TR: bar1 max(2, 2.5, 0.5) = 2.5; bar2 max(2, 2, 0) = 2; bar3 max(3, 1, 4) = 4.
    expect(list(atr(high, low, close, 2))).toEqual([NaN, NaN, 2.25, (2.25 + 4) / 2]);
  });

  it('Bollinger(4, 2) uses the population standard deviation', () => {
    const { middle, upper, lower } = bollinger(series(2, 4, 4, 6), 4, 2);
    // mean 4, population variance (4 + 0 + 0 + 4) / 4 = 2
    expect(middle[3]).toBe(4);
    expect(upper[3]).toBeCloseTo(4 + 2 * Math.SQRT2, 12);
    expect(lower[3]).toBeCloseTo(4 - 2 * Math.SQRT2, 12);
  });
});

describe('flat markets', () => {
  const flat = new Float64Array(60).fill(100);

  it('give zero-width bands, ATR 0, RSI 100 (as TradingView), %K 0, ADX and DIs 0', () => {
    const bands = bollinger(flat, 20, 2);
    expect(bands.upper[59]).toBe(100);
    expect(bands.lower[59]).toBe(100);
    expect(atr(flat, flat, flat, 14)[59]).toBe(0);
    expect(rsi(flat, 14)[59]).toBe(100);
    expect(stochastic(flat, flat, flat, 14, 3, 3).k[59]).toBe(0);
    const dmi = adx(flat, flat, flat, 14);
    expect([dmi.adx[59], dmi.pdi[59], dmi.mdi[59]]).toEqual([0, 0, 0]);
  });

  it('average a repeated price to exactly that price, batch and stream (no rounding residue)', () => {
    // 30 × 0.1 / 30 is not 0.1 in floating point; a stale window must still read 0.1.
    const stale = new Float64Array(45).fill(0.3);
    stale.fill(0.1, 5);
    expect(sma(stale, 30)[44]).toBe(0.1);
    const stream = new SmaStream(30);
    expect(Array.from(stale, (x) => stream.next(x))[44]).toBe(0.1);
    const bands = bollinger(stale, 30, 2);
    expect([bands.lower[44], bands.middle[44], bands.upper[44]]).toEqual([0.1, 0.1, 0.1]);
    const bandStream = new BollingerStream(30, 2);
    stale.forEach((x) => bandStream.next(x));
    expect([bandStream.lower, bandStream.middle, bandStream.upper]).toEqual([0.1, 0.1, 0.1]);
  });
});

describe('warm-up', () => {
  it('series shorter than the period are all NaN; empty series stay empty', () => {
    expect(list(sma(series(1, 2), 3))).toEqual([NaN, NaN]);
    expect(list(ema(series(1, 2), 3))).toEqual([NaN, NaN]);
    expect(list(rsi(series(1, 2), 3))).toEqual([NaN, NaN]);
    expect(list(macd(series(1, 2, 3), 2, 3, 2).signal)).toEqual([NaN, NaN, NaN]);
    const empty = new Float64Array(0);
    expect(sma(empty, 3)).toHaveLength(0);
    expect(ichimoku(empty, empty, empty, 9, 26, 52).senkouB).toHaveLength(0);
    expect(supertrend(empty, empty, empty, 10, 3).value).toHaveLength(0);
  });

  it('streams return NaN until warm, then the value their field holds', () => {
    const sma3 = new SmaStream(3);
    expect([sma3.next(1), sma3.next(2)]).toEqual([NaN, NaN]);
    expect(sma3.value).toBeNaN();
    expect(sma3.next(6)).toBe(3);
    expect(sma3.value).toBe(3);
    const ema3 = new EmaStream(3);
    expect([ema3.next(1), ema3.next(2), ema3.next(3)]).toEqual([NaN, NaN, 2]);
    const rsi2 = new RsiStream(2);
    expect([rsi2.next(10), rsi2.next(12)]).toEqual([NaN, NaN]);
    expect(rsi2.next(11)).toBeCloseTo(100 - 100 / 3, 12);
    const bands = new BollingerStream(2, 1);
    expect(bands.next(1)).toBeNaN();
    expect(bands.next(3)).toBe(2);
    expect([bands.lower, bands.upper]).toEqual([1, 3]);
  });

  it('the SMA stream stays exact on large prices with small moves (compensated sum)', () => {
    const stream = new SmaStream(4);
    let last = Number.NaN;
    for (let i = 0; i < 100_000; i++) last = stream.next(1e9 + (i % 4) * 1e-3);
    // every window holds 1e9 + {0, 1, 2, 3}e-3
    expect(last).toBe(1e9 + 1.5e-3);
  });
});

describe('bad arguments', () => {
  const x = series(1, 2, 3);

  it.each([0, -1, 1.5, Number.NaN])('period %p is refused, naming the parameter', (period) => {
    expect(() => sma(x, period)).toThrow(/period must be an integer >= 1/);
    expect(() => new SmaStream(period)).toThrow(InvalidArgumentError);
  });

  it('names the offending parameter of multi-parameter indicators', () => {
    expect(() => macd(x, 12, 0, 9)).toThrow(/^slow must be/);
    expect(() => stochastic(x, x, x, 14, 3, 0)).toThrow(/^dPeriod must be/);
    expect(() => bollinger(x, 20, 0)).toThrow(/^mult must be a finite number > 0/);
    expect(() => ichimoku(x, x, x, 9, 26, 52, 0)).toThrow(/^displacement must be/);
  });

  it('refuses high/low/close series of different lengths', () => {
    expect(() => atr(x, x, series(1, 2), 2)).toThrow(/differ in length/);
  });
});

describe('rolling highest high / lowest low', () => {
  const { high, low } = syntheticCandles(3_000, { seed: 11 });

  it.each([1, 2, 3, 7, 26, 52])('equals a naive scan of every window (period %i), stream and batch', (period) => {
    const window = new RollingHighLow(period);
    const mids = new Float64Array(high.length).fill(Number.NaN);
    rollingMidInto(high, low, period, mids);
    const wrong: number[] = [];
    for (let i = 0; i < high.length; i++) {
      const full = window.push(high[i]!, low[i]!);
      if (full !== i >= period - 1) wrong.push(i);
      if (!full) {
        if (!Number.isNaN(mids[i]!)) wrong.push(i);
        continue;
      }
      let max = -Infinity;
      let min = Infinity;
      for (let j = i - period + 1; j <= i; j++) {
        max = Math.max(max, high[j]!);
        min = Math.min(min, low[j]!);
      }
      if (window.max !== max || window.min !== min || mids[i] !== (max + min) / 2) wrong.push(i);
    }
    expect(wrong).toEqual([]);
  });

  it('batch writes can be shifted ahead (the Ichimoku displacement) without running past the end', () => {
    const plain = new Float64Array(high.length).fill(Number.NaN);
    const shifted = new Float64Array(high.length).fill(Number.NaN);
    rollingMidInto(high, low, 9, plain);
    rollingMidInto(high, low, 9, shifted, 5);
    expect(list(shifted.subarray(5))).toEqual(list(plain.subarray(0, high.length - 5)));
    expect(list(shifted.subarray(0, 13)).every(Number.isNaN)).toBe(true);
  });
});
