// Precision over a long series: on 1M synthetic candles (a random walk with calm and violent
// regimes and stale stretches of one repeated price), the indicators built on sliding sums stay
// within 1e-9 relative of an exact per-window recomputation, and the streams, which slide
// compensated sums instead of re-scanning, stay within 1e-9 of the batch forms.
import {
  BollingerStream,
  SmaStream,
  StochasticStream,
  bollinger,
  sma,
  stochastic,
} from '../../../../shared/core/indicators/index';
import { syntheticCandles } from '../../../fixtures/synthetic-candles';
import { expectSameSeries } from './compare';

const CANDLES = 1_000_000;
const candles = syntheticCandles(CANDLES, { seed: 2024 });
const { high, low, close } = candles;

/** Mean and population deviation of each window, summed afresh from the raw values. */
function exactWindows(src: Float64Array, period: number) {
  const mean = new Float64Array(src.length).fill(Number.NaN);
  const deviation = new Float64Array(src.length).fill(Number.NaN);
  for (let i = period - 1; i < src.length; i++) {
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) sum += src[j]!;
    const m = sum / period;
    let squares = 0;
    for (let j = i - period + 1; j <= i; j++) squares += (src[j]! - m) ** 2;
    mean[i] = m;
    deviation[i] = Math.sqrt(squares / period);
  }
  return { mean, deviation };
}

describe(`precision over ${CANDLES.toLocaleString('en-US')} synthetic candles`, () => {
  it('covers a price range wide enough to expose drift (the walk trends and has flat stretches)', () => {
    let lowest = Infinity;
    let highest = -Infinity;
    let flatWindows = 0;
    for (let i = 0; i < close.length; i++) {
      lowest = Math.min(lowest, close[i]!);
      highest = Math.max(highest, close[i]!);
      if (i >= 20 && close[i] === close[i - 20]) flatWindows++;
    }
    expect(highest / lowest).toBeGreaterThan(2);
    expect(flatWindows).toBeGreaterThan(1000);
  });

  it('SMA(20): batch equals the exact window means; the stream equals the batch', () => {
    const batch = sma(close, 20);
    expectSameSeries(batch, exactWindows(close, 20).mean);
    const stream = new SmaStream(20);
    const streamed = close.map((x) => stream.next(x));
    expectSameSeries(streamed, batch);
  });

  it('Bollinger(20, 2): batch equals the exact bands; the stream equals the batch', () => {
    const exact = exactWindows(close, 20);
    const batch = bollinger(close, 20, 2);
    expectSameSeries(batch.middle, exact.mean);
    expectSameSeries(
      batch.upper,
      exact.mean.map((m, i) => m + 2 * exact.deviation[i]!),
    );
    expectSameSeries(
      batch.lower,
      exact.mean.map((m, i) => m - 2 * exact.deviation[i]!),
    );

    const stream = new BollingerStream(20, 2);
    const upper = new Float64Array(CANDLES);
    const lower = new Float64Array(CANDLES);
    const middle = close.map((x, i) => {
      const m = stream.next(x);
      upper[i] = stream.upper;
      lower[i] = stream.lower;
      return m;
    });
    expectSameSeries(middle, batch.middle);
    expectSameSeries(upper, batch.upper);
    expectSameSeries(lower, batch.lower);
  });

  it('Bollinger: a window of one repeated price has exactly zero width, batch and stream', () => {
    const batch = bollinger(close, 20, 2);
    const stream = new BollingerStream(20, 2);
    let flatWindows = 0;
    const wrong: number[] = [];
    for (let i = 0; i < CANDLES; i++) {
      stream.next(close[i]!);
      if (i < 19 || close[i] !== close[i - 19] || !close.subarray(i - 19, i + 1).every((x) => x === close[i])) continue;
      flatWindows++;
      if (stream.upper !== stream.lower || batch.upper[i] !== batch.lower[i]) wrong.push(i);
    }
    expect(flatWindows).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });

  it('Stochastic(14, 3, 3): the stream equals the batch', () => {
    const batch = stochastic(high, low, close, 14, 3, 3);
    const stream = new StochasticStream(14, 3, 3);
    const d = new Float64Array(CANDLES);
    const k = close.map((c, i) => {
      stream.next(high[i]!, low[i]!, c);
      d[i] = stream.d;
      return stream.k;
    });
    expectSameSeries(k, batch.k);
    expectSameSeries(d, batch.d);
  });
});
