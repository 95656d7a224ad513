// runBacktest with sliced entries (docs/EXECUTION-ALGOS.md "Backtest"): TWAP slices at the opens due
// after the fill, amounts stepped down with the last taking the rest, the amount-weighted entry, an
// exit before the last slice cancelling the rest, adaptive's volume-participation model, and the
// bounds an AlgoSpec is held to. Hand-computed on tiny candle series; costs are zero unless a test
// says otherwise.
import { runBacktest } from '../../../../shared/core/backtest/engine';
import { twapLots } from '../../../../shared/core/backtest/slicing';
import type { AlgoSpec } from '../../../../shared/core/signal/algo';
import type { StrategySignal } from '../../../../shared/core/strategies/types';
import { HOUR, T0, at, candles, config, scripted, type Row } from './helpers';

const TWAP_4H: AlgoSpec = { kind: 'twap', horizonMs: 4 * HOUR, intervalMs: HOUR };
const LONG: StrategySignal = { action: 'long' };
const CLOSE: StrategySignal = { action: 'close_all' };

// Opens rise 10 a candle from candle 2 on, so each fill price tells which open it was.
const RISING: Row[] = [at(100), at(100), at(110), at(120), at(130), at(140), at(150)];

describe('TWAP slices', () => {
  it('fills slice k at the open of the candle at or after fill + k × interval; the last takes the rest', () => {
    const result = runBacktest(
      candles(RISING),
      scripted({ 0: LONG }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, algo: TWAP_4H }),
    );

    // Sized once as unsliced: 1000 / 100 = 10 units. Slices: 10/4 → 2 @ 100 (candle 1), 8/3 → 2 @ 110,
    // 6/2 → 3 @ 120, the rest 3 @ 130. Average (200 + 220 + 360 + 390) / 10 = 117.
    expect(result.trades).toEqual([
      expect.objectContaining({
        side: 'long',
        entryTime: T0 + HOUR,
        entryPrice: 117,
        quantity: 10,
        exitReason: 'end_of_data',
        exitPrice: 150,
        pnl: 330,
        slices: { kind: 'twap', filled: 4, total: 4, outcome: 'completed', sizedQuantity: 10, unslicedPrice: 100 },
      }),
    ]);
    // cash + filled × (close − average entry): 2 @ 100, 4 @ 105, 7 @ 780/7, then 10 @ 117.
    expect(Array.from(result.equity)).toEqual([2000, 2000, 2020, 2060, 2130, 2230, 2330]);
    // 117 against one fill of 10 at the first open (100): 1,700 bps dearer.
    expect(result.slicing).toEqual({ sliced: 1, completed: 1, cancelled: 0, capped: 0, avgCostBps: 1700 });
  });

  it('each slice pays the slippage and taker fee on its own amount', () => {
    const result = runBacktest(
      candles(RISING),
      scripted({ 0: LONG }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, algo: TWAP_4H, slippageBps: 100, takerFee: 0.001 }),
    );

    // Sized at 100 × 1.01 = 101: 1000 / 101 = 9.9 → 9 units.
    // Slices 9/4 → 2 @ 101, 7/3 → 2 @ 111.1, 5/2 → 2 @ 121.2, the rest 3 @ 131.3.
    const fills = [
      [2, 101],
      [2, 111.1],
      [2, 121.2],
      [3, 131.3],
    ];
    const [trade] = result.trades;
    const notional = fills.reduce((sum, [q, p]) => sum + q! * p!, 0);
    expect(trade!.quantity).toBe(9);
    expect(trade!.entryPrice).toBeCloseTo(notional / 9, 9);
    // entry fees on every slice, exit fee on 9 units sold at 150 × 0.99
    expect(trade!.fees).toBeCloseTo(notional * 0.001 + 9 * 148.5 * 0.001, 9);
    expect(trade!.slices).toEqual(expect.objectContaining({ filled: 4, sizedQuantity: 9, unslicedPrice: 101 }));
  });

  it('several slices due within one candle fill together at its open (an interval shorter than the candle)', () => {
    const spec: AlgoSpec = { kind: 'twap', horizonMs: HOUR, intervalMs: 15 * 60_000 };
    const result = runBacktest(
      candles(RISING),
      scripted({ 0: LONG }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, algo: spec }),
    );

    // slice 0: 10/4 → 2 @ 100 (candle 1 opens at T0 + 1 h); slices 1–3 (due 1:15, 1:30, 1:45) all
    // fill at candle 2's open (2:00), the last of them taking the rest: 8 @ 110. (200 + 880) / 10 = 108.
    expect(result.trades[0]).toEqual(
      expect.objectContaining({
        entryPrice: 108,
        quantity: 10,
        slices: expect.objectContaining({ filled: 4, total: 4 }),
      }),
    );
    expect(Array.from(result.equity).slice(0, 3)).toEqual([2000, 2000, 2020]);
  });

  it('a TWAP share below the market minimum sends everything left at once, as the executor does', () => {
    const result = runBacktest(
      candles(RISING),
      scripted({ 0: LONG }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, minNotional: 250, algo: TWAP_4H }),
    );

    // 10 units; the minimum is ⌈250 / 100⌉ = 3 units at 100. The share ⌊10 / 4⌋ = 2 is below it, so
    // the first slice takes all 10 @ 100 and the entry completes after 1 of 4 slices
    // (execution/algo/slice-sizing.ts twapShareLots, the executor's rule).
    expect(result.trades[0]).toEqual(
      expect.objectContaining({
        quantity: 10,
        entryPrice: 100,
        slices: expect.objectContaining({ filled: 1, total: 4, outcome: 'completed' }),
      }),
    );
  });

  it("a slice the free margin cannot carry is cut to what fits: the entry ends 'capped'", () => {
    // 100 % of 1,000 at 1×: 10 units sized. After 7 units (780) the equity at 130 is 1,130, of which
    // 780 is margin: 350 carries 2 units, not 3.
    const result = runBacktest(candles(RISING), scripted({ 0: LONG }), {}, config({ algo: TWAP_4H }));

    expect(result.trades[0]).toEqual(
      expect.objectContaining({
        quantity: 9,
        entryPrice: (200 + 220 + 360 + 260) / 9,
        slices: expect.objectContaining({ filled: 4, outcome: 'capped', sizedQuantity: 10 }),
      }),
    );
    expect(result.slicing).toEqual(expect.objectContaining({ sliced: 1, capped: 1 }));
  });

  it('a signal carrying algo is sliced without a config algo; a signal without one is not', () => {
    const sliced: StrategySignal = { action: 'long', algo: TWAP_4H };
    const result = runBacktest(
      candles([...RISING, at(150), at(150)]),
      scripted({ 0: sliced, 5: CLOSE, 6: LONG }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 } }),
    );

    expect(result.trades.map((t) => t.slices?.filled)).toEqual([4, undefined]);
    // out at candle 6's open (150): 2000 + 10 × 33 = 2330; half of it at 150 → 7 units, one fill
    expect(result.trades[1]).toEqual(expect.objectContaining({ entryPrice: 150, quantity: 7 }));
    expect(result.slicing).toEqual(expect.objectContaining({ sliced: 1 }));
  });
});

describe('sliceAboveQuote: the config algo slices only entries above a notional, as an account threshold', () => {
  it('an entry at or below it fills at once; one above it is sliced', () => {
    const result = runBacktest(
      candles([...RISING, at(150), at(150)]),
      scripted({ 0: LONG, 5: CLOSE, 6: LONG }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, algo: TWAP_4H, sliceAboveQuote: 1_000 }),
    );

    // 10 × 100 = 1,000 is not above 1,000: one fill. Out at 150 (cash 2,500); 1,250 / 150 → 8 units,
    // 1,200 > 1,000: sliced, 8/4 → 2 at candle 7, 6/3 → 2 at candle 8, then the data ends.
    expect(result.trades[0]).toEqual(expect.objectContaining({ quantity: 10, entryPrice: 100 }));
    expect(result.trades[0]).not.toHaveProperty('slices');
    expect(result.trades[1]).toEqual(
      expect.objectContaining({
        quantity: 4,
        slices: expect.objectContaining({ filled: 2, total: 4, outcome: 'cancelled', sizedQuantity: 8 }),
      }),
    );
  });

  it("a signal's own algo slices whatever its size", () => {
    const result = runBacktest(
      candles(RISING),
      scripted({ 0: { action: 'long', algo: TWAP_4H } }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, algo: TWAP_4H, sliceAboveQuote: 5_000 }),
    );
    expect(result.trades[0]!.slices).toEqual(expect.objectContaining({ filled: 4, sizedQuantity: 10 }));
  });

  it('needs an algo and a positive amount', () => {
    expect(() => runBacktest(candles(RISING), scripted({}), {}, config({ sliceAboveQuote: 100 }))).toThrow(
      'backtest config: sliceAboveQuote applies with algo only',
    );
    expect(() => runBacktest(candles(RISING), scripted({}), {}, config({ algo: TWAP_4H, sliceAboveQuote: 0 }))).toThrow(
      'backtest config: sliceAboveQuote must be > 0 (got 0)',
    );
  });
});

describe('an exit before the last slice cancels the rest', () => {
  it('a close signal: the filled slices close, nothing more fills', () => {
    const seen = { bars: [], positions: [] };
    const result = runBacktest(
      candles(RISING),
      scripted({ 0: LONG, 2: CLOSE }, seen),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, algo: TWAP_4H }),
    );

    // 2 @ 100 and 2 @ 110, closed at candle 3's open (120) before slice 2 would have filled there.
    expect(result.trades).toEqual([
      expect.objectContaining({
        quantity: 4,
        entryPrice: 105,
        exitPrice: 120,
        exitTime: T0 + 3 * HOUR,
        pnl: 60,
        slices: expect.objectContaining({ filled: 2, total: 4, outcome: 'cancelled', sizedQuantity: 10 }),
      }),
    ]);
    expect(seen.positions).toEqual(['flat', 'long', 'long', 'flat', 'flat', 'flat', 'flat']);
    expect(Array.from(result.equity).slice(3)).toEqual([2060, 2060, 2060, 2060]);
    expect(result.slicing).toEqual(expect.objectContaining({ cancelled: 1, completed: 0 }));
  });

  it('a stop-loss: it covers the filled amount only and cancels the slices left', () => {
    const rows: Row[] = [at(100), at(100), [100, 101, 94, 99], at(99), at(99), at(99)];
    const result = runBacktest(
      candles(rows),
      scripted({ 0: { action: 'long', sl: { kind: 'percent', value: 5 } } }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, algo: TWAP_4H }),
    );

    // slice 0: 2 @ 100 (stop 95); slice 1: 2 @ 100 at candle 2's open; its low 94 stops 4 units at 95.
    expect(result.trades).toEqual([
      expect.objectContaining({
        quantity: 4,
        exitReason: 'stop_loss',
        exitPrice: 95,
        pnl: -20,
        slices: expect.objectContaining({ filled: 2, outcome: 'cancelled' }),
      }),
    ]);
    expect(result.metrics.finalEquity).toBe(1980);
  });

  it('a reverse: the long closes with its slices cancelled and the short is sliced anew', () => {
    const result = runBacktest(
      candles(RISING),
      scripted({ 0: LONG, 1: { action: 'short' } }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, algo: TWAP_4H }),
    );

    // long 2 @ 100, reversed at candle 2's open 110 (+20): cash 2,020, short sized 1,010 / 110 → 9.
    expect(result.trades[0]).toEqual(
      expect.objectContaining({
        side: 'long',
        quantity: 2,
        exitReason: 'reverse',
        slices: expect.objectContaining({ filled: 1, outcome: 'cancelled' }),
      }),
    );
    expect(result.trades[1]).toEqual(
      expect.objectContaining({ side: 'short', slices: expect.objectContaining({ sizedQuantity: 9, total: 4 }) }),
    );
  });
});

describe('adaptive: a volume-participation model (no order book in candles)', () => {
  const ADAPTIVE: AlgoSpec = { kind: 'adaptive', horizonMs: 4 * HOUR, intervalMs: HOUR };
  const withVolume = (volume: number): Row[] => RISING.map((r) => [r[0], r[1], r[2], r[3], volume]);

  it('each slice takes at most 10 % of its candle volume, the remainder carried to the next', () => {
    const result = runBacktest(
      candles(withVolume(30)),
      scripted({ 0: LONG }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, algo: ADAPTIVE }),
    );

    // 10 sized; cap 3 a slice: 3 @ 100, 3 @ 110, 3 @ 120, the last 1 @ 130.
    expect(result.trades[0]).toEqual(
      expect.objectContaining({
        quantity: 10,
        entryPrice: (300 + 330 + 360 + 130) / 10,
        slices: expect.objectContaining({ kind: 'adaptive', filled: 4, outcome: 'completed' }),
      }),
    );
  });

  it("what the cap leaves after the last slice stays unfilled ('capped'); a deep candle finishes early", () => {
    const thin = runBacktest(
      candles(withVolume(20)),
      scripted({ 0: LONG }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, algo: ADAPTIVE }),
    );
    expect(thin.trades[0]).toEqual(
      expect.objectContaining({ quantity: 8, slices: expect.objectContaining({ filled: 4, outcome: 'capped' }) }),
    );

    const deep = runBacktest(
      candles(withVolume(1_000)),
      scripted({ 0: LONG }),
      {},
      config({ cash: 2_000, size: { kind: 'percent', value: 50 }, algo: ADAPTIVE }),
    );
    expect(deep.trades[0]).toEqual(
      expect.objectContaining({
        quantity: 10,
        entryPrice: 100,
        slices: expect.objectContaining({ filled: 1, outcome: 'completed' }),
      }),
    );
  });

  it('with the volume-slippage model on, maxSlippageBps bounds the share a slice takes', () => {
    // 2 bps per 1 % of the volume taken, at most 10 bps: 5 % of 100 = 5 units a slice at +10 bps.
    const result = runBacktest(
      candles(withVolume(100)),
      scripted({ 0: LONG }),
      {},
      config({
        cash: 2_000,
        size: { kind: 'percent', value: 50 },
        volumeSlippageBpsPerPct: 2,
        algo: { ...ADAPTIVE, maxSlippageBps: 10 },
      }),
    );

    // unsliced: 1000 / 100 = 10 units, 10 % of the volume: 100 × (1 + 20 bps) = 100.2.
    // Slices: 5 @ 100 × (1 + 10 bps) = 100.1, then 5 @ 110 × 1.001 = 110.11.
    const [trade] = result.trades;
    expect(trade!.quantity).toBe(10);
    expect(trade!.entryPrice).toBeCloseTo((5 * 100.1 + 5 * 110.11) / 10, 9);
    expect(trade!.slices).toEqual(expect.objectContaining({ filled: 2, outcome: 'completed', sizedQuantity: 10 }));
    expect(trade!.slices!.unslicedPrice).toBeCloseTo(100.2, 9);
  });
});

describe('twapLots', () => {
  it('splits the remaining lots by the slices left, rounding down; the last takes the rest', () => {
    expect([twapLots(10, 4, 1, 1), twapLots(8, 3, 1, 1), twapLots(6, 2, 1, 1), twapLots(3, 1, 1, 1)]).toEqual([
      2, 2, 3, 3,
    ]);
    // a group of slices due together takes each one's share in turn
    expect(twapLots(10, 4, 2, 1)).toBe(4);
    expect(twapLots(10, 4, 4, 1)).toBe(10);
  });

  it('never below the minimum: an entry too small for its slices goes at once', () => {
    expect(twapLots(3, 5, 1, 1)).toBe(3); // ⌊3 / 5⌋ = 0 lots: everything now
    expect(twapLots(10, 4, 1, 3)).toBe(10); // ⌊10 / 4⌋ = 2 < 3
    expect(twapLots(2, 4, 3, 1)).toBe(2);
    expect(twapLots(11, 3, 1, 3)).toBe(3); // 3, leaving 8
    expect(twapLots(8, 2, 1, 5)).toBe(8); // 4 < 5: everything now
    expect(twapLots(11, 3, 3, 3)).toBe(11); // three due together: 3, 4, then the last takes 4
  });
});

describe('bounds (ALGO_BOUNDS), named with the field', () => {
  const run = (algo: AlgoSpec, onSignal = false) =>
    runBacktest(
      candles(RISING),
      scripted({ 0: onSignal ? { action: 'long', algo } : LONG }),
      {},
      config(onSignal ? {} : { algo }),
    );

  it('refuses an interval under 10 s, a horizon over 24 h and a slice count outside 2..100', () => {
    expect(() => run({ kind: 'twap', horizonMs: HOUR, intervalMs: 5_000 })).toThrow(
      'backtest config: algo.intervalMs must be ≥ 10000 ms (ALGO_BOUNDS.minIntervalMs; got 5000)',
    );
    expect(() => run({ kind: 'twap', horizonMs: 25 * HOUR, intervalMs: HOUR })).toThrow(
      /algo\.horizonMs must be > 0 and ≤ 86400000 ms \(ALGO_BOUNDS\.maxHorizonMs/,
    );
    expect(() => run({ kind: 'twap', horizonMs: HOUR, intervalMs: HOUR })).toThrow(
      /algo\.horizonMs over the interval makes 1 slice\(s\); must make 2 to 100/,
    );
    expect(() => run({ kind: 'twap', horizonMs: 24 * HOUR, intervalMs: 10_000 })).toThrow(/makes 8640 slice\(s\)/);
    expect(() => run({ kind: 'adaptive', horizonMs: 2 * HOUR, intervalMs: HOUR, maxSlippageBps: 0 })).toThrow(
      /algo\.maxSlippageBps must be > 0/,
    );
  });

  it("a strategy signal's algo is held to the same bounds", () => {
    expect(() => run({ kind: 'twap', horizonMs: HOUR, intervalMs: 1_000 }, true)).toThrow(
      'strategy signal: algo.intervalMs must be ≥ 10000 ms',
    );
  });

  it('refuses a participation outside (0, 100]', () => {
    expect(() => runBacktest(candles(RISING), scripted({}), {}, config({ participationPct: 0 }))).toThrow(
      'backtest config: participationPct must be in (0, 100] (got 0)',
    );
  });
});

describe('unsliced entries are untouched', () => {
  it('no algo: one fill at the next open, no slices, no summary', () => {
    const result = runBacktest(candles(RISING), scripted({ 0: LONG }), {}, config());

    expect(result.trades).toEqual([expect.objectContaining({ entryPrice: 100, quantity: 10 })]);
    expect(result.trades[0]).not.toHaveProperty('slices');
    expect(result).not.toHaveProperty('slicing');
  });
});
