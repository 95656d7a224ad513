// A paper (or live) account's closed trades for one strategy next to a backtest of the same
// strategy over the same candles: totals side by side, and each account trade paired with the
// backtest trade it should be, with the price differences (slippage) between them.
// Money on both sides is Decimal: the backtest computes in floats (its hot loop), and its trades'
// P&L and fees become decimals once, where they enter this comparison. Prices, differences and
// slippage stay numbers: they measure fills, they are not amounts booked anywhere.
import type { BacktestTrade } from '../backtest/types';
import { Big, toDecimal, type Decimal } from '../domain/money';
import type { TradeRecord } from '../domain/trade';
import { maxDrawdown } from './drawdown';

export interface SideSummary {
  trades: number;
  /** net P&L (after fees and funding) over the starting equity, percent */
  returnPct: number;
  winRatePct: number;
  fees: Decimal;
  pnl: Decimal;
  /**
   * deepest fall of the equity the closed trades make (the starting equity plus each trade's net
   * P&L at its close, in close order), percent of the peak: the same curve on both sides, so the
   * two are comparable (the backtest's own metric marks open positions to market)
   */
  maxDrawdownPct: number;
}

export interface TradePair {
  side: 'long' | 'short';
  account: { tradeId: string; openedAt: number; closedAt: number; entryPrice: number; exitPrice: number; pnl: Decimal };
  backtest: { entryTime: number; exitTime: number; entryPrice: number; exitPrice: number; pnl: Decimal };
  /** account price − backtest price */
  entryDiff: number;
  exitDiff: number;
  /** how much worse the account filled than the backtest, basis points (negative: better) */
  entrySlippageBps: number;
  exitSlippageBps: number;
}

export interface PaperBacktestComparison {
  account: SideSummary;
  backtest: SideSummary;
  pairs: TradePair[];
  /** account trades with no backtest trade of the same side opened within the match window */
  accountOnly: string[];
  /** backtest trades no account trade matched (entry times) */
  backtestOnly: number[];
  /** means over the pairs; 0 when there are none */
  avgEntrySlippageBps: number;
  avgExitSlippageBps: number;
}

export interface CompareOptions {
  /** both sides start from this equity (the paper account's initial balance, the backtest's cash) */
  initialEquity: Decimal;
  /** an account trade and a backtest trade pair when their entries are at most this far apart, ms (one candle) */
  matchWindowMs: number;
}

interface ClosedAccountTrade {
  tradeId: string;
  side: 'long' | 'short';
  openedAt: number;
  closedAt: number;
  entryPrice: number;
  exitPrice: number;
  pnl: Decimal;
  fees: Decimal;
}

/**
 * Only finished trades take part: open account trades, and backtest trades closed by the end of
 * the data (the account still holds their counterpart), are left out of both sides.
 */
export function comparePaperWithBacktest(
  accountTrades: readonly TradeRecord[],
  backtestTrades: readonly BacktestTrade[],
  options: CompareOptions,
): PaperBacktestComparison {
  const account: ClosedAccountTrade[] = accountTrades
    .filter((t) => t.status === 'closed' && t.closedAt !== undefined && t.exitPrice !== undefined)
    .map((t) => ({
      tradeId: t.tradeId,
      side: t.side,
      openedAt: t.openedAt,
      closedAt: t.closedAt as number,
      entryPrice: Number(t.entryPrice),
      exitPrice: Number(t.exitPrice),
      pnl: t.realizedPnl,
      fees: t.fees,
    }))
    .sort((a, b) => a.openedAt - b.openedAt);
  const backtest = backtestTrades.filter((t) => t.exitReason !== 'end_of_data');

  const used = new Set<number>();
  const pairs: TradePair[] = [];
  const accountOnly: string[] = [];
  for (const trade of account) {
    let best = -1;
    for (let j = 0; j < backtest.length; j++) {
      const candidate = backtest[j]!;
      if (used.has(j) || candidate.side !== trade.side) continue;
      const distance = Math.abs(candidate.entryTime - trade.openedAt);
      if (distance > options.matchWindowMs) continue;
      if (best < 0 || distance < Math.abs(backtest[best]!.entryTime - trade.openedAt)) best = j;
    }
    if (best < 0) {
      accountOnly.push(trade.tradeId);
      continue;
    }
    used.add(best);
    pairs.push(pairOf(trade, backtest[best]!));
  }

  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  return {
    account: summary(
      account.map((t) => ({ pnl: t.pnl, fees: t.fees, closedAt: t.closedAt })),
      options.initialEquity,
    ),
    backtest: summary(
      backtest.map((t) => ({ pnl: toDecimal(t.pnl), fees: toDecimal(t.fees), closedAt: t.exitTime })),
      options.initialEquity,
    ),
    pairs,
    accountOnly,
    backtestOnly: backtest.filter((_, j) => !used.has(j)).map((t) => t.entryTime),
    avgEntrySlippageBps: mean(pairs.map((p) => p.entrySlippageBps)),
    avgExitSlippageBps: mean(pairs.map((p) => p.exitSlippageBps)),
  };
}

function pairOf(trade: ClosedAccountTrade, bt: BacktestTrade): TradePair {
  // A long pays more on entry and receives less on exit when it fills worse; a short the reverse.
  const sign = trade.side === 'long' ? 1 : -1;
  return {
    side: trade.side,
    account: {
      tradeId: trade.tradeId,
      openedAt: trade.openedAt,
      closedAt: trade.closedAt,
      entryPrice: trade.entryPrice,
      exitPrice: trade.exitPrice,
      pnl: trade.pnl,
    },
    backtest: {
      entryTime: bt.entryTime,
      exitTime: bt.exitTime,
      entryPrice: bt.entryPrice,
      exitPrice: bt.exitPrice,
      pnl: toDecimal(bt.pnl),
    },
    entryDiff: trade.entryPrice - bt.entryPrice,
    exitDiff: trade.exitPrice - bt.exitPrice,
    entrySlippageBps: (sign * (trade.entryPrice - bt.entryPrice) * 10_000) / bt.entryPrice,
    exitSlippageBps: (sign * (bt.exitPrice - trade.exitPrice) * 10_000) / bt.exitPrice,
  };
}

function summary(
  trades: readonly { pnl: Decimal; fees: Decimal; closedAt: number }[],
  initialEquity: Decimal,
): SideSummary {
  const pnl = trades.reduce((sum, t) => sum.plus(t.pnl), new Big(0));
  let equity = new Big(initialEquity);
  const curve = [
    { at: 0, equity: equity.toString() },
    ...[...trades]
      .sort((a, b) => a.closedAt - b.closedAt)
      .map((t) => {
        equity = equity.plus(t.pnl);
        return { at: t.closedAt, equity: equity.toString() };
      }),
  ];
  const wins = trades.filter((t) => new Big(t.pnl).gt(0)).length;
  return {
    trades: trades.length,
    // a return is a ratio (percent), not an amount
    returnPct: new Big(initialEquity).eq(0) ? Number.NaN : Number(pnl.div(initialEquity).times(100).toString()),
    winRatePct: trades.length ? (wins / trades.length) * 100 : 0,
    fees: trades.reduce((sum, t) => sum.plus(t.fees), new Big(0)).toString(),
    pnl: pnl.toString(),
    maxDrawdownPct: maxDrawdown(curve).pct,
  };
}
