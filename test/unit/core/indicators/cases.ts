// The indicators as test cases: each one's batch series and the same series rebuilt by feeding its
// streaming form one candle at a time, so tests can hold the two side by side on any candles.
import type { Candles } from '../../../../shared/core/backtest/types';
import {
  AdxStream,
  AtrStream,
  BollingerStream,
  EmaStream,
  IchimokuStream,
  MacdStream,
  RsiStream,
  SmaStream,
  StochasticStream,
  SuperTrendStream,
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

export type SeriesSet = Record<string, Float64Array>;

export interface IndicatorCase {
  name: string;
  batch(c: Candles): SeriesSet;
  /** the same keys as batch, plus `returned`: what next() returned (compared to `main`) */
  stream(c: Candles): SeriesSet;
  /** the batch key that next() returns */
  main: string;
}

/** Feeds every candle to a fresh stream and records `read`'s fields after each call. */
function collect<S>(
  c: Candles,
  stream: S,
  feed: (s: S, i: number) => number,
  read: Record<string, (s: S) => number>,
): SeriesSet {
  const n = c.close.length;
  const returned = new Float64Array(n);
  const fields = Object.entries(read).map(([key, get]) => ({ key, get, values: new Float64Array(n) }));
  for (let i = 0; i < n; i++) {
    returned[i] = feed(stream, i);
    for (const field of fields) field.values[i] = field.get(stream);
  }
  return Object.fromEntries([['returned', returned], ...fields.map((f) => [f.key, f.values] as const)]);
}

const closeOf = (c: Candles, i: number) => c.close[i]!;
const bar = <S extends { next(h: number, l: number, c: number): number }>(s: S, c: Candles, i: number) =>
  s.next(c.high[i]!, c.low[i]!, c.close[i]!);

function smaCase(period: number): IndicatorCase {
  return {
    name: `SMA(${period})`,
    main: 'value',
    batch: (c) => ({ value: sma(c.close, period) }),
    stream: (c) => collect(c, new SmaStream(period), (s, i) => s.next(closeOf(c, i)), { value: (s) => s.value }),
  };
}

function emaCase(period: number): IndicatorCase {
  return {
    name: `EMA(${period})`,
    main: 'value',
    batch: (c) => ({ value: ema(c.close, period) }),
    stream: (c) => collect(c, new EmaStream(period), (s, i) => s.next(closeOf(c, i)), { value: (s) => s.value }),
  };
}

function rsiCase(period: number): IndicatorCase {
  return {
    name: `RSI(${period})`,
    main: 'value',
    batch: (c) => ({ value: rsi(c.close, period) }),
    stream: (c) => collect(c, new RsiStream(period), (s, i) => s.next(closeOf(c, i)), { value: (s) => s.value }),
  };
}

function macdCase(fast: number, slow: number, signal: number): IndicatorCase {
  return {
    name: `MACD(${fast}, ${slow}, ${signal})`,
    main: 'macd',
    batch: (c) => ({ ...macd(c.close, fast, slow, signal) }),
    stream: (c) =>
      collect(c, new MacdStream(fast, slow, signal), (s, i) => s.next(closeOf(c, i)), {
        macd: (s) => s.macd,
        signal: (s) => s.signal,
        histogram: (s) => s.histogram,
      }),
  };
}

function bollingerCase(period: number, mult: number): IndicatorCase {
  return {
    name: `Bollinger(${period}, ${mult})`,
    main: 'middle',
    batch: (c) => ({ ...bollinger(c.close, period, mult) }),
    stream: (c) =>
      collect(c, new BollingerStream(period, mult), (s, i) => s.next(closeOf(c, i)), {
        middle: (s) => s.middle,
        upper: (s) => s.upper,
        lower: (s) => s.lower,
      }),
  };
}

function stochasticCase(kPeriod: number, kSmooth: number, dPeriod: number): IndicatorCase {
  return {
    name: `Stochastic(${kPeriod}, ${kSmooth}, ${dPeriod})`,
    main: 'k',
    batch: (c) => ({ ...stochastic(c.high, c.low, c.close, kPeriod, kSmooth, dPeriod) }),
    stream: (c) =>
      collect(c, new StochasticStream(kPeriod, kSmooth, dPeriod), (s, i) => bar(s, c, i), {
        k: (s) => s.k,
        d: (s) => s.d,
      }),
  };
}

function atrCase(period: number): IndicatorCase {
  return {
    name: `ATR(${period})`,
    main: 'value',
    batch: (c) => ({ value: atr(c.high, c.low, c.close, period) }),
    stream: (c) => collect(c, new AtrStream(period), (s, i) => bar(s, c, i), { value: (s) => s.value }),
  };
}

function supertrendCase(period: number, mult: number): IndicatorCase {
  return {
    name: `SuperTrend(${period}, ${mult})`,
    main: 'value',
    batch: (c) => ({ ...supertrend(c.high, c.low, c.close, period, mult) }),
    stream: (c) =>
      collect(c, new SuperTrendStream(period, mult), (s, i) => bar(s, c, i), {
        value: (s) => s.value,
        direction: (s) => s.direction,
      }),
  };
}

function ichimokuCase(tenkan: number, kijun: number, senkouB: number, displacement: number): IndicatorCase {
  return {
    name: `Ichimoku(${tenkan}, ${kijun}, ${senkouB}, ${displacement})`,
    main: 'tenkan',
    batch: (c) => ({ ...ichimoku(c.high, c.low, c.close, tenkan, kijun, senkouB, displacement) }),
    stream: (c) =>
      collect(c, new IchimokuStream(tenkan, kijun, senkouB, displacement), (s, i) => s.next(c.high[i]!, c.low[i]!), {
        tenkan: (s) => s.tenkan,
        kijun: (s) => s.kijun,
        senkouA: (s) => s.senkouA,
        senkouB: (s) => s.senkouB,
      }),
  };
}

function adxCase(period: number): IndicatorCase {
  return {
    name: `ADX(${period})`,
    main: 'adx',
    batch: (c) => ({ ...adx(c.high, c.low, c.close, period) }),
    stream: (c) =>
      collect(c, new AdxStream(period), (s, i) => bar(s, c, i), {
        adx: (s) => s.adx,
        pdi: (s) => s.pdi,
        mdi: (s) => s.mdi,
      }),
  };
}

/** The default settings, then unusual ones (period 1, no smoothing, a short displacement…). */
export const INDICATOR_CASES: readonly IndicatorCase[] = [
  smaCase(20),
  smaCase(1),
  emaCase(20),
  emaCase(1),
  rsiCase(14),
  rsiCase(2),
  macdCase(12, 26, 9),
  macdCase(26, 12, 1),
  bollingerCase(20, 2),
  bollingerCase(5, 1),
  stochasticCase(14, 3, 3),
  stochasticCase(5, 1, 1),
  atrCase(14),
  atrCase(1),
  supertrendCase(10, 3),
  supertrendCase(3, 1.5),
  ichimokuCase(9, 26, 52, 26),
  ichimokuCase(3, 5, 7, 4),
  adxCase(14),
  adxCase(3),
];
