// Monte Carlo over a backtest's trades: resample (bootstrap, with replacement) or reorder
// (shuffle, without replacement) the trade sequence many times with a seeded generator, and report
// the spread of total return and maximum drawdown a different luck of the draw would have given.
import { mulberry32, randomIndex } from './prng';
import { InvalidArgumentError } from '../errors';

export type MonteCarloMode = 'bootstrap' | 'shuffle';
export const MONTE_CARLO_MODES: readonly MonteCarloMode[] = ['bootstrap', 'shuffle'];

export interface MonteCarloOptions {
  runs: number;
  seed: number;
  mode: MonteCarloMode;
  /** equity before the first trade */
  startEquity: number;
  /**
   * true: each trade moves equity by the fraction it moved it in the backtest (sizing in percent
   * of equity); false: by its P&L in quote currency (fixed-size sizing).
   */
  compound: boolean;
}

export interface Percentiles {
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

export interface MonteCarloReport {
  mode: MonteCarloMode;
  runs: number;
  seed: number;
  trades: number;
  compound: boolean;
  /** total return of each run, percent */
  returnPct: Percentiles;
  /** deepest fall from a peak of each run's trade-by-trade equity, percent (positive) */
  maxDrawdownPct: Percentiles;
  /** share of runs that end below the starting equity, percent */
  probabilityOfLossPct: number;
  /** the same two figures for the trades in their real order */
  original: { returnPct: number; maxDrawdownPct: number };
}

/** Linear interpolation between closest ranks (numpy's default) over ascending values. */
export function percentile(sortedAscending: ArrayLike<number>, p: number): number {
  const n = sortedAscending.length;
  if (n === 0) return 0;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  const a = sortedAscending[lo]!;
  return a + (sortedAscending[hi]! - a) * (rank - lo);
}

/** What each trade did to equity: its fraction of the equity before it (compound) or its P&L. */
export function tradeSteps(pnls: readonly number[], startEquity: number, compound: boolean): Float64Array {
  const steps = new Float64Array(pnls.length);
  let equity = startEquity;
  pnls.forEach((pnl, i) => {
    steps[i] = compound ? (equity > 0 ? pnl / equity : 0) : pnl;
    equity += pnl;
  });
  return steps;
}

export function monteCarlo(pnls: readonly number[], options: MonteCarloOptions): MonteCarloReport {
  const { runs, seed, mode, startEquity, compound } = options;
  if (!Number.isInteger(runs) || runs < 1)
    throw new InvalidArgumentError(`runs must be a whole number ≥ 1, not ${runs}`);
  if (!(startEquity > 0)) throw new InvalidArgumentError(`startEquity must be > 0, not ${startEquity}`);
  const steps = tradeSteps(pnls, startEquity, compound);
  const n = steps.length;
  const random = mulberry32(seed);
  const returns = new Float64Array(runs);
  const drawdowns = new Float64Array(runs);
  const order = new Float64Array(n);
  let losses = 0;
  for (let run = 0; run < runs; run++) {
    if (mode === 'bootstrap') {
      for (let i = 0; i < n; i++) order[i] = steps[randomIndex(random, n)]!;
    } else {
      order.set(steps);
      shuffleInPlace(order, random);
    }
    const path = walk(order, startEquity, compound);
    returns[run] = path.returnPct;
    drawdowns[run] = path.maxDrawdownPct;
    if (path.returnPct < 0) losses++;
  }
  returns.sort();
  drawdowns.sort();
  return {
    mode,
    runs,
    seed,
    trades: n,
    compound,
    returnPct: percentiles(returns),
    maxDrawdownPct: percentiles(drawdowns),
    probabilityOfLossPct: (losses / runs) * 100,
    original: walk(steps, startEquity, compound),
  };
}

/** Equity trade after trade; ruin (equity ≤ 0) is final. */
function walk(
  steps: ArrayLike<number>,
  startEquity: number,
  compound: boolean,
): { returnPct: number; maxDrawdownPct: number } {
  let equity = startEquity;
  let peak = startEquity;
  let maxDrawdown = 0;
  for (let i = 0; i < steps.length && equity > 0; i++) {
    equity = compound ? equity * (1 + steps[i]!) : equity + steps[i]!;
    if (equity < 0) equity = 0;
    if (equity > peak) peak = equity;
    const drawdown = (peak - equity) / peak;
    if (drawdown > maxDrawdown) maxDrawdown = drawdown;
  }
  return { returnPct: (equity / startEquity - 1) * 100, maxDrawdownPct: maxDrawdown * 100 };
}

function percentiles(sorted: Float64Array): Percentiles {
  return {
    p5: percentile(sorted, 5),
    p25: percentile(sorted, 25),
    p50: percentile(sorted, 50),
    p75: percentile(sorted, 75),
    p95: percentile(sorted, 95),
  };
}

/** Fisher–Yates. */
function shuffleInPlace(values: Float64Array, random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    const t = values[i]!;
    values[i] = values[j]!;
    values[j] = t;
  }
}
