// The short human-readable summaries the backtest commands print without --json.
import type { MonteCarloReport, Percentiles } from '../../shared/core/backtest/monte-carlo';
import { backtestWarnings, monteCarloWarnings } from '../../shared/core/backtest/sample-warnings';
import type { BacktestTrade, Metrics, SlicingSummary } from '../../shared/core/backtest/types';
import type { RegimeBreakdown } from '../../shared/core/regimes';
import { fmt, fmtDuration, fmtPrice, fmtTime } from './report-format';

/** The metrics, and under them a warning when they rest on too few trades. */
export function metricsLines(m: Metrics, quote = 'quote'): string[] {
  return [
    `trades ${m.trades}  win rate ${fmt(m.winRatePct)} %  profit factor ${fmt(m.profitFactor)}  expectancy ${fmt(m.expectancy)} ${quote}`,
    `final equity ${fmt(m.finalEquity)} ${quote}  return ${fmt(m.returnPct)} %  CAGR ${fmt(m.cagrPct)} %  buy & hold ${fmt(m.buyHoldReturnPct)} %`,
    `max drawdown ${fmt(m.maxDrawdownPct)} % (longest ${fmtDuration(m.maxDrawdownDurationMs)})  sharpe ${fmt(m.sharpe)}  sortino ${fmt(m.sortino)}  calmar ${fmt(m.calmar)}`,
    `exposure ${fmt(m.exposurePct)} %  fees ${fmt(m.totalFees)} ${quote}  funding ${fmt(m.totalFunding)} ${quote}`,
    ...backtestWarnings(m.trades).map((w) => `warning: ${w}`),
  ];
}

export function tradeLines(trades: readonly BacktestTrade[]): string[] {
  return trades.map(
    (t, i) =>
      `${String(i + 1).padStart(4)}  ${t.side.padEnd(5)} ${fmtTime(t.entryTime)} @ ${fmtPrice(t.entryPrice)} → ${fmtTime(t.exitTime)} @ ${fmtPrice(t.exitPrice)}  ${t.exitReason.padEnd(13)} P&L ${fmt(t.pnl)} (${fmt(t.returnPct)} %)${sliceNote(t)}`,
  );
}

/** A sliced entry (its price above is the slices' average): slices filled, and what an exit or the cap left. */
function sliceNote(t: BacktestTrade): string {
  const s = t.slices;
  if (s === undefined) return '';
  const short =
    s.outcome === 'completed' ? '' : `, ${s.outcome}: ${fmtPrice(t.quantity)} of ${fmtPrice(s.sizedQuantity)} filled`;
  return `  ${s.kind} ${s.filled}/${s.total} slices${short}`;
}

/** How the sliced entries went, and what slicing cost against one fill at each entry's first open. */
export function slicingLines(s: SlicingSummary): string[] {
  return [
    `sliced entries ${s.sliced} (completed ${s.completed}, cancelled by an exit ${s.cancelled}, capped ${s.capped})  average entry vs. an unsliced fill at the first open ${fmt(s.avgCostBps)} bps (positive: dearer)`,
  ];
}

/**
 * Time in each regime (every regime, "none" = not yet confirmed), then the trades by the regime
 * they were entered in (only regimes with trades).
 */
export function regimeLines(b: RegimeBreakdown, quote = 'quote'): string[] {
  return [
    `regimes over ${b.bars} bars: ${b.time.map((t) => `${t.regime} ${fmt(t.pct, 1)} %`).join('  ')}`,
    ...b.trades.map(
      (t) =>
        `entered in ${t.regime.padEnd(8)} ${String(t.trades).padStart(4)} trades  win rate ${fmt(t.winRatePct)} %  P&L ${fmt(t.pnl)} ${quote}  avg return ${fmt(t.avgReturnPct)} %`,
    ),
  ];
}

export function monteCarloLines(r: MonteCarloReport): string[] {
  const row = (name: string, p: Percentiles) =>
    `${name.padEnd(16)} ${[p.p5, p.p25, p.p50, p.p75, p.p95].map((v) => fmt(v).padStart(10)).join('')}`;
  return [
    `${r.runs} ${r.mode} runs over ${r.trades} trades (seed ${r.seed}, ${r.compound ? 'compounded' : 'additive'})`,
    `${''.padEnd(16)} ${['p5', 'p25', 'p50', 'p75', 'p95'].map((h) => h.padStart(10)).join('')}`,
    row('return %', r.returnPct),
    row('max drawdown %', r.maxDrawdownPct),
    `probability of a loss ${fmt(r.probabilityOfLossPct)} %; in the real order: return ${fmt(r.original.returnPct)} %, max drawdown ${fmt(r.original.maxDrawdownPct)} %`,
    ...monteCarloWarnings(r.trades, r.mode).map((w) => `warning: ${w}`),
  ];
}
