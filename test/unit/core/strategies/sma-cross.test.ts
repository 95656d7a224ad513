// sma-cross on a hand-built series: fast SMA(2) and slow SMA(4) of
//   index: 0   1   2   3   4   5   6   7   8   9  10  11
//   close: 10  10  10  10  10  12  14  16  14  10   8   6
// i=5: fast 11 > slow 10.5 after being equal → cross up; i=9: fast 12 < slow 13.5 after 15 ≥ 14
// → cross down. Nothing else crosses.
import { smaCross } from '../../../../shared/core/strategies/sma-cross';
import { actions, candlesFromCloses, defaultsOf, runStrategy } from './harness';

const CLOSES = [10, 10, 10, 10, 10, 12, 14, 16, 14, 10, 8, 6];
const params = { ...defaultsOf(smaCross), fast: 2, slow: 4 };

describe('sma-cross', () => {
  it('has the documented defaults: fast 10, slow 30, long and short', () => {
    expect(defaultsOf(smaCross)).toEqual({ fast: 10, slow: 30, slPct: 0, tpPct: 0, longOnly: false });
  });

  it('goes long on the cross up and reverses to short on the cross down', () => {
    expect(actions(runStrategy(smaCross, params, candlesFromCloses(CLOSES)))).toEqual([
      [5, 'long'],
      [9, 'short'],
    ]);
  });

  it('longOnly turns the cross down into close_long', () => {
    expect(actions(runStrategy(smaCross, { ...params, longOnly: true }, candlesFromCloses(CLOSES)))).toEqual([
      [5, 'long'],
      [9, 'close_long'],
    ]);
  });

  it('longOnly while flat (e.g. after a stop-loss) ignores the cross down', () => {
    const signals = runStrategy(smaCross, { ...params, longOnly: true }, candlesFromCloses(CLOSES), {
      override: (i, p) => (i === 7 ? 'flat' : p),
    });
    expect(actions(signals)).toEqual([[5, 'long']]);
  });

  it('does not repeat an entry for the side already held', () => {
    const held = runStrategy(smaCross, params, candlesFromCloses(CLOSES), { override: () => 'long' });
    expect(actions(held)).toEqual([[9, 'short']]);
    const heldShort = runStrategy(smaCross, params, candlesFromCloses(CLOSES), { override: () => 'short' });
    expect(actions(heldShort)).toEqual([[5, 'long']]);
  });

  it('after a stop-loss flattens the long, the next cross (down) opens a short from flat', () => {
    const signals = runStrategy(smaCross, params, candlesFromCloses(CLOSES), {
      override: (i, p) => (i === 7 ? 'flat' : p),
    });
    expect(signals.map((s) => [s.index, s.signal.action, s.heldBefore])).toEqual([
      [5, 'long', 'flat'],
      [9, 'short', 'flat'],
    ]);
  });

  it('can signal on the warm-up candle itself, never before', () => {
    // slow SMA(4) is first defined on candle 3; the first cross can come on candle 4 = warmup.
    expect(smaCross.warmup(params)).toBe(4);
    expect(actions(runStrategy(smaCross, params, candlesFromCloses([10, 10, 10, 10, 14])))).toEqual([[4, 'long']]);
    expect(actions(runStrategy(smaCross, params, candlesFromCloses([10, 10, 10, 14])))).toEqual([]);
  });

  it('refuses fast ≥ slow, naming both parameters', () => {
    expect(() => smaCross.create({ ...params, fast: 30, slow: 30 })).toThrow('fast (30) must be below slow (30)');
  });
});
