// computeMetrics and its parts on tiny hand-computed equity curves and trade lists (the arithmetic
// is beside each expectation; definitions in docs/METRICS.md).
import { buyHoldReturnPct, computeMetrics, drawdowns, periodsPerYear } from '../../../../shared/core/backtest/metrics';
import type { BacktestTrade, Candles } from '../../../../shared/core/backtest/types';
import { T0, at, candles, config, type Row } from './helpers';

const DAY = 86_400_000;
const daily = (n: number, rows: Row[] = Array.from({ length: n }, () => at(100))): Candles => candles(rows, DAY);
const curve = (values: number[]) => Float64Array.from(values);

function trade(pnl: number, returnPct: number, extra: Partial<BacktestTrade> = {}): BacktestTrade {
  return {
    side: 'long',
    entryTime: T0,
    entryPrice: 100,
    exitTime: T0 + DAY,
    exitPrice: 100,
    quantity: 1,
    fees: 0,
    funding: 0,
    pnl,
    returnPct,
    exitReason: 'signal',
    barsHeld: 1,
    ...extra,
  };
}

describe('periodsPerYear: candles per 365 days, as observed', () => {
  it.each([
    ['1m', 525_600, 60_000],
    ['1h', 8_760, 3_600_000],
    ['1d (crypto, no gaps)', 365, DAY],
  ])('%s → %d per year', (_label, expected, interval) => {
    expect(periodsPerYear(candles([at(1), at(1), at(1), at(1)], interval).time)).toBeCloseTo(expected, 9);
  });

  it('counts the candles actually there: two weeks of weekdays (10 candles over 11 days) → 9 × 365 / 11', () => {
    const weekdays = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11].map((d) => T0 + d * DAY);

    expect(periodsPerYear(Float64Array.from(weekdays))).toBeCloseTo((9 * 365) / 11, 9);
  });

  it('fewer than two candles: 0', () => {
    expect(periodsPerYear(Float64Array.from([T0]))).toBe(0);
  });
});

describe('return-based metrics', () => {
  // cash 100; closes 110, 99, 108.9, 108.9, 119.79 → returns +0.1, −0.1, +0.1, 0, +0.1
  // mean 0.04; deviations .06 −.14 .06 −.04 .06 → Σ² = .032 → sample variance .008
  // downside deviation √((0.1²) / 5) = √0.002; 365 periods per year (daily, no gaps)
  const c = daily(5);
  const equity = curve([110, 99, 108.9, 108.9, 119.79]);
  const m = computeMetrics(c, equity, [], config({ cash: 100 }), 0);

  it('total return and final equity', () => {
    expect(m.finalEquity).toBe(119.79);
    expect(m.returnPct).toBeCloseTo(19.79, 10);
  });

  it('Sharpe = mean / std × √365 (risk-free 0)', () => {
    expect(m.sharpe).toBeCloseTo((0.04 / Math.sqrt(0.008)) * Math.sqrt(365), 9);
  });

  it('Sortino = mean / downside deviation × √365', () => {
    expect(m.sortino).toBeCloseTo((0.04 / Math.sqrt(0.002)) * Math.sqrt(365), 9);
  });

  it('annual return = mean × 365; annual volatility = std × √365 (percent)', () => {
    expect(m.annualReturnPct).toBeCloseTo(0.04 * 365 * 100, 9);
    expect(m.annualVolatilityPct).toBeCloseTo(Math.sqrt(0.008) * Math.sqrt(365) * 100, 9);
  });

  it('CAGR over 5 candles = 5/365 years: 1.1979^(365/5) − 1; Calmar = CAGR / max drawdown (10 %)', () => {
    const cagr = (Math.pow(1.1979, 365 / 5) - 1) * 100;
    expect(m.cagrPct / cagr).toBeCloseTo(1, 12);
    expect(m.calmar / (cagr / 10)).toBeCloseTo(1, 12);
  });

  it('max drawdown 110 → 99 = 10 %, from the close of day 0 to the recovery at the close of day 4 (4 days)', () => {
    expect(m.maxDrawdownPct).toBeCloseTo(10, 10);
    expect(m.maxDrawdownDurationMs).toBe(4 * DAY);
    expect(m.avgDrawdownPct).toBeCloseTo(10, 10);
  });

  it('a flat curve: every ratio is 0, nothing infinite', () => {
    const flat = computeMetrics(c, curve([100, 100, 100, 100, 100]), [], config({ cash: 100 }), 0);

    expect(flat).toMatchObject({
      returnPct: 0,
      cagrPct: 0,
      sharpe: 0,
      sortino: 0,
      calmar: 0,
      maxDrawdownPct: 0,
      maxDrawdownDurationMs: 0,
      avgDrawdownPct: 0,
    });
  });

  it('no losing candle: Sortino and Calmar are +Infinity, written as null in JSON', () => {
    const up = computeMetrics(c, curve([101, 102, 103, 104, 105]), [], config({ cash: 100 }), 0);

    expect(up.sortino).toBe(Infinity);
    expect(up.calmar).toBe(Infinity);
    expect(JSON.parse(JSON.stringify(up))).toMatchObject({ sortino: null, calmar: null });
  });
});

describe('drawdowns', () => {
  it('episodes, their mean depth and the longest peak → recovery (or end) time', () => {
    // cash 100; closes 120 | 90 | 120 | 150 | 135 | 120 | 130  (close of candle i stamped at day i + 1)
    // episode 1: peak 120 (day 1) → 90 = 25 %, recovered at day 3 → 2 days
    // episode 2: peak 150 (day 4) → 120 = 20 %, not recovered by the end (day 7) → 3 days
    const dd = drawdowns(daily(7).time, curve([120, 90, 120, 150, 135, 120, 130]), 100);

    expect(dd.maxPct).toBeCloseTo(25, 10);
    expect(dd.avgPct).toBeCloseTo((25 + 20) / 2, 10);
    expect(dd.episodes).toBe(2);
    expect(dd.maxDurationMs).toBe(3 * DAY);
  });

  it('a fall from the starting cash counts from the first open', () => {
    // cash 100 at day 0 → 90 at day 1 → 100 at day 2: 10 %, 2 days
    const dd = drawdowns(daily(2).time, curve([90, 100]), 100);

    expect(dd).toEqual({ maxPct: 10, maxDurationMs: 2 * DAY, avgPct: 10, episodes: 1 });
  });
});

describe('trade-based metrics', () => {
  // P&L 30, −10, 20, −20, 0 (returns on margin 15, −5, 10, −10, 0 %)
  const trades = [
    trade(30, 15, { fees: 1, funding: -0.5 }),
    trade(-10, -5, { fees: 1, funding: 0.25 }),
    trade(20, 10, { fees: 1 }),
    trade(-20, -10, { fees: 1 }),
    trade(0, 0, { fees: 1 }),
  ];
  const m = computeMetrics(daily(5), curve([100, 100, 100, 100, 100]), trades, config({ cash: 100 }), 3);

  it('count, win rate (a 0 P&L trade is not a win), profit factor, expectancy, average win and loss', () => {
    expect(m.trades).toBe(5);
    expect(m.winRatePct).toBeCloseTo(40, 12);
    expect(m.profitFactor).toBeCloseTo(50 / 30, 12);
    expect(m.expectancy).toBeCloseTo(20 / 5, 12);
    expect(m.avgWin).toBeCloseTo(25, 12);
    expect(m.avgLoss).toBeCloseTo(-15, 12);
  });

  it('best and worst trade by return on margin', () => {
    expect(m.bestTradePct).toBe(15);
    expect(m.worstTradePct).toBe(-10);
  });

  it('SQN = √n × mean / sample std of P&L: deviations 26, −14, 16, −24, −4 → Σ² 1720 → std √430', () => {
    expect(m.sqn).toBeCloseTo((Math.sqrt(5) * 4) / Math.sqrt(430), 12);
  });

  it('Kelly = W − (1 − W) / R with R = 25 / 15: 0.4 − 0.6 / 1.667 = 0.04', () => {
    expect(m.kelly).toBeCloseTo(0.04, 12);
  });

  it('exposure = candles with a position / candles; fees and funding summed', () => {
    expect(m.exposurePct).toBeCloseTo(60, 12);
    expect(m.totalFees).toBeCloseTo(5, 12);
    expect(m.totalFunding).toBeCloseTo(-0.25, 12);
  });

  it('no losing trade: profit factor +Infinity (JSON null), Kelly = W', () => {
    const won = computeMetrics(
      daily(5),
      curve([100, 100, 100, 100, 100]),
      [trade(10, 1), trade(5, 1), trade(0, 0)],
      config({ cash: 100 }),
      0,
    );

    expect(won.profitFactor).toBe(Infinity);
    expect(won.kelly).toBeCloseTo(2 / 3, 12);
    expect(JSON.parse(JSON.stringify(won)).profitFactor).toBeNull();
  });

  it('no winning trade: profit factor 0, Kelly −Infinity (JSON null)', () => {
    const lost = computeMetrics(
      daily(5),
      curve([100, 100, 100, 100, 100]),
      [trade(-10, -1), trade(-5, -1)],
      config({ cash: 100 }),
      0,
    );

    expect(lost.profitFactor).toBe(0);
    expect(lost.kelly).toBe(-Infinity);
  });

  it('no trades and one trade: every trade metric is a finite 0 (SQN needs two)', () => {
    const none = computeMetrics(daily(5), curve([100, 100, 100, 100, 100]), [], config({ cash: 100 }), 0);
    const one = computeMetrics(daily(5), curve([100, 100, 100, 100, 100]), [trade(10, 5)], config({ cash: 100 }), 0);

    expect(none).toMatchObject({
      trades: 0,
      winRatePct: 0,
      profitFactor: 0,
      expectancy: 0,
      avgWin: 0,
      avgLoss: 0,
      bestTradePct: 0,
      worstTradePct: 0,
      sqn: 0,
      kelly: 0,
    });
    expect(one.sqn).toBe(0);
  });

  it('no candles at all: the starting cash, all zeros', () => {
    const empty = computeMetrics(candles([]), new Float64Array(0), [], config({ cash: 100 }), 0);

    expect(empty).toMatchObject({
      finalEquity: 100,
      returnPct: 0,
      cagrPct: 0,
      sharpe: 0,
      exposurePct: 0,
      buyHoldReturnPct: 0,
    });
  });
});

describe('buy and hold', () => {
  const rows: Row[] = [
    [100, 102, 99, 101],
    [104, 106, 103, 105],
    [120, 131, 119, 130],
  ];

  it('next_open: from the first fillable price, open[1] = 104, to the last close 130 → 25 %', () => {
    expect(buyHoldReturnPct(candles(rows), config({ fillOn: 'next_open' }))).toBeCloseTo(25, 12);
  });

  it('close: from close[0] = 101 to 130', () => {
    expect(buyHoldReturnPct(candles(rows), config({ fillOn: 'close' }))).toBeCloseTo((130 / 101 - 1) * 100, 12);
  });
});
