// Performance metrics of one backtest, from the equity curve at candle closes and the closed
// trades. Every definition (formula, unit, annualisation, non-finite cases) is in docs/METRICS.md.
import type { BacktestConfig, BacktestTrade, Candles, Metrics } from './types';

const YEAR_MS = 365 * 86_400_000;

/**
 * Candles per 365-day year, as observed: (n − 1) intervals over the time from the first to the
 * last open. Gapless data give 365 d / interval (8,760 for 1h, 525,600 for 1m, 365 for daily
 * crypto); data that skip weekends and holidays give their own rate (≈ 252 for daily equities).
 */
export function periodsPerYear(time: Float64Array): number {
  const n = time.length;
  if (n < 2) return 0;
  const span = time[n - 1]! - time[0]!;
  return span > 0 ? ((n - 1) * YEAR_MS) / span : 0;
}

/** Close time of candle i: the next candle's open; for the last, its open plus the last interval. */
export function closeTime(time: Float64Array, i: number): number {
  const n = time.length;
  if (i + 1 < n) return time[i + 1]!;
  return n >= 2 ? time[i]! + (time[i]! - time[i - 1]!) : time[i]!;
}

interface ReturnStats {
  count: number;
  mean: number;
  std: number;
  downside: number;
}

/** Per-candle equity returns, the first measured from the starting cash. */
function returnStats(equity: Float64Array, initial: number): ReturnStats {
  const count = equity.length;
  if (count === 0) return { count, mean: 0, std: 0, downside: 0 };
  let sum = 0;
  let downSq = 0;
  let prev = initial;
  for (let i = 0; i < count; i++) {
    const v = equity[i]!;
    // An account at or below zero has no defined return: counted as 0.
    const r = prev > 0 ? v / prev - 1 : 0;
    sum += r;
    if (r < 0) downSq += r * r;
    prev = v;
  }
  const mean = sum / count;
  let sq = 0;
  prev = initial;
  for (let i = 0; i < count; i++) {
    const v = equity[i]!;
    const r = prev > 0 ? v / prev - 1 : 0;
    sq += (r - mean) * (r - mean);
    prev = v;
  }
  return { count, mean, std: count > 1 ? Math.sqrt(sq / (count - 1)) : 0, downside: Math.sqrt(downSq / count) };
}

export interface DrawdownStats {
  /** deepest fall from a running peak, percent of that peak (positive) */
  maxPct: number;
  /** longest peak → recovery (or end of data), ms */
  maxDurationMs: number;
  /** mean of the deepest point of each drawdown episode, percent */
  avgPct: number;
  episodes: number;
}

/** Drawdowns of the curve that starts at `initial` (at the first open) and has equity[i] at close i. */
export function drawdowns(time: Float64Array, equity: Float64Array, initial: number): DrawdownStats {
  let peak = initial;
  let peakTime = time.length > 0 ? time[0]! : 0;
  let inDrawdown = false;
  let depth = 0;
  let maxPct = 0;
  let maxDurationMs = 0;
  let depthSum = 0;
  let episodes = 0;
  let t = peakTime;
  for (let i = 0; i < equity.length; i++) {
    const v = equity[i]!;
    t = closeTime(time, i);
    if (v >= peak) {
      if (inDrawdown) {
        maxDurationMs = Math.max(maxDurationMs, t - peakTime);
        depthSum += depth;
        episodes++;
        inDrawdown = false;
      }
      peak = v;
      peakTime = t;
    } else {
      if (!inDrawdown) depth = 0;
      inDrawdown = true;
      depth = Math.max(depth, ((peak - v) / peak) * 100);
      maxPct = Math.max(maxPct, depth);
    }
  }
  if (inDrawdown) {
    maxDurationMs = Math.max(maxDurationMs, t - peakTime);
    depthSum += depth;
    episodes++;
  }
  return { maxPct, maxDurationMs, avgPct: episodes > 0 ? depthSum / episodes : 0, episodes };
}

/** x / y, with the documented convention for a zero denominator: +Infinity (JSON null) or 0. */
const ratio = (x: number, y: number): number => (y !== 0 ? x / y : x > 0 ? Infinity : 0);

export function computeMetrics(
  candles: Candles,
  equity: Float64Array,
  trades: readonly BacktestTrade[],
  config: BacktestConfig,
  exposureBars: number,
): Metrics {
  const n = equity.length;
  const initial = config.cash;
  const finalEquity = n > 0 ? equity[n - 1]! : initial;
  const ppy = periodsPerYear(candles.time);
  const r = returnStats(equity, initial);
  const years = ppy > 0 ? r.count / ppy : 0;
  const growth = finalEquity / initial;
  const cagrPct = years > 0 ? (growth > 0 ? (Math.pow(growth, 1 / years) - 1) * 100 : -100) : 0;
  const dd = drawdowns(candles.time, equity, initial);

  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let pnlSum = 0;
  let bestTradePct = trades.length > 0 ? -Infinity : 0;
  let worstTradePct = trades.length > 0 ? Infinity : 0;
  let totalFees = 0;
  let totalFunding = 0;
  for (const t of trades) {
    pnlSum += t.pnl;
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
    } else if (t.pnl < 0) {
      losses++;
      grossLoss -= t.pnl;
    }
    bestTradePct = Math.max(bestTradePct, t.returnPct);
    worstTradePct = Math.min(worstTradePct, t.returnPct);
    totalFees += t.fees;
    totalFunding += t.funding;
  }
  const m = trades.length;
  const expectancy = m > 0 ? pnlSum / m : 0;
  let pnlSq = 0;
  for (const t of trades) pnlSq += (t.pnl - expectancy) * (t.pnl - expectancy);
  const pnlStd = m > 1 ? Math.sqrt(pnlSq / (m - 1)) : 0;
  const avgWin = wins > 0 ? grossProfit / wins : 0;
  const avgLoss = losses > 0 ? -grossLoss / losses : 0;
  const winRate = m > 0 ? wins / m : 0;

  return {
    trades: m,
    finalEquity: money(finalEquity),
    returnPct: (growth - 1) * 100,
    cagrPct,
    annualReturnPct: r.mean * ppy * 100,
    annualVolatilityPct: r.std * Math.sqrt(ppy) * 100,
    sharpe: r.std > 0 ? (r.mean / r.std) * Math.sqrt(ppy) : 0,
    sortino: r.downside > 0 ? (r.mean / r.downside) * Math.sqrt(ppy) : ratio(r.mean, 0),
    calmar: ratio(cagrPct, dd.maxPct),
    maxDrawdownPct: dd.maxPct,
    maxDrawdownDurationMs: dd.maxDurationMs,
    avgDrawdownPct: dd.avgPct,
    winRatePct: winRate * 100,
    profitFactor: ratio(grossProfit, grossLoss),
    expectancy: money(expectancy),
    avgWin: money(avgWin),
    avgLoss: money(avgLoss),
    bestTradePct,
    worstTradePct,
    exposurePct: n > 0 ? (exposureBars / n) * 100 : 0,
    sqn: pnlStd > 0 ? (Math.sqrt(m) * expectancy) / pnlStd : 0,
    kelly: kelly(m, winRate, losses, avgWin, avgLoss),
    buyHoldReturnPct: buyHoldReturnPct(candles, config),
    totalFees: money(totalFees),
    totalFunding: money(totalFunding),
  };
}

/** Money metrics are reported to 1e-8 of the quote currency: float sums carry noise below that. */
const money = (v: number): number => (Number.isFinite(v) ? Math.round(v * 1e8) / 1e8 : v);

/** W − (1 − W) / R with R = avgWin / |avgLoss|: W when nothing lost; −Infinity when nothing won. */
function kelly(trades: number, winRate: number, losses: number, avgWin: number, avgLoss: number): number {
  if (trades === 0) return 0;
  if (losses === 0) return winRate;
  if (avgWin === 0) return -Infinity;
  return winRate - (1 - winRate) / (avgWin / -avgLoss);
}

/** From the first price the engine can fill at (close of candle 0, or open of candle 1) to the last close. */
export function buyHoldReturnPct(candles: Candles, config: BacktestConfig): number {
  const n = candles.close.length;
  const firstIndex = config.fillOn === 'close' ? 0 : 1;
  if (n <= firstIndex) return 0;
  const first = config.fillOn === 'close' ? candles.close[0]! : candles.open[1]!;
  return first > 0 ? (candles.close[n - 1]! / first - 1) * 100 : 0;
}
