// runBacktest: stop-loss, take-profit and trailing stop inside a candle, conservatively: a gap
// through the stop fills at the open, the stop wins when both are in range, the entry candle is
// checked after the fill at its open, and a trailing stop moves only in the trader's favour.
import { runBacktest } from '../../../../shared/core/backtest/engine';
import type { StrategySignal } from '../../../../shared/core/strategies/types';
import { HOUR, T0, at, candles, config, scripted, type Row } from './helpers';

// Long at open[1] = 100 with a 5 % stop (95) and a 5 % target (105).
const BRACKET: StrategySignal = {
  action: 'long',
  sl: { kind: 'percent', value: 5 },
  tp: { kind: 'percent', value: 5 },
};
const run = (rows: Row[], signal: StrategySignal = BRACKET, overrides = {}) =>
  runBacktest(candles(rows), scripted({ 0: signal }), {}, config(overrides));

describe('stop-loss and take-profit within a candle', () => {
  it('both in range of one candle: the stop is assumed to come first', () => {
    const result = run([at(100), at(100), [100, 106, 94, 101], at(101)]);

    expect(result.trades[0]).toMatchObject({
      exitReason: 'stop_loss',
      exitPrice: 95,
      exitTime: T0 + 2 * HOUR,
      barsHeld: 1,
    });
  });

  it('only the target in range: take-profit at the target', () => {
    const result = run([at(100), at(100), [100, 106, 99, 101], at(101)]);

    expect(result.trades[0]).toMatchObject({ exitReason: 'take_profit', exitPrice: 105 });
  });

  it('a gap through the stop fills at the (worse) open', () => {
    const result = run([at(100), at(100), [90, 92, 88, 91], at(91)]);

    expect(result.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 90 });
  });

  it('a stop fill is slipped against the trader like any market order', () => {
    const result = run(
      [at(100), at(100), [100, 101, 94, 96], at(96)],
      { action: 'long', sl: { kind: 'price', value: 95 } },
      { slippageBps: 10 },
    );

    // entry 100 × 1.001 = 100.1; stop 95 (absolute) filled at 95 × 0.999 = 94.905
    expect(result.trades[0]!.exitPrice).toBeCloseTo(94.905, 10);
  });

  it('the candle the entry fills on is checked too, after the fill at its open', () => {
    const result = run([at(100), [100, 101, 94, 99], at(99)]);

    expect(result.trades[0]).toMatchObject({
      exitReason: 'stop_loss',
      exitPrice: 95,
      entryTime: T0 + HOUR,
      exitTime: T0 + HOUR,
      barsHeld: 0,
    });
  });

  it('an entry at a close is protected from the next candle on', () => {
    const result = run([[100, 100, 90, 100], [100, 101, 94, 99], at(99)], BRACKET, { fillOn: 'close' });

    // filled at close[0] = 100; candle 0's low of 90 came before the fill
    expect(result.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 95, exitTime: T0 + HOUR });
  });

  it('short: the stop sits above, the target below', () => {
    const short: StrategySignal = {
      action: 'short',
      sl: { kind: 'percent', value: 5 },
      tp: { kind: 'percent', value: 5 },
    };
    const stopped = run([at(100), at(100), [100, 106, 94, 100], at(100)], short);
    const target = run([at(100), at(100), [100, 101, 94, 100], at(100)], short);

    expect(stopped.trades[0]).toMatchObject({ side: 'short', exitReason: 'stop_loss', exitPrice: 105 });
    expect(target.trades[0]).toMatchObject({ side: 'short', exitReason: 'take_profit', exitPrice: 95 });
  });

  it('absolute levels are used as given', () => {
    const result = run([at(100), at(100), [100, 101, 97, 98], at(98)], {
      action: 'long',
      sl: { kind: 'price', value: 97.5 },
    });

    expect(result.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 97.5 });
  });

  it('percent levels are rounded to the price tick when one is configured', () => {
    const result = run(
      [at(100), at(100), [100, 101, 90, 98], at(98)],
      { action: 'long', sl: { kind: 'percent', value: 3.33 } },
      { priceStep: 0.5 },
    );

    // 100 × (1 − 0.0333) = 96.67 → 96.5
    expect(result.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 96.5 });
  });
});

describe('trailing stop (config.trailingPct)', () => {
  const LONG: StrategySignal = { action: 'long' };

  it("follows the best price; a candle's high moves the stop for the next candle", () => {
    // entry 100 → stop 90; candle 2 high 120 → stop 108; candle 3 low 107 → out at 108
    const result = run([at(100), at(100), [101, 120, 110, 115], [115, 116, 107, 110], at(110)], LONG, {
      trailingPct: 10,
    });

    expect(result.trades[0]).toMatchObject({ exitReason: 'trailing_stop', exitPrice: 108, exitTime: T0 + 3 * HOUR });
  });

  it('moves only in the trader’s favour', () => {
    // stop 108 after candle 2; candle 3 (high 115) leaves it there; candle 4 low 108.5 is above it
    const result = run(
      [at(100), at(100), [101, 120, 110, 115], [115, 115, 109, 110], [110, 111, 108.5, 110], [110, 110, 107, 107]],
      LONG,
      { trailingPct: 10 },
    );

    expect(result.trades[0]).toMatchObject({ exitReason: 'trailing_stop', exitPrice: 108, exitTime: T0 + 5 * HOUR });
  });

  it('does not fire on the candle whose high raised it (its low may have come first)', () => {
    // candle 2: high 120 raises the stop to 108, its low 105 is below 108 but above the old 90
    const result = run([at(100), at(100), [101, 120, 105, 115], at(115)], LONG, { trailingPct: 10 });

    expect(result.trades[0]).toMatchObject({ exitReason: 'end_of_data' });
  });

  it('a tighter fixed stop-loss wins over a looser trail', () => {
    const result = run(
      [at(100), at(100), [100, 101, 97, 98], at(98)],
      { action: 'long', sl: { kind: 'percent', value: 2 } },
      { trailingPct: 10 },
    );

    expect(result.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 98 });
  });

  it('short: trails the lowest price from above', () => {
    // entry 100 → stop 110; candle 2 low 80 → stop 88; candle 3 high 90 → out at 88
    const result = run(
      [at(100), at(100), [99, 100, 80, 85], [85, 90, 84, 89], at(89)],
      { action: 'short' },
      { trailingPct: 10 },
    );

    expect(result.trades[0]).toMatchObject({ side: 'short', exitReason: 'trailing_stop', exitPrice: 88 });
  });
});
