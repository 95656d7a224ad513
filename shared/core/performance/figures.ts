// Performance figures from the book's trades: period P&L, per strategy, P&L buckets and the
// ratios. The ratios reuse the backtest's definitions (docs/METRICS.md, backtest/metrics.ts) on a
// daily equity curve built from the trades, so "Sharpe" means one thing everywhere.
import { computeMetrics } from '../backtest/metrics';
import type { BacktestConfig, BacktestTrade, Candles } from '../backtest/types';
import { Big, type Decimal } from '../domain/money';
import type { TradeRecord } from '../domain/trade';

export const DAY_MS = 86_400_000;
/** Below this many closed trades the ratios say little: the summary warns. */
export const FEW_TRADES = 30;
export const MANUAL = 'manual';

/**
 * When a trade's realized P&L counts: a closed trade at its close; an open trade's partial exits,
 * fees and funding so far at its last change (they are already booked in realizedPnl).
 */
export const realizedAt = (t: TradeRecord): number =>
  t.status === 'closed' ? (t.closedAt ?? t.updatedAt) : t.updatedAt;

/** A trade's money fields as Big, parsed once per trade object (big.js values never change). */
export interface TradeDecimals {
  pnl: Big;
  fees: Big;
  funding: Big;
}

// Keyed by the record itself: the console keeps a closed trade's object between requests
// (TradeHistory), so its decimals are parsed once, not on every request and every period.
const parsed = new WeakMap<TradeRecord, TradeDecimals>();

export function decimalsOf(t: TradeRecord): TradeDecimals {
  let d = parsed.get(t);
  if (!d) {
    d = { pnl: new Big(t.realizedPnl), fees: new Big(t.fees), funding: new Big(t.funding) };
    parsed.set(t, d);
  }
  return d;
}

export interface PeriodPnl {
  realized: Decimal;
  unrealized: Decimal;
  fees: Decimal;
  funding: Decimal;
  /** closed trades in the period */
  trades: number;
}

/** Σ over the trades whose realizedAt is at or after `from`; `unrealized` is today's, for every period. */
export function periodPnl(trades: readonly TradeRecord[], from: number, unrealized: Big.BigSource): PeriodPnl {
  let realized = new Big(0);
  let fees = new Big(0);
  let funding = new Big(0);
  let closed = 0;
  for (const t of trades) {
    if (realizedAt(t) < from) continue;
    const d = decimalsOf(t);
    realized = realized.plus(d.pnl);
    fees = fees.plus(d.fees);
    funding = funding.plus(d.funding);
    if (t.status === 'closed') closed++;
  }
  return {
    realized: realized.toString(),
    unrealized: new Big(unrealized).toString(),
    fees: fees.toString(),
    funding: funding.toString(),
    trades: closed,
  };
}

export interface StrategyFigures {
  strategy: string;
  trades: number;
  wins: number;
  winRate: number | null;
  realizedPnl: Decimal;
  fees: Decimal;
  funding: Decimal;
  /** gross profit / gross loss; null when nothing was lost (infinite) */
  profitFactor: number | null;
  avgRoiPct: number | null;
}

/** Closed trades per strategy ("manual" for signals without one), largest realized P&L first. */
export function byStrategy(trades: readonly TradeRecord[]): StrategyFigures[] {
  const groups = new Map<string, TradeRecord[]>();
  for (const t of trades) {
    if (t.status !== 'closed') continue;
    const key = t.strategy ?? MANUAL;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const rows = [...groups.entries()].map(([strategy, list]): StrategyFigures => {
    let pnl = new Big(0);
    let fees = new Big(0);
    let funding = new Big(0);
    let gain = new Big(0);
    let loss = new Big(0);
    let wins = 0;
    let roiSum = 0;
    let roiCount = 0;
    for (const t of list) {
      const d = decimalsOf(t);
      const p = d.pnl;
      pnl = pnl.plus(p);
      fees = fees.plus(d.fees);
      funding = funding.plus(d.funding);
      if (p.gt(0)) {
        wins++;
        gain = gain.plus(p);
      } else if (p.lt(0)) loss = loss.minus(p);
      if (t.roiPct !== undefined) {
        roiSum += t.roiPct;
        roiCount++;
      }
    }
    return {
      strategy,
      trades: list.length,
      wins,
      winRate: list.length > 0 ? wins / list.length : null,
      realizedPnl: pnl.toString(),
      fees: fees.toString(),
      funding: funding.toString(),
      // docs/METRICS.md: gross profit / gross loss; +Infinity (JSON null) when nothing was lost
      profitFactor: loss.gt(0) ? Number(gain.div(loss).toString()) : gain.gt(0) ? null : 0,
      avgRoiPct: roiCount > 0 ? roiSum / roiCount : null,
    };
  });
  return rows.sort((a, b) => new Big(b.realizedPnl).cmp(a.realizedPnl) || a.strategy.localeCompare(b.strategy));
}

export type Period = 'day' | 'week' | 'month';

/** Start of the UTC bucket holding `at`: midnight; Monday midnight; the 1st at midnight. */
export function bucketStart(at: number, period: Period): number {
  // UTC days are whole multiples of DAY_MS since the epoch (no leap seconds in epoch ms)
  if (period === 'day' && at >= 0) return at - (at % DAY_MS);
  const d = new Date(at);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === 'day') return midnight;
  if (period === 'week') return midnight - ((d.getUTCDay() + 6) % 7) * DAY_MS;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export interface PnlBucket {
  start: number;
  realizedPnl: Decimal;
  fees: Decimal;
  funding: Decimal;
  trades: number;
  /** realized P&L of this bucket and every earlier one */
  cumulative: Decimal;
}

/** Realized P&L per UTC bucket, oldest first; buckets without a trade are left out. */
export function profitLossSeries(trades: readonly TradeRecord[], period: Period): PnlBucket[] {
  const buckets = new Map<number, { pnl: Big; fees: Big; funding: Big; trades: number }>();
  for (const t of trades) {
    const start = bucketStart(realizedAt(t), period);
    const b = buckets.get(start) ?? { pnl: new Big(0), fees: new Big(0), funding: new Big(0), trades: 0 };
    const d = decimalsOf(t);
    b.pnl = b.pnl.plus(d.pnl);
    b.fees = b.fees.plus(d.fees);
    b.funding = b.funding.plus(d.funding);
    if (t.status === 'closed') b.trades++;
    buckets.set(start, b);
  }
  let cumulative = new Big(0);
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, b]) => {
      cumulative = cumulative.plus(b.pnl);
      return {
        start,
        realizedPnl: b.pnl.toString(),
        fees: b.fees.toString(),
        funding: b.funding.toString(),
        trades: b.trades,
        cumulative: cumulative.toString(),
      };
    });
}

/**
 * Equity at the end of each UTC day from the first booked day to `now`'s day: `start` plus the
 * realized P&L booked up to then (days without a trade repeat the last value). Unrealized P&L is
 * not in it: the job's minute snapshots are not read for a whole history.
 */
export function dailyEquity(
  trades: readonly TradeRecord[],
  start: Big.BigSource,
  now: number,
): { at: number; equity: Decimal }[] {
  const days = profitLossSeries(trades, 'day');
  if (days.length === 0) return [];
  const out: { at: number; equity: Decimal }[] = [];
  const byDay = new Map(days.map((d) => [d.start, d.cumulative]));
  let last = new Big(0);
  for (let day = days[0]!.start; day <= bucketStart(now, 'day'); day += DAY_MS) {
    const cumulative = byDay.get(day);
    if (cumulative !== undefined) last = new Big(cumulative);
    out.push({ at: day, equity: new Big(start).plus(last).toString() });
  }
  return out;
}

export interface Ratios {
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdownPct: number;
  winRate: number | null;
}

/**
 * Sharpe, Sortino, Calmar and max drawdown of the daily equity curve, by docs/METRICS.md (daily
 * returns, P = 365 for gapless days), and the win rate of the closed trades. A ratio that is
 * infinite (nothing lost) is null, as the CLI's JSON writes it.
 */
export function ratios(trades: readonly TradeRecord[], start: Big.BigSource, now: number): Ratios {
  const closed = trades.filter((t) => t.status === 'closed');
  const curve = dailyEquity(trades, start, now);
  const n = curve.length;
  const candles: Candles = {
    time: Float64Array.from(curve.map((p) => p.at)),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  const equity = Float64Array.from(curve.map((p) => Number(p.equity)));
  const cash = Number(new Big(start).toString());
  const config = { cash, fillOn: 'close' } as BacktestConfig;
  const asBacktest = closed.map((t): BacktestTrade => ({
    side: t.side,
    entryTime: t.openedAt,
    entryPrice: Number(t.entryPrice),
    exitTime: t.closedAt ?? t.updatedAt,
    exitPrice: Number(t.exitPrice ?? t.entryPrice),
    quantity: Number(t.maxQuantity),
    fees: Number(t.fees),
    funding: Number(t.funding),
    pnl: Number(t.realizedPnl),
    returnPct: t.roiPct ?? 0,
    exitReason: 'signal',
    barsHeld: 0,
  }));
  const m = cash > 0 ? computeMetrics(candles, equity, asBacktest, config, 0) : undefined;
  const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);
  return {
    sharpe: n >= 2 ? finite(m?.sharpe) : null,
    sortino: n >= 2 ? finite(m?.sortino) : null,
    calmar: n >= 2 ? finite(m?.calmar) : null,
    maxDrawdownPct: m?.maxDrawdownPct ?? 0,
    winRate: closed.length > 0 ? closed.filter((t) => decimalsOf(t).pnl.gt(0)).length / closed.length : null,
  };
}
