// comparePaperWithBacktest: totals of both sides from finished trades only, trades paired by side
// and entry time within one candle, and slippage signed so that positive means the account filled worse.
import type { BacktestTrade } from '../../../../shared/core/backtest/types';
import type { TradeRecord } from '../../../../shared/core/domain/trade';
import { comparePaperWithBacktest } from '../../../../shared/core/reporting/paper-vs-backtest';

const HOUR = 3_600_000;
const T = Date.UTC(2024, 0, 1);

function accountTrade(
  id: string,
  side: 'long' | 'short',
  openedAt: number,
  entry: string,
  exit: string | undefined,
  pnl: number,
  fees: number,
): TradeRecord {
  return {
    accountId: 'acc-1',
    tradeId: id,
    symbol: 'BTC/USDT:USDT',
    side,
    status: exit === undefined ? 'open' : 'closed',
    strategy: 'sma-cross',
    leverage: 1,
    quantity: exit === undefined ? '1' : '0',
    maxQuantity: '1',
    entryPrice: entry,
    ...(exit !== undefined ? { exitPrice: exit, closedAt: openedAt + 5 * HOUR } : {}),
    exitedQuantity: exit === undefined ? '0' : '1',
    openedAt,
    fees: String(fees),
    funding: '0',
    realizedPnl: String(pnl),
    openSignalId: `s-${id}`,
    updatedAt: openedAt,
  };
}

function backtestTrade(
  side: 'long' | 'short',
  entryTime: number,
  entryPrice: number,
  exitPrice: number,
  pnl: number,
  fees: number,
  exitReason: BacktestTrade['exitReason'] = 'signal',
): BacktestTrade {
  return {
    side,
    entryTime,
    entryPrice,
    exitTime: entryTime + 5 * HOUR,
    exitPrice,
    quantity: 1,
    fees,
    funding: 0,
    pnl,
    returnPct: 0,
    exitReason,
    barsHeld: 5,
  };
}

describe('comparePaperWithBacktest', () => {
  const account = [
    accountTrade('t1', 'long', T + 3_000, '100.2', '110', 9.5, 0.2),
    accountTrade('t2', 'short', T + 10 * HOUR + 2_000, '120', '125.5', -5.8, 0.3),
    accountTrade('t3', 'long', T + 20 * HOUR + 1_000, '90', undefined, 0, 0.1), // still open
  ];
  const backtest = [
    backtestTrade('long', T, 100, 110.5, 10.3, 0.21),
    backtestTrade('short', T + 10 * HOUR, 120.6, 125, -4.6, 0.25),
    backtestTrade('long', T + 15 * HOUR, 95, 97, 1.9, 0.1),
    backtestTrade('long', T + 20 * HOUR, 90, 92, 2, 0.1, 'end_of_data'),
  ];
  const result = comparePaperWithBacktest(account, backtest, { initialEquity: '1000', matchWindowMs: HOUR });

  it('sums each side from finished trades only (open account trades and end-of-data backtest trades left out)', () => {
    // exact decimal sums: 9.5 − 5.8 = 3.7 (a float sum gives 3.7000000000000002), fees 0.2 + 0.3 = 0.5
    expect(result.account).toEqual({
      trades: 2,
      pnl: '3.7',
      returnPct: 0.37,
      winRatePct: 50,
      fees: '0.5',
      // 1000 → 1009.5 (t1's close) → 1003.7 (t2's): a 5.8 fall from the 1009.5 peak
      maxDrawdownPct: (5.8 / 1009.5) * 100,
    });
    expect(result.backtest.trades).toBe(3);
    // the backtest's float P&L and fees become decimals once, then add exactly: 10.3 − 4.6 + 1.9 = 7.6; 0.21 + 0.25 + 0.1 = 0.56
    expect(result.backtest.pnl).toBe('7.6');
    expect(result.backtest.returnPct).toBeCloseTo(0.76, 10);
    expect(result.backtest.winRatePct).toBeCloseTo((2 / 3) * 100, 10);
    expect(result.backtest.fees).toBe('0.56');
    // 1000 → 1010.3 → 1005.7 → 1007.6: the 4.6 fall from 1010.3
    expect(result.backtest.maxDrawdownPct).toBeCloseTo((4.6 / 1010.3) * 100, 10);
  });

  it('measures max drawdown on the equity in close order, the same curve on both sides', () => {
    // the loser opened first but closed last: the curve is 1000 → 1100 (winner) → 1050 (loser)
    const loserFirst = accountTrade('loser', 'long', T, '100', '95', -50, 0);
    const winner = accountTrade('winner', 'long', T + HOUR, '100', '110', 100, 0);
    const late = { ...loserFirst, closedAt: T + 10 * HOUR };
    const btLoser = { ...backtestTrade('long', T, 100, 95, -50, 0), exitTime: T + 10 * HOUR };
    const btWinner = backtestTrade('long', T + HOUR, 100, 110, 100, 0);
    const c = comparePaperWithBacktest([late, winner], [btLoser, btWinner], {
      initialEquity: '1000',
      matchWindowMs: HOUR,
    });
    expect(c.account.maxDrawdownPct).toBeCloseTo((50 / 1100) * 100, 10);
    expect(c.backtest.maxDrawdownPct).toBeCloseTo((50 / 1100) * 100, 10);
    // no losing trade: no fall
    const none = comparePaperWithBacktest([winner], [], { initialEquity: '1000', matchWindowMs: HOUR });
    expect(none.account.maxDrawdownPct).toBe(0);
    expect(none.backtest.maxDrawdownPct).toBe(0);
  });

  it('pairs trades of the same side whose entries are within one candle', () => {
    expect(result.pairs.map((p) => [p.side, p.account.tradeId, p.backtest.entryTime])).toEqual([
      ['long', 't1', T],
      ['short', 't2', T + 10 * HOUR],
    ]);
    expect(result.accountOnly).toEqual([]);
    expect(result.backtestOnly).toEqual([T + 15 * HOUR]);
  });

  it('gives the price differences and signs slippage against the account for longs and shorts alike', () => {
    const [long, short] = result.pairs;
    // Long: paid 100.2 for 100 (worse, +20 bps), sold at 110 instead of 110.5 (worse).
    expect(long?.entryDiff).toBeCloseTo(0.2, 10);
    expect(long?.entrySlippageBps).toBeCloseTo(20, 10);
    expect(long?.exitDiff).toBeCloseTo(-0.5, 10);
    expect(long?.exitSlippageBps).toBeCloseTo((0.5 / 110.5) * 10_000, 10);
    // Short: sold at 120 instead of 120.6 (worse), bought back at 125.5 instead of 125 (worse).
    expect(short?.entrySlippageBps).toBeCloseTo((0.6 / 120.6) * 10_000, 10);
    expect(short?.exitSlippageBps).toBeCloseTo((0.5 / 125) * 10_000, 10);
    expect(result.avgEntrySlippageBps).toBeCloseTo((20 + (0.6 / 120.6) * 10_000) / 2, 10);
  });

  it('counts a better fill as negative slippage', () => {
    const better = comparePaperWithBacktest(
      [accountTrade('b', 'long', T, '99', '111', 1, 0)],
      [backtestTrade('long', T, 100, 110, 1, 0)],
      { initialEquity: '1000', matchWindowMs: HOUR },
    );
    expect(better.pairs[0]?.entrySlippageBps).toBeCloseTo(-100, 10);
    expect(better.pairs[0]?.exitSlippageBps).toBeCloseTo((-1 / 110) * 10_000, 10);
  });

  it('leaves trades unpaired when the side differs or the entries are more than a candle apart', () => {
    const apart = comparePaperWithBacktest(
      [
        accountTrade('a', 'long', T + 2 * HOUR, '100', '101', 1, 0),
        accountTrade('b', 'short', T + 5 * HOUR, '100', '99', 1, 0),
      ],
      [backtestTrade('long', T, 100, 101, 1, 0), backtestTrade('long', T + 5 * HOUR, 100, 101, 1, 0)],
      { initialEquity: '1000', matchWindowMs: HOUR },
    );
    expect(apart.pairs).toEqual([]);
    expect(apart.accountOnly).toEqual(['a', 'b']);
    expect(apart.backtestOnly).toEqual([T, T + 5 * HOUR]);
    expect(apart.avgEntrySlippageBps).toBe(0);
  });

  it('pairs each backtest trade at most once, with the nearest account entry', () => {
    const twice = comparePaperWithBacktest(
      [
        accountTrade('far', 'long', T + 50 * 60_000, '100', '101', 1, 0),
        accountTrade('near', 'long', T + 60_000, '100', '101', 1, 0),
      ],
      [backtestTrade('long', T, 100, 101, 1, 0)],
      { initialEquity: '1000', matchWindowMs: HOUR },
    );
    // Account trades are taken in entry order: 'near' first, then 'far' finds nothing left.
    expect(twice.pairs.map((p) => p.account.tradeId)).toEqual(['near']);
    expect(twice.accountOnly).toEqual(['far']);
  });
});
