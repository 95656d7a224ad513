// ichimoku-cloud with Ichimoku(2, 3, 4, displacement 2) on a hand-built rise, pull-back, rally and
// collapse (spread ±0.5):
//   index:     9      10     11  …  13     14
//   close:    16      18     20     17     14
//   tenkan:   14.5    16.0   18.0   18.5   16.5
//   kijun:    14.5    15.5   17.0   18.5   17.0
//   senkouA:  14.0    13.75  14.5   17.5   18.5
//   senkouB:  14.0    14.0   14.5   16.5   17.0
// Candle 10: tenkan crosses above kijun (equal before), close 18 above the cloud → long.
// Candle 13: they touch (18.5 = 18.5): no cross yet. Candle 14: tenkan crosses below kijun and
// the close 14 is below the cloud → short (reversing).
import { ichimoku } from '../../../../shared/core/indicators/ichimoku';
import { ichimokuCloud } from '../../../../shared/core/strategies/ichimoku-cloud';
import { actions, candlesFromCloses, defaultsOf, runStrategy } from './harness';

const candles = candlesFromCloses([10, 11, 12, 13, 14, 15, 14, 13, 14, 16, 18, 20, 19, 17, 14, 11, 8, 6, 5, 6, 5, 4]);
const params = { ...defaultsOf(ichimokuCloud), tenkan: 2, kijun: 3, senkouB: 4, displacement: 2 };

describe('ichimoku-cloud', () => {
  it('has the classic defaults 9/26/52, displaced 26', () => {
    expect(defaultsOf(ichimokuCloud)).toMatchObject({ tenkan: 9, kijun: 26, senkouB: 52, displacement: 26 });
  });

  it('the lines are what the comment says', () => {
    const lines = ichimoku(candles.high, candles.low, candles.close, 2, 3, 4, 2);
    const at = (i: number) => [lines.tenkan[i], lines.kijun[i], lines.senkouA[i], lines.senkouB[i]];
    expect(at(9)).toEqual([14.5, 14.5, 14, 14]);
    expect(at(10)).toEqual([16, 15.5, 13.75, 14]);
    expect(at(13)).toEqual([18.5, 18.5, 17.5, 16.5]);
    expect(at(14)).toEqual([16.5, 17, 18.5, 17]);
  });

  it('enters on a tenkan/kijun cross on the right side of the cloud, reversing', () => {
    expect(actions(runStrategy(ichimokuCloud, params, candles))).toEqual([
      [10, 'long'],
      [14, 'short'],
    ]);
  });

  it('no signal before both senkou spans exist (warmup)', () => {
    expect(ichimokuCloud.warmup(params)).toBe(5);
    expect(ichimokuCloud.warmup(defaultsOf(ichimokuCloud))).toBe(77);
  });

  it('longOnly closes the long instead of shorting', () => {
    expect(actions(runStrategy(ichimokuCloud, { ...params, longOnly: true }, candles))).toEqual([
      [10, 'long'],
      [14, 'close_long'],
    ]);
  });
});
