// Period P&L, per-strategy figures and the P&L series of the fixture book, each against the sum
// written out by hand.
import {
  bucketStart,
  byStrategy,
  periodPnl,
  profitLossSeries,
  ratios,
} from '../../../../shared/core/performance/figures';
import { BOOK, NOW, utc } from './fixtures';

describe('periodPnl', () => {
  it('today: only t3 (closed at 08:00 today)', () => {
    expect(periodPnl(BOOK, bucketStart(NOW, 'day'), '500')).toEqual({
      realized: '20',
      unrealized: '500',
      fees: '1',
      funding: '-0.1',
      trades: 1,
    });
  });

  it('7 days: t2 (25 Jan) + t3 + the open t4 (its entry fees, booked 30 Jan)', () => {
    expect(periodPnl(BOOK, NOW - 7 * 86_400_000, '0')).toEqual({
      realized: '-30.25', // −40.25 + 20 − 10
      unrealized: '0',
      fees: '12.25', // 1.25 + 1 + 10
      funding: '0.4', // 0.5 − 0.1
      trades: 2, // the open trade is not a closed one
    });
  });

  it('all: every trade, exact to the cent (no float drift)', () => {
    expect(periodPnl(BOOK, 0, '0')).toMatchObject({ realized: '70.25', fees: '14.75', funding: '0.4', trades: 3 });
  });
});

describe('byStrategy', () => {
  it('groups closed trades, "manual" for none, largest realized first', () => {
    expect(byStrategy(BOOK)).toEqual([
      {
        strategy: 'ema',
        trades: 2,
        wins: 1,
        winRate: 0.5,
        realizedPnl: '60.25', // 100.5 − 40.25
        fees: '3.75', // 2.5 + 1.25
        funding: '0.5',
        profitFactor: 100.5 / 40.25,
        avgRoiPct: (10 - 4) / 2,
      },
      {
        strategy: 'manual',
        trades: 1,
        wins: 1,
        winRate: 1,
        realizedPnl: '20',
        fees: '1',
        funding: '-0.1',
        profitFactor: null, // nothing lost: +Infinity, written null as docs/METRICS.md says
        avgRoiPct: 2,
      },
    ]);
  });
});

describe('profitLossSeries', () => {
  it('weeks start on Monday (UTC): 1 Jan, 22 Jan, 29 Jan', () => {
    expect(profitLossSeries(BOOK, 'week').map((b) => [b.start, b.realizedPnl, b.trades, b.cumulative])).toEqual([
      [utc('2024-01-01T00:00:00Z'), '100.5', 1, '100.5'],
      [utc('2024-01-22T00:00:00Z'), '-40.25', 1, '60.25'],
      [utc('2024-01-29T00:00:00Z'), '10', 1, '70.25'], // t3 +20 and t4 −10; t4 is still open
    ]);
  });

  it('months: one January bucket', () => {
    expect(profitLossSeries(BOOK, 'month')).toEqual([
      {
        start: utc('2024-01-01T00:00:00Z'),
        realizedPnl: '70.25',
        fees: '14.75',
        funding: '0.4',
        trades: 3,
        cumulative: '70.25',
      },
    ]);
  });

  it('a Sunday belongs to the week that began the Monday before', () => {
    expect(bucketStart(utc('2024-01-28T23:59:59Z'), 'week')).toBe(utc('2024-01-22T00:00:00Z'));
  });
});

describe('ratios', () => {
  it('max drawdown of the daily curve from 10,000: peak 10,100.5 (1 Jan) to 10,050.25 (30 Jan)', () => {
    const r = ratios(BOOK, '10000', NOW);
    expect(r.maxDrawdownPct).toBeCloseTo(((10100.5 - 10050.25) / 10100.5) * 100, 10);
    expect(r.winRate).toBeCloseTo(2 / 3, 12);
    expect(r.sharpe).not.toBeNull();
  });

  it('no trades: no ratios, no drawdown', () => {
    expect(ratios([], '10000', NOW)).toEqual({
      sharpe: null,
      sortino: null,
      calmar: null,
      maxDrawdownPct: 0,
      winRate: null,
    });
  });
});
