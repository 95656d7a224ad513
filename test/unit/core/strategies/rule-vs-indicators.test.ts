// Each strategy's signals equal its documented rule applied to the BATCH indicators (computed
// independently of the streams the runners use), on real daily bars and on synthetic minutes.
import type { Candles } from '../../../../shared/core/backtest/types';
import {
  bollinger,
  ema,
  ichimoku,
  macd,
  rsi,
  sma,
  stochastic,
  supertrend,
} from '../../../../shared/core/indicators/index';
import { bbReversion } from '../../../../shared/core/strategies/bb-reversion';
import { emaCross } from '../../../../shared/core/strategies/ema-cross';
import { ichimokuCloud } from '../../../../shared/core/strategies/ichimoku-cloud';
import { macdStoch } from '../../../../shared/core/strategies/macd-stoch';
import { rsiEma } from '../../../../shared/core/strategies/rsi-ema';
import { smaCross } from '../../../../shared/core/strategies/sma-cross';
import { superTrend } from '../../../../shared/core/strategies/supertrend';
import { loadSkenderQuotes } from '../../../fixtures/market-data';
import { syntheticCandles } from '../../../fixtures/synthetic-candles';
import { actions, crossDown, crossUp, defaultsOf, expectedSignals, runStrategy } from './harness';

const DATA: [string, Candles][] = [
  ['502 daily bars', loadSkenderQuotes()],
  ['20,000 synthetic minutes', syntheticCandles(20_000, { seed: 5 })],
];

describe.each(DATA)('strategies follow their rule on %s', (_name, candles) => {
  const n = candles.close.length;
  const { high, low, close } = candles;

  function check(signals: ReturnType<typeof actions>, expected: [number, string][]): void {
    expect(expected.length).toBeGreaterThan(2);
    expect(signals).toEqual(expected);
  }

  it('sma-cross', () => {
    const fast = sma(close, 10);
    const slow = sma(close, 30);
    const expected = expectedSignals(n, {
      enterLong: (i) => crossUp(fast, slow, i),
      enterShort: (i) => crossDown(fast, slow, i),
      exitLong: () => false,
      exitShort: () => false,
    });
    check(actions(runStrategy(smaCross, defaultsOf(smaCross), candles)), expected);
  });

  it('ema-cross', () => {
    const fast = ema(close, 12);
    const slow = ema(close, 26);
    const expected = expectedSignals(n, {
      enterLong: (i) => crossUp(fast, slow, i),
      enterShort: (i) => crossDown(fast, slow, i),
      exitLong: () => false,
      exitShort: () => false,
    });
    check(actions(runStrategy(emaCross, defaultsOf(emaCross), candles)), expected);
  });

  it('bb-reversion', () => {
    const { lower, middle, upper } = bollinger(close, 20, 2.5);
    const expected = expectedSignals(n, {
      enterLong: (i) => crossUp(close, lower, i),
      enterShort: (i) => crossDown(close, upper, i),
      exitLong: (i) => close[i]! >= middle[i]!,
      exitShort: (i) => close[i]! <= middle[i]!,
    });
    check(actions(runStrategy(bbReversion, defaultsOf(bbReversion), candles)), expected);
  });

  it('rsi-ema (RSI 14 with a 50-candle EMA, so the daily bars see both sides of it)', () => {
    const params = { ...defaultsOf(rsiEma), emaPeriod: 50, oversold: 40, overbought: 60 };
    const r = rsi(close, 14);
    const trend = ema(close, 50);
    const expected = expectedSignals(n, {
      enterLong: (i) => i > 0 && r[i - 1]! < 40 && r[i]! >= 40 && close[i]! > trend[i]!,
      enterShort: (i) => i > 0 && r[i - 1]! > 60 && r[i]! <= 60 && close[i]! < trend[i]!,
      exitLong: (i) => r[i]! >= 60,
      exitShort: (i) => r[i]! <= 40,
    });
    check(actions(runStrategy(rsiEma, params, candles)), expected);
  });

  it('macd-stoch', () => {
    const m = macd(close, 12, 26, 9);
    const s = stochastic(high, low, close, 14, 3, 3);
    const up = (i: number) => crossUp(m.macd, m.signal, i);
    const down = (i: number) => crossDown(m.macd, m.signal, i);
    const expected = expectedSignals(n, {
      enterLong: (i) => up(i) && s.k[i]! > s.d[i]! && s.k[i]! < 80,
      enterShort: (i) => down(i) && s.k[i]! < s.d[i]! && s.k[i]! > 20,
      exitLong: down,
      exitShort: up,
    });
    check(actions(runStrategy(macdStoch, defaultsOf(macdStoch), candles)), expected);
  });

  it('supertrend', () => {
    const { direction } = supertrend(high, low, close, 10, 3);
    const expected = expectedSignals(n, {
      enterLong: (i) => i > 0 && direction[i - 1] === -1 && direction[i] === 1,
      enterShort: (i) => i > 0 && direction[i - 1] === 1 && direction[i] === -1,
      exitLong: () => false,
      exitShort: () => false,
    });
    check(actions(runStrategy(superTrend, defaultsOf(superTrend), candles)), expected);
  });

  it('ichimoku-cloud (never reads a future close: the batch form has no chikou span)', () => {
    const c = ichimoku(high, low, close, 9, 26, 52, 26);
    const above = (i: number) => close[i]! > c.senkouA[i]! && close[i]! > c.senkouB[i]!;
    const below = (i: number) => close[i]! < c.senkouA[i]! && close[i]! < c.senkouB[i]!;
    const up = (i: number) => crossUp(c.tenkan, c.kijun, i);
    const down = (i: number) => crossDown(c.tenkan, c.kijun, i);
    const expected = expectedSignals(n, {
      enterLong: (i) => up(i) && above(i),
      enterShort: (i) => down(i) && below(i),
      exitLong: (i) => down(i) || below(i),
      exitShort: (i) => up(i) || above(i),
    });
    check(actions(runStrategy(ichimokuCloud, defaultsOf(ichimokuCloud), candles)), expected);
  });
});
