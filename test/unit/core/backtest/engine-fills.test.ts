// runBacktest: when and at what price signals fill (next open vs close), the live executor's leg
// semantics (reverse, no pyramiding, matching closes, long-only), sizing and lot rounding, skipped
// entries and the end-of-data close. Costs are zero here unless a test says otherwise.
import { runBacktest } from '../../../../shared/core/backtest/engine';
import type { StrategySignal } from '../../../../shared/core/strategies/types';
import { HOUR, T0, at, candles, config, scripted, type Row } from './helpers';

const LONG: StrategySignal = { action: 'long' };
const SHORT: StrategySignal = { action: 'short' };
const CLOSE_LONG: StrategySignal = { action: 'close_long' };

// Opens and closes differ so a fill price tells which one was used.
const ROWS: Row[] = [
  [100, 100, 100, 100],
  [110, 112, 108, 111],
  [120, 121, 119, 120],
  [130, 131, 129, 130],
  [126, 127, 124, 125],
];

describe('fill timing', () => {
  it("next_open: a signal on candle i fills at candle i+1's open", () => {
    const result = runBacktest(candles(ROWS), scripted({ 0: LONG, 2: CLOSE_LONG }), {}, config());

    // 1000 / 110 = 9.09 → 9 units at 110; out at open[3] = 130: 9 × 20 = 180.
    expect(result.trades).toEqual([
      expect.objectContaining({
        side: 'long',
        entryPrice: 110,
        entryTime: T0 + HOUR,
        exitPrice: 130,
        exitTime: T0 + 3 * HOUR,
        quantity: 9,
        pnl: 180,
        exitReason: 'signal',
        barsHeld: 2,
      }),
    ]);
    // cash + unrealized at each close: 1000, 1000 + 9 × (111 − 110), 1000 + 9 × (120 − 110), 1180, 1180
    expect(Array.from(result.equity)).toEqual([1000, 1009, 1090, 1180, 1180]);
  });

  it("close: a signal on candle i fills at candle i's close", () => {
    const result = runBacktest(candles(ROWS), scripted({ 0: LONG, 2: CLOSE_LONG }), {}, config({ fillOn: 'close' }));

    // 1000 / 100 = 10 units at 100; out at close[2] = 120: 10 × 20 = 200.
    expect(result.trades).toEqual([
      expect.objectContaining({
        entryPrice: 100,
        entryTime: T0,
        exitPrice: 120,
        exitTime: T0 + 2 * HOUR,
        quantity: 10,
        pnl: 200,
        barsHeld: 2,
      }),
    ]);
    expect(Array.from(result.equity)).toEqual([1000, 1110, 1200, 1200, 1200]);
  });

  it('a signal on the last candle has no next open to fill at: it is dropped', () => {
    const result = runBacktest(candles(ROWS), scripted({ 4: LONG }), {}, config());

    expect(result.trades).toHaveLength(0);
    expect(result.metrics.finalEquity).toBe(1000);
  });

  it('the strategy sees the position after the candle, and each candle once, in order', () => {
    const seen = { bars: [], positions: [] };
    runBacktest(candles(ROWS), scripted({ 0: LONG, 2: CLOSE_LONG }, seen), {}, config());

    expect(seen.positions).toEqual(['flat', 'long', 'long', 'flat', 'flat']);
    expect(seen.bars.map((b: { time: number; close: number }) => [b.time, b.close])).toEqual(
      ROWS.map((r, i) => [T0 + i * HOUR, r[3]]),
    );
  });
});

describe('leg semantics (as the live executor plans them)', () => {
  it('a short signal while long closes the long (reverse) and opens a short sized at the fill, after the close', () => {
    const result = runBacktest(candles(ROWS), scripted({ 0: LONG, 2: SHORT }), {}, config());

    // Long 9 @110 closed at open[3] = 130: +180, cash 1180. The short is sized as the executor
    // sizes it: on the equity after that close, at the fill price: 1180 / 130 = 9.08 → 9 units.
    // (Sized on the signal candle's close equity, 1000 + 9 × (120 − 110) = 1090, it was 8.)
    // End of data at close[4] = 125: 9 × (130 − 125) = +45.
    expect(result.trades).toEqual([
      expect.objectContaining({ side: 'long', exitPrice: 130, pnl: 180, exitReason: 'reverse' }),
      expect.objectContaining({
        side: 'short',
        entryPrice: 130,
        quantity: 9,
        exitPrice: 125,
        pnl: 45,
        exitReason: 'end_of_data',
      }),
    ]);
    expect(result.metrics.finalEquity).toBe(1225);
  });

  it("longOnly turns 'short' into 'close_long': the long closes, nothing is sold short", () => {
    const result = runBacktest(candles(ROWS), scripted({ 0: LONG, 2: SHORT }), {}, config({ longOnly: true }));

    expect(result.trades).toEqual([expect.objectContaining({ side: 'long', exitPrice: 130, exitReason: 'signal' })]);
    expect(result.metrics.finalEquity).toBe(1180);
  });

  it('no pyramiding: a second long while long does nothing', () => {
    const result = runBacktest(candles(ROWS), scripted({ 0: LONG, 1: LONG, 2: CLOSE_LONG }), {}, config());

    expect(result.trades).toEqual([expect.objectContaining({ quantity: 9, entryPrice: 110 })]);
  });

  it('close_short leaves a long alone; close_all closes it', () => {
    const result = runBacktest(
      candles(ROWS),
      scripted({ 0: LONG, 1: { action: 'close_short' }, 2: { action: 'close_all' } }),
      {},
      config(),
    );

    expect(result.trades).toEqual([expect.objectContaining({ side: 'long', exitPrice: 130, exitReason: 'signal' })]);
  });

  it('a close with nothing to close is a no-op', () => {
    const result = runBacktest(candles(ROWS), scripted({ 0: CLOSE_LONG, 1: { action: 'close_all' } }), {}, config());

    expect(result.trades).toHaveLength(0);
    expect(Array.from(result.equity)).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it('an open position is closed at the last close with reason end_of_data', () => {
    const result = runBacktest(candles(ROWS), scripted({ 0: LONG }), {}, config());

    // 9 @110 → close[4] = 125: 9 × 15 = 135
    expect(result.trades).toEqual([
      expect.objectContaining({
        exitPrice: 125,
        exitTime: T0 + 4 * HOUR,
        pnl: 135,
        exitReason: 'end_of_data',
        barsHeld: 3,
      }),
    ]);
    expect(result.equity[4]).toBe(1135);
  });

  it('an absolute stop on the wrong side of the price refuses the whole signal, reverse included (as live)', () => {
    const result = runBacktest(
      candles(ROWS),
      scripted({ 0: SHORT, 2: { action: 'long', sl: { kind: 'price', value: 131 } } }),
      {},
      config(),
    );

    // The short (1000 / 110 → 9 @110) is not reversed at open[3] = 130: it runs to the end.
    expect(result.skipped).toEqual({ belowMinimum: 0, invalidStop: 1, noStop: 0 });
    expect(result.trades).toEqual([expect.objectContaining({ side: 'short', exitReason: 'end_of_data' })]);
  });
});

describe('sizing', () => {
  const rows: Row[] = [at(120), at(120), at(120)];

  it('rounds down to the lot step: whole units with lot 1, tenths with lot 0.1', () => {
    // 1000 / 120 = 8.333…
    const whole = runBacktest(candles(rows), scripted({ 0: LONG }), {}, config({ lotStep: 1 }));
    const tenths = runBacktest(candles(rows), scripted({ 0: LONG }), {}, config({ lotStep: 0.1 }));

    expect(whole.trades[0]?.quantity).toBe(8);
    expect(tenths.trades[0]?.quantity).toBe(8.3);
  });

  it('skips (and counts) an entry that rounds below the lot, without failing the run', () => {
    // 100 / 120 = 0.83 → 0 whole units
    const result = runBacktest(candles(rows), scripted({ 0: LONG }), {}, config({ cash: 100 }));

    expect(result.trades).toHaveLength(0);
    expect(result.skipped).toEqual({ belowMinimum: 1, invalidStop: 0, noStop: 0 });
  });

  it('skips an entry below the configured minimum notional', () => {
    // 8.3 × 120 = 996 < 1000
    const result = runBacktest(candles(rows), scripted({ 0: LONG }), {}, config({ lotStep: 0.1, minNotional: 1_000 }));

    expect(result.skipped?.belowMinimum).toBe(1);
  });

  it('100 % at 1× buys all the cash can pay for, fee included: amount × price × (1 + fee) ≤ cash', () => {
    const result = runBacktest(
      candles([at(100), at(100), at(100)]),
      scripted({ 0: LONG }),
      {},
      config({ takerFee: 0.001, lotStep: 0.001 }),
    );

    // 1000 / (100 × 1.001) = 9.99000999 → 9.99 (9.991 would cost 999.1 + 0.9991 = 1000.0991)
    const trade = result.trades[0]!;
    expect(trade.quantity).toBe(9.99);
    expect(trade.quantity * 100 * 1.001).toBeLessThanOrEqual(1000);
    // entry and exit fee 9.99 × 100 × 0.001 = 0.999 each: cash 1000 − 1.998
    expect(result.metrics.finalEquity).toBeCloseTo(998.002, 9);
    expect(Math.min(...result.equity)).toBeGreaterThan(0);
  });

  it('percent of equity as margin × leverage: 10 % of 1000 at 5× at 100 = 5 units', () => {
    const result = runBacktest(
      candles([at(100), at(100), at(100)]),
      scripted({ 0: LONG }),
      {},
      config({ size: { kind: 'percent', value: 10 }, leverage: 5 }),
    );

    expect(result.trades[0]?.quantity).toBe(5);
  });

  it('quote: fixed margin × leverage; contracts: fixed base units rounded down', () => {
    const quote = runBacktest(
      candles([at(100), at(100), at(100)]),
      scripted({ 0: LONG }),
      {},
      config({ size: { kind: 'quote', value: 200 }, leverage: 2 }),
    );
    const contracts = runBacktest(
      candles([at(100), at(100), at(100)]),
      scripted({ 0: LONG }),
      {},
      config({ size: { kind: 'contracts', value: 3.7 } }),
    );

    // 200 × 2 / 100 = 4; 3.7 → 3 whole units
    expect(quote.trades[0]?.quantity).toBe(4);
    expect(contracts.trades[0]?.quantity).toBe(3);
  });

  it('a fixed size larger than the cash can carry is capped to what it can', () => {
    const result = runBacktest(
      candles([at(100), at(100), at(100)]),
      scripted({ 0: LONG }),
      {},
      config({ size: { kind: 'contracts', value: 50 } }),
    );

    expect(result.trades[0]?.quantity).toBe(10);
  });

  it('risk: the loss at the stop is riskPct of equity; without a stop the entry is skipped', () => {
    const risk = { size: { kind: 'risk', value: 1 } } as const;
    const withStop = runBacktest(
      candles([at(100), at(100), at(100)]),
      scripted({ 0: { action: 'long', sl: { kind: 'percent', value: 2 } } }),
      {},
      config(risk),
    );
    const trailing = runBacktest(
      candles([at(100), at(100), at(100)]),
      scripted({ 0: LONG }),
      {},
      config({ ...risk, trailingPct: 5 }),
    );
    const none = runBacktest(candles([at(100), at(100), at(100)]), scripted({ 0: LONG }), {}, config(risk));

    // 1 % of 1000 = 10 lost over a 2-unit stop distance (100 → 98): 5 units; a 5 % trail: 10 / 5 = 2
    expect(withStop.trades[0]?.quantity).toBe(5);
    expect(trailing.trades[0]?.quantity).toBe(2);
    expect(none.trades).toHaveLength(0);
    expect(none.skipped?.noStop).toBe(1);
  });
});

describe('progress', () => {
  it('reports at most about every 1 % and ends with done = total', () => {
    const rows: Row[] = Array.from({ length: 1_000 }, () => at(100));
    const calls: [number, number][] = [];

    runBacktest(candles(rows), scripted({}), {}, config(), (done, total) => calls.push([done, total]));

    expect(calls.length).toBeLessThanOrEqual(101);
    expect(calls.length).toBeGreaterThanOrEqual(50);
    expect(calls[calls.length - 1]).toEqual([1000, 1000]);
    expect(calls.every(([done], i) => i === 0 || done > calls[i - 1]![0])).toBe(true);
  });
});

describe('config checks', () => {
  it.each([
    ['cash', { cash: 0 }],
    ['leverage', { leverage: 0 }],
    ['lotStep', { lotStep: -1 }],
    ['takerFee', { takerFee: Number.NaN }],
    ['trailingPct', { trailingPct: 0 }],
    ['funding', { funding: { time: Float64Array.from([2, 1]), rate: Float64Array.from([0, 0]) } }],
  ])('refuses a bad %s', (field, overrides) => {
    expect(() => runBacktest(candles(ROWS), scripted({}), {}, config(overrides))).toThrow(field);
  });
});
