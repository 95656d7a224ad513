// ema-cross on the sma-cross series with EMA(2) (alpha 2/3, seeded 10 on candle 1) and EMA(4)
// (alpha 0.4, seeded 10 on candle 3):
//   i=5: fast 11.33 > slow 10.80 after both 10 → cross up;
//   i=8: fast 14.35 > slow 13.79 (still above); i=9: fast 11.45 < slow 12.27 → cross down.
import { emaCross } from '../../../../shared/core/strategies/ema-cross';
import { actions, candlesFromCloses, defaultsOf, runStrategy } from './harness';

const CLOSES = [10, 10, 10, 10, 10, 12, 14, 16, 14, 10, 8, 6];
const params = { ...defaultsOf(emaCross), fast: 2, slow: 4 };

describe('ema-cross', () => {
  it('goes long on the cross up and reverses to short on the cross down', () => {
    expect(actions(runStrategy(emaCross, params, candlesFromCloses(CLOSES)))).toEqual([
      [5, 'long'],
      [9, 'short'],
    ]);
  });

  it('longOnly turns the short into close_long', () => {
    expect(actions(runStrategy(emaCross, { ...params, longOnly: true }, candlesFromCloses(CLOSES)))).toEqual([
      [5, 'long'],
      [9, 'close_long'],
    ]);
  });

  it('refuses fast ≥ slow', () => {
    expect(() => emaCross.create({ ...params, fast: 5, slow: 4 })).toThrow(/fast \(5\) must be below slow \(4\)/);
  });
});
