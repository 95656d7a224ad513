// The two-perpetual funding backtest on a small synthetic pair of series, every figure recomputed
// here by hand (the arithmetic is written next to each expectation). The first perpetual settles
// every 8 h, the hedge every 4 h: each projection runs over its own interval.
import type { Candles, FundingSeries } from '../../../../shared/core/backtest/types';
import { runTwoPerpBacktest, type TwoPerpConfig } from '../../../../shared/core/funding/two-perp-backtest';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** 8 candles of 4 h from T0, opens as given, each close the next open (the last close given). */
function candles(opens: number[], lastClose: number): Candles {
  const n = opens.length;
  return {
    time: Float64Array.from(opens, (_, i) => T0 + i * 4 * H),
    open: Float64Array.from(opens),
    high: Float64Array.from(opens, (o) => o + 1),
    low: Float64Array.from(opens, (o) => o - 1),
    close: Float64Array.from(opens, (_, i) => (i + 1 < n ? opens[i + 1]! : lastClose)),
    volume: new Float64Array(n).fill(1),
  };
}

/** Rates settled at T0 + hours[i] h. */
const series = (hours: number[], rates: number[]): FundingSeries => ({
  time: Float64Array.from(hours, (h) => T0 + h * H),
  rate: Float64Array.from(rates),
});

const A_HOURS = [-16, -8, 0, 8, 16, 24]; // every 8 h; two before the first candle
const B_HOURS = [-8, -4, 0, 4, 8, 12, 16, 20, 24, 28]; // every 4 h

const base: TwoPerpConfig = {
  mode: 'always-in',
  initialCapital: '10000',
  notional: '1000',
  perpFeeBps: '5',
  hedgeFeeBps: '4',
  slippageBps: '2',
  exitCostBps: '1',
  marginBps: '0',
  lookback: 2,
  horizonMs: 24 * H,
  fundingIntervalMs: 8 * H,
  hedgeFundingIntervalMs: 4 * H,
};

describe('always-in: short the first perpetual, long the hedge, from the first open to the end', () => {
  // First perp opens 100…107 (last close 108); the hedge 0.5 above it throughout.
  const perp = candles([100, 101, 102, 103, 104, 105, 106, 107], 108);
  const hedge = candles([100.5, 101.5, 102.5, 103.5, 104.5, 105.5, 106.5, 107.5], 108.5);
  const report = runTwoPerpBacktest(
    perp,
    series(
      A_HOURS,
      A_HOURS.map(() => 0.0003),
    ),
    series(
      B_HOURS,
      B_HOURS.map(() => 0.0001),
    ),
    base,
    hedge,
  );

  it('each leg’s funding at its own settlements, at its own open of the candle holding it', () => {
    // amount = 1000 / 100 = 10. Short perp receives 10 × 0.0003 × (100 + 102 + 104 + 106) (settlements
    // at 0, 8, 16, 24 h: candles 0, 2, 4, 6) = 0.003 × 412 = 1.236. The long hedge pays 10 × 0.0001 ×
    // (100.5 + 101.5 + … + 107.5) (0, 4, …, 28 h: candles 0…7) = 0.001 × 832 = 0.832.
    expect(report.variant).toBe('two-perp');
    expect(report.perpFunding).toBe('1.236');
    expect(report.hedgeFunding).toBe('-0.832');
    expect(report.totalFunding).toBe('0.404');
    expect(report.trades[0]).toMatchObject({ perpSettlements: 4, hedgeSettlements: 8, amount: '10' });
    expect(report.settlementsHeld).toBe(12);
  });

  it('fees per leg, slippage on four fills, the exit cost, and the net', () => {
    // in: sell perp 100 × 0.9998 = 99.98, buy hedge 100.5 × 1.0002 = 100.5201
    // out at the last closes: buy perp 108 × 1.0002 = 108.0216, sell hedge 108.5 × 0.9998 = 108.4783
    // fees = 10 × (99.98 × 0.0005 + 100.5201 × 0.0004 + 108.0216 × 0.0005 + 108.4783 × 0.0004)
    //      = 0.4999 + 0.402080 4 + 0.540108 + 0.433913 2 = 1.876 001 6
    expect(report.totalFees).toBe('1.8760016');
    // slippage = 10 × 0.0002 × (100 + 100.5 + 108 + 108.5) = 0.834
    expect(report.totalSlippage).toBe('0.834');
    // exit cost = 10 × 108 × 0.0001 = 0.108
    expect(report.totalExitCost).toBe('0.108');
    // legs: (99.98 − 108.0216) × 10 + (108.4783 − 100.5201) × 10 = −80.416 + 79.582 = −0.834 (the slippage)
    // net = −0.834 + 0.404 − 1.8760016 − 0.108 = −2.4140016
    expect(report.netPnl).toBe('-2.4140016');
    expect(report.trades[0]?.pnl).toBe('-2.4140016');
    expect(report.finalEquity).toBe('9997.5859984');
    expect(report.trades[0]).toMatchObject({ side: 'short-perp', exitReason: 'end of data' });
    expect(report.timeInMarketPct).toBe(100);
  });
});

describe('decision-driven: decideTwoPerpEntry / decideTwoPerpExit on the spread of the two projections', () => {
  // Flat prices (perp 100, hedge 101): the legs' P&L is the slippage alone.
  const perp = candles([100, 100, 100, 100, 100, 100, 100, 100], 100);
  const hedge = candles([101, 101, 101, 101, 101, 101, 101, 101], 101);
  const aRates = [0.001, 0.001, 0.001, 0.004, 0.001, -0.002];
  const bRates = B_HOURS.map(() => 0.0001);
  const config: TwoPerpConfig = { ...base, mode: 'decision' };
  const run = (a = aRates, b = bRates) =>
    runTwoPerpBacktest(perp, series(A_HOURS, a), series(B_HOURS, b), config, hedge);
  const report = run();

  it('decides at every settlement of either leg from each leg’s own projection', () => {
    // cost = 2 × (5 + 4) + 4 × 2 + 1 = 27 bps. Hedge: mean 0.0001 × (24 h / 4 h = 6) × 10 000 = 6 bps.
    // First perp: mean of the last 2 × (24 h / 8 h = 3) × 10 000:
    //   0 h: (0.001 + 0.001) / 2 × 3 = 30 bps, spread 24 < 27: stay out (and at 4 h, when only the hedge settles)
    //   8 h: (0.001 + 0.004) / 2 × 3 = 75 bps, spread 69 > 27: enter short-perp, filled at the 12 h open
    //   12 h, 16 h ((0.004 + 0.001) / 2 × 3 = 75), 20 h: hold, 69 bps held
    //   24 h: (0.001 − 0.002) / 2 × 3 = −15 bps, spread −21: exit, filled at the 28 h open
    //   28 h: flat again, |−21| < 27: stay out
    expect(report.decisions.map((d) => [(d.time - T0) / H, d.action, d.perpBps, d.hedgeBps, d.spreadBps])).toEqual([
      [0, 'stay-out', '30', '6', '24'],
      [4, 'stay-out', '30', '6', '24'],
      [8, 'enter', '75', '6', '69'],
      [12, 'hold', '75', '6', '69'],
      [16, 'hold', '75', '6', '69'],
      [20, 'hold', '75', '6', '69'],
      [24, 'exit', '-15', '6', '-21'],
      [28, 'stay-out', '-15', '6', '-21'],
    ]);
    expect(report.decisions[2]).toMatchObject({ costBps: '27', edgeBps: '42' });
    expect(report.trades).toHaveLength(1);
    expect(report.trades[0]).toMatchObject({
      side: 'short-perp',
      entryTime: T0 + 12 * H,
      exitTime: T0 + 28 * H,
      exitReason: 'projected funding spread turned against the pair',
    });
  });

  it('pays what was settled while held, at each leg’s own times, and nets fees, slippage and exit cost', () => {
    // amount 1000 / 100 = 10. Held from the 12 h open to the 28 h open: first perp settles at 16 h and 24 h:
    // the short receives 10 × 100 × (0.001 − 0.002) = −1; the hedge at 12, 16, 20, 24 h: the long pays
    // 10 × 101 × 0.0001 × 4 = 0.404. Fills: 99.98 / 101.0202 in, 100.02 / 100.9798 out:
    // fees 10 × ((99.98 + 100.02) × 0.0005 + (101.0202 + 100.9798) × 0.0004) = 10 × (0.1 + 0.0808) = 1.808;
    // slippage 10 × 0.0002 × (100 + 101) × 2 = 0.804; exit cost 10 × 100 × 0.0001 = 0.1;
    // net = −0.804 − 1 − 0.404 − 1.808 − 0.1 = −4.116
    expect(report.trades[0]).toMatchObject({
      perpFunding: '-1',
      hedgeFunding: '-0.404',
      funding: '-1.404',
      fees: '1.808',
      slippage: '0.804',
      exitCost: '0.1',
      pnl: '-4.116',
      perpSettlements: 2,
      hedgeSettlements: 4,
    });
    expect(report.netPnl).toBe('-4.116');
    expect(report.finalEquity).toBe('9995.884');
    expect(report.timeInMarketMs).toBe(16 * H);
  });

  it('no look-ahead: rates settled after t change nothing decided at or before t', () => {
    // Every rate after 8 h replaced by wild values: the decisions up to 8 h (the entry included) are the same.
    const wildA = aRates.map((r, i) => (A_HOURS[i]! > 8 ? 0.05 * (i % 2 ? 1 : -1) : r));
    const wildB = bRates.map((r, i) => (B_HOURS[i]! > 8 ? -0.03 : r));
    const wild = run(wildA, wildB);
    const upTo8 = (r: typeof report) => r.decisions.filter((d) => d.time <= T0 + 8 * H);
    expect(upTo8(wild)).toEqual(upTo8(report));
    expect(upTo8(report)).toHaveLength(3);
    expect(wild.trades[0]?.entryTime).toBe(T0 + 12 * H);
    // …while later decisions do see them (the test would be blind otherwise)
    expect(wild.decisions.filter((d) => d.time > T0 + 8 * H)).not.toEqual(
      report.decisions.filter((d) => d.time > T0 + 8 * H),
    );
    // and the rate settled AT 8 h is used by the decision at 8 h (≤ t): 0.004 moved the projection to 75
    const noSpike = run(aRates.map((r, i) => (A_HOURS[i] === 8 ? 0.001 : r)));
    expect(noSpike.decisions[2]).toMatchObject({ action: 'stay-out', perpBps: '30' });
  });

  it('the hedge paying more: long the first perpetual, short the hedge', () => {
    // Roles swapped: first perp 0.0001 every 8 h (3 bps), hedge 0.003 every 4 h (0.003 × 6 = 180 bps):
    // spread −177, beyond the 27 bps cost: long-perp at the first decision (0 h), filled at the 4 h open.
    const r = run(
      A_HOURS.map(() => 0.0001),
      B_HOURS.map(() => 0.003),
    );
    expect(r.decisions[0]).toMatchObject({ action: 'enter', perpBps: '3', hedgeBps: '180', spreadBps: '-177' });
    const t = r.trades[0]!;
    // The horizon (24 h from the 4 h entry) ends at the 28 h decision; no candle is left to fill the exit.
    expect(r.decisions.at(-1)).toMatchObject({ time: T0 + 28 * H, action: 'exit', heldBps: '177' });
    expect(t).toMatchObject({ side: 'long-perp', entryTime: T0 + 4 * H, exitReason: 'end of data' });
    // Held from the 4 h open to the end: the short hedge receives 10 × 101 × 0.003 = 3.03 at 4, 8, …, 28 h
    // (7 × 3.03 = 21.21); the long perp pays 10 × 100 × 0.0001 = 0.1 at 8, 16, 24 h (−0.3).
    expect(t).toMatchObject({ hedgeSettlements: 7, hedgeFunding: '21.21', perpSettlements: 3, perpFunding: '-0.3' });
  });
});

describe('bad input names the field and the bound', () => {
  const perp = candles([100, 101, 102, 103, 104, 105, 106, 107], 108);
  const a = series(
    A_HOURS,
    A_HOURS.map(() => 0.0003),
  );
  const b = series(
    B_HOURS,
    B_HOURS.map(() => 0.0001),
  );
  it('refuses misaligned hedge candles, an empty hedge series, a bad interval or fee', () => {
    const shifted = { ...perp, time: perp.time.map((t) => t + 1) };
    expect(() => runTwoPerpBacktest(perp, a, b, base, shifted)).toThrow(/hedge candles must have the same open times/);
    expect(() => runTwoPerpBacktest(perp, a, series([], []), base)).toThrow(
      /hedge funding series must hold at least 1 rate/,
    );
    expect(() => runTwoPerpBacktest(perp, a, b, { ...base, hedgeFundingIntervalMs: 0 })).toThrow(
      /hedgeFundingIntervalMs must be > 0, got 0/,
    );
    expect(() => runTwoPerpBacktest(perp, a, b, { ...base, hedgeFundingIntervalMs: 48 * H })).toThrow(
      /horizonMs must be ≥ hedgeFundingIntervalMs/,
    );
    expect(() => runTwoPerpBacktest(perp, a, b, { ...base, hedgeFeeBps: '-1' })).toThrow(/otherFeeBps must be ≥ 0 bps/);
    expect(() => runTwoPerpBacktest(perp, a, b, { ...base, notional: 'x' })).toThrow(/notional must be > 0, got x/);
  });
});
