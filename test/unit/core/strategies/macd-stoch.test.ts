// macd-stoch with MACD(2, 4, 2) and Stochastic(3, 1, 2) on a hand-built fall, rise and fall
// (spread ±0.5):
//   index:   6      7      8     …  11     12     13
//   close:  14     15     17       23     22     20
//   MACD:  −1.00  −0.47   0.30     1.58   0.95   0.03
//   signal −1.00  −0.64  −0.02     1.41   1.10   0.39
//   %K:    12.5   50.0   87.5     92.9   70.0   12.5
//   %D:    12.5   31.3   68.8     92.9   81.4   41.3
// Candle 7: MACD crosses above its signal, %K 50 > %D 31.3 and < 80 → long.
// Candle 12: MACD crosses below, %K 70 < %D 81.4 and > 20 → short (reversing the long).
import { macd } from '../../../../shared/core/indicators/macd';
import { stochastic } from '../../../../shared/core/indicators/stochastic';
import { macdStoch } from '../../../../shared/core/strategies/macd-stoch';
import { actions, candlesFromCloses, defaultsOf, runStrategy } from './harness';

const candles = candlesFromCloses([20, 19, 18, 17, 16, 15, 14, 15, 17, 19, 21, 23, 22, 20, 18, 16, 14, 12]);
const params = { ...defaultsOf(macdStoch), fast: 2, slow: 4, signal: 2, kPeriod: 3, kSmooth: 1, dPeriod: 2 };

describe('macd-stoch', () => {
  it('has the documented defaults: MACD(12, 26, 9), Stochastic(14, 3, 3), 20/80', () => {
    expect(defaultsOf(macdStoch)).toMatchObject({
      fast: 12,
      slow: 26,
      signal: 9,
      kPeriod: 14,
      kSmooth: 3,
      dPeriod: 3,
      oversold: 20,
      overbought: 80,
    });
  });

  it('the indicators do what the comment says', () => {
    const m = macd(candles.close, 2, 4, 2);
    const s = stochastic(candles.high, candles.low, candles.close, 3, 1, 2);
    expect(m.macd[6]! <= m.signal[6]! && m.macd[7]! > m.signal[7]!).toBe(true);
    expect(s.k[7]! > s.d[7]! && s.k[7]! < 80).toBe(true);
    expect(m.macd[11]! >= m.signal[11]! && m.macd[12]! < m.signal[12]!).toBe(true);
    expect(s.k[12]! < s.d[12]! && s.k[12]! > 20).toBe(true);
  });

  it('enters on confirmed MACD crosses, reversing', () => {
    expect(actions(runStrategy(macdStoch, params, candles))).toEqual([
      [7, 'long'],
      [12, 'short'],
    ]);
  });

  it('an unconfirmed opposite cross only exits', () => {
    // With oversold at 75, %K 70 no longer confirms the short on candle 12: the long just closes.
    expect(actions(runStrategy(macdStoch, { ...params, oversold: 75, overbought: 95 }, candles))).toEqual([
      [7, 'long'],
      [12, 'close_long'],
    ]);
  });

  it('an unconfirmed cross does not enter: %K above overbought blocks the long', () => {
    expect(actions(runStrategy(macdStoch, { ...params, oversold: 10, overbought: 40 }, candles))).toEqual([
      [12, 'short'],
    ]);
  });

  it('longOnly turns the short into close_long', () => {
    expect(actions(runStrategy(macdStoch, { ...params, longOnly: true }, candles))).toEqual([
      [7, 'long'],
      [12, 'close_long'],
    ]);
  });
});
