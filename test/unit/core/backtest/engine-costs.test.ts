// runBacktest: fee, slippage, funding and liquidation arithmetic on hand-computed cases (the
// arithmetic is written beside each expectation).
import { runBacktest } from '../../../../shared/core/backtest/engine';
import type { FundingSeries } from '../../../../shared/core/backtest/types';
import type { StrategySignal } from '../../../../shared/core/strategies/types';
import { HOUR, T0, at, candles, config, scripted, type Row } from './helpers';

const LONG: StrategySignal = { action: 'long' };
const SHORT: StrategySignal = { action: 'short' };
const CLOSE: StrategySignal = { action: 'close_all' };

describe('taker fees and fixed slippage on market fills', () => {
  const rows: Row[] = [at(200), at(200), [210, 211, 209, 210], [220, 221, 219, 220], at(220)];
  const costs = config({
    cash: 10_000,
    takerFee: 0.001,
    makerFee: 0.0002,
    slippageBps: 10,
    lotStep: 0.001,
    size: { kind: 'percent', value: 50 },
  });

  it('long: buys 10 bps above the open, sells 10 bps below, pays 0.1 % on each notional', () => {
    const result = runBacktest(candles(rows), scripted({ 0: LONG, 2: CLOSE }), {}, costs);

    // entry: 200 × (1 + 0.001) = 200.2; size 10,000 × 50 % / 200.2 = 24.97502… → 24.975
    //   fee 24.975 × 200.2 × 0.001 = 4.999995
    // exit at open[3]: 220 × (1 − 0.001) = 219.78; fee 24.975 × 219.78 × 0.001 = 5.4890055
    // gross 24.975 × (219.78 − 200.2) = 489.0105; pnl 489.0105 − 4.999995 − 5.4890055 = 478.5214995
    const trade = result.trades[0]!;
    expect(trade.entryPrice).toBeCloseTo(200.2, 10);
    expect(trade.quantity).toBe(24.975);
    expect(trade.exitPrice).toBeCloseTo(219.78, 10);
    expect(trade.fees).toBeCloseTo(4.999995 + 5.4890055, 9);
    expect(trade.pnl).toBeCloseTo(478.5214995, 9);
    expect(result.metrics.finalEquity).toBeCloseTo(10_478.5214995, 9);
    expect(result.metrics.totalFees).toBeCloseTo(10.4890005, 9);
    // return on margin (1× → margin = notional 24.975 × 200.2 = 4999.995): 478.5215 / 4999.995
    expect(trade.returnPct).toBeCloseTo((478.5214995 / 4999.995) * 100, 9);
  });

  it('short: sells 10 bps below the open, buys back 10 bps above', () => {
    const result = runBacktest(candles(rows), scripted({ 0: SHORT, 2: CLOSE }), {}, costs);

    // entry 200 × 0.999 = 199.8; size 5,000 / 199.8 = 25.025… → 25.025; fee 25.025 × 199.8 × 0.001 = 4.999995
    // exit 220 × 1.001 = 220.22; fee 25.025 × 220.22 × 0.001 = 5.5110055
    // gross 25.025 × (199.8 − 220.22) = −511.0105; pnl −511.0105 − 4.999995 − 5.5110055 = −521.5215005
    const trade = result.trades[0]!;
    expect(trade.entryPrice).toBeCloseTo(199.8, 10);
    expect(trade.quantity).toBe(25.025);
    expect(trade.exitPrice).toBeCloseTo(220.22, 10);
    expect(trade.pnl).toBeCloseTo(-521.5215005, 9);
  });

  it('the equity curve marks the position at each close without the exit costs', () => {
    const result = runBacktest(candles(rows), scripted({ 0: LONG, 2: CLOSE }), {}, costs);

    // candle 1: cash 10,000 − 4.999995, unrealized 24.975 × (200 − 200.2) = −4.995
    expect(result.equity[1]).toBeCloseTo(10_000 - 4.999995 - 4.995, 9);
    // candle 2: unrealized 24.975 × (210 − 200.2) = 244.755
    expect(result.equity[2]).toBeCloseTo(10_000 - 4.999995 + 244.755, 9);
  });

  it('volume slippage adds bps per % of the candle volume taken', () => {
    const volumeRows: Row[] = [at(200), [200, 200, 200, 200, 1_000], at(200)];
    const result = runBacktest(
      candles(volumeRows),
      scripted({ 0: LONG }),
      {},
      { ...costs, volumeSlippageBpsPerPct: 2 },
    );

    // 24.975 of 1,000 = 2.4975 % → 4.995 bps extra: 200 × (1 + 0.001 + 0.0004995) = 200.2999
    expect(result.trades[0]!.entryPrice).toBeCloseTo(200.2999, 10);
  });

  it('a take-profit fills at its target as a resting limit: maker fee, no slippage', () => {
    const tpRows: Row[] = [at(100), at(100), [101, 112, 100, 111]];
    const result = runBacktest(
      candles(tpRows),
      scripted({ 0: { action: 'long', tp: { kind: 'percent', value: 10 } } }),
      {},
      config({
        takerFee: 0.001,
        makerFee: 0.0002,
        slippageBps: 10,
        lotStep: 0.001,
        size: { kind: 'percent', value: 50 },
      }),
    );

    // entry 100.1, size 500 / 100.1 = 4.995004… → 4.995; target 100.1 × 1.1 = 110.11
    // fees: 4.995 × 100.1 × 0.001 = 0.4999995 (taker) + 4.995 × 110.11 × 0.0002 = 0.10999989 (maker)
    const trade = result.trades[0]!;
    expect(trade.exitReason).toBe('take_profit');
    expect(trade.exitPrice).toBeCloseTo(110.11, 10);
    expect(trade.fees).toBeCloseTo(0.4999995 + 0.10999989, 9);
    expect(trade.pnl).toBeCloseTo(4.995 * (110.11 - 100.1) - 0.4999995 - 0.10999989, 9);
  });
});

describe('funding (perpetuals)', () => {
  // Four hourly candles; the position is open from open[1] to the end.
  const rows: Row[] = [at(100), [100, 101, 99, 100], [102, 103, 101, 102], [104, 105, 103, 104], [105, 106, 104, 105]];
  const funding: FundingSeries = {
    time: Float64Array.from([T0 - 8 * HOUR, T0 + HOUR + 17, T0 + 3 * HOUR, T0 + 9 * HOUR]),
    rate: Float64Array.from([0.5, 0.0001, -0.0002, 0.5]),
  };

  it('longs pay positive rates and receive negative ones, at the open of the candle holding the funding time', () => {
    const result = runBacktest(candles(rows), scripted({ 0: LONG }), {}, config({ funding }));

    // 10 units @100 from open[1]. Before the data and after it: nothing.
    // candle 1 (01:00:00.017): −(+1) × 10 × open[1] 100 × 0.0001 = −0.1
    // candle 3 (03:00):        −(+1) × 10 × open[3] 104 × −0.0002 = +0.208
    const trade = result.trades[0]!;
    expect(trade.funding).toBeCloseTo(-0.1 + 0.208, 12);
    // end of data at 105: 10 × 5 = 50, plus funding
    expect(trade.pnl).toBeCloseTo(50 + 0.108, 12);
    expect(result.metrics.totalFunding).toBeCloseTo(0.108, 12);
    expect(result.equity[1]).toBeCloseTo(1000 - 0.1, 12);
  });

  it('shorts receive positive rates and pay negative ones', () => {
    const result = runBacktest(candles(rows), scripted({ 0: SHORT }), {}, config({ funding }));

    // +1 × 10 × 100 × 0.0001 = +0.1; +1 × 10 × 104 × −0.0002 = −0.208
    expect(result.trades[0]!.funding).toBeCloseTo(0.1 - 0.208, 12);
  });

  it('a flat account pays nothing', () => {
    const result = runBacktest(candles(rows), scripted({}), {}, config({ funding }));

    expect(result.metrics.finalEquity).toBe(1000);
  });
});

describe('liquidation (isolated margin)', () => {
  // 10 % of 1,000 as margin at 10×: notional 1,000 → 10 units @100.
  // liquidation long = 100 × (1 − 1/10 + 0.005) = 90.5; short = 100 × (1 + 1/10 − 0.005) = 109.5
  const leveraged = config({
    leverage: 10,
    maintenanceMarginRate: 0.005,
    takerFee: 0.0004,
    size: { kind: 'percent', value: 10 },
  });

  it('a long whose candle trades through 90.5 is closed there and loses its whole margin plus fees', () => {
    const result = runBacktest(
      candles([at(100), at(100), [99, 99, 90, 92], at(92)]),
      scripted({ 0: LONG }),
      {},
      leveraged,
    );

    // price loss 10 × (90.5 − 100) = −95; forfeited maintenance margin 10 × 100 × 0.005 = 5 → −100 = the margin
    // fees: entry 10 × 100 × 0.0004 = 0.4, exit 10 × 90.5 × 0.0004 = 0.362, plus the forfeit 5
    const trade = result.trades[0]!;
    expect(trade).toMatchObject({ exitReason: 'liquidation', exitPrice: 90.5, exitTime: T0 + 2 * HOUR });
    expect(trade.fees).toBeCloseTo(0.4 + 0.362 + 5, 12);
    expect(trade.pnl).toBeCloseTo(-100 - 0.4 - 0.362, 12);
    expect(trade.returnPct).toBeCloseTo((-100.762 / 100) * 100, 10);
    expect(result.metrics.finalEquity).toBeCloseTo(1000 - 100.762, 12);
  });

  it('a short is liquidated at 109.5', () => {
    const result = runBacktest(
      candles([at(100), at(100), [101, 110, 100, 105], at(105)]),
      scripted({ 0: SHORT }),
      {},
      leveraged,
    );

    // −10 × (109.5 − 100) = −95, forfeit 5, fees 0.4 + 10 × 109.5 × 0.0004 = 0.438
    const trade = result.trades[0]!;
    expect(trade.exitReason).toBe('liquidation');
    expect(trade.exitPrice).toBeCloseTo(109.5, 12);
    expect(trade.pnl).toBeCloseTo(-100 - 0.4 - 0.438, 12);
  });

  it('comes before a stop that lies beyond it', () => {
    const result = runBacktest(
      candles([at(100), at(100), [99, 99, 80, 85], at(85)]),
      scripted({ 0: { action: 'long', sl: { kind: 'percent', value: 15 } } }),
      {},
      leveraged,
    );

    expect(result.trades[0]).toMatchObject({ exitReason: 'liquidation', exitPrice: 90.5 });
  });

  it('a stop before the liquidation price fills first', () => {
    const result = runBacktest(
      candles([at(100), at(100), [99, 99, 80, 85], at(85)]),
      scripted({ 0: { action: 'long', sl: { kind: 'percent', value: 5 } } }),
      {},
      leveraged,
    );

    expect(result.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 95 });
  });

  it('a gap through the liquidation price still liquidates at it: the loss stops at the margin', () => {
    const result = runBacktest(
      candles([at(100), at(100), [85, 86, 80, 82], at(82)]),
      scripted({ 0: { action: 'long', sl: { kind: 'percent', value: 5 } } }),
      {},
      leveraged,
    );

    expect(result.trades[0]).toMatchObject({ exitReason: 'liquidation', exitPrice: 90.5 });
  });

  it('at 1× a long is not liquidated by an ordinary fall', () => {
    const result = runBacktest(
      candles([at(100), at(100), [99, 99, 50, 60], at(60)]),
      scripted({ 0: LONG }),
      {},
      config({ maintenanceMarginRate: 0.005 }),
    );

    expect(result.trades[0]).toMatchObject({ exitReason: 'end_of_data', exitPrice: 60 });
  });
});
