// supertrend with SuperTrend(3, 1) on a hand-built rise, drop and recovery (spread ±0.5):
//   index:      3     4     5     6     7     8     9    10    11    12    13
//   close:     13    14    15    16    12     8     6     5     8    12    16
//   SuperTrend: 10.5  11.5  12.5  13.5  17.0  13.67 10.44 8.46  8.46  6.13  9.75
//   direction:  +1    +1    +1    +1    −1    −1    −1    −1    −1    +1    +1
// It flips down on candle 7 (short) and up on candle 12 (long).
import { supertrend } from '../../../../shared/core/indicators/supertrend';
import { superTrend } from '../../../../shared/core/strategies/supertrend';
import { actions, candlesFromCloses, defaultsOf, runStrategy } from './harness';

const candles = candlesFromCloses([10, 11, 12, 13, 14, 15, 16, 12, 8, 6, 5, 8, 12, 16, 18]);
const params = { ...defaultsOf(superTrend), period: 3, mult: 1 };

describe('supertrend', () => {
  it('has the documented defaults: ATR 10, multiplier 3', () => {
    expect(defaultsOf(superTrend)).toMatchObject({ period: 10, mult: 3 });
  });

  it('the series flips where the comment says', () => {
    expect(Array.from(supertrend(candles.high, candles.low, candles.close, 3, 1).direction.subarray(3))).toEqual([
      1, 1, 1, 1, -1, -1, -1, -1, -1, 1, 1, 1,
    ]);
  });

  it('follows the flips: short on the flip down, long (reversing) on the flip up', () => {
    expect(actions(runStrategy(superTrend, params, candles))).toEqual([
      [7, 'short'],
      [12, 'long'],
    ]);
  });

  it('no signal between flips, and none for a flip into the side already held', () => {
    expect(actions(runStrategy(superTrend, params, candles, { override: () => 'short' }))).toEqual([[12, 'long']]);
  });

  it('longOnly skips the short while flat and takes the long', () => {
    expect(actions(runStrategy(superTrend, { ...params, longOnly: true }, candles))).toEqual([[12, 'long']]);
  });
});
