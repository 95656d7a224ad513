// Sliced entries in a backtest (docs/EXECUTION-ALGOS.md "Backtest"): the bounds an AlgoSpec is held
// to, how many lots a group of due slices takes, and the run's summary against unsliced fills.
// The Simulation keeps the state; these are the pure rules it applies.
import { ALGO_BOUNDS, type AlgoSpec } from '../signal/algo';
import { InvalidArgumentError } from '../errors';
import { twapShareLots } from '../execution';
import type { BacktestTrade, SlicingSummary } from './types';

/** adaptive: a slice takes at most this share of its candle's volume unless configured */
export const DEFAULT_PARTICIPATION_PCT = 10;

export interface AlgoProblem {
  field: 'kind' | 'horizonMs' | 'intervalMs' | 'maxSlippageBps';
  message: string;
}

/** What is wrong with a spec, against ALGO_BOUNDS (the webhook's bounds), or undefined. */
export function algoSpecProblem(spec: AlgoSpec): AlgoProblem | undefined {
  const { kind, horizonMs, intervalMs, maxSlippageBps } = spec;
  if (kind !== 'twap' && kind !== 'adaptive')
    return { field: 'kind', message: `must be twap or adaptive (got ${String(kind)})` };
  if (!(Number.isFinite(intervalMs) && intervalMs >= ALGO_BOUNDS.minIntervalMs))
    return {
      field: 'intervalMs',
      message: `must be ≥ ${ALGO_BOUNDS.minIntervalMs} ms (ALGO_BOUNDS.minIntervalMs; got ${intervalMs})`,
    };
  if (!(Number.isFinite(horizonMs) && horizonMs > 0 && horizonMs <= ALGO_BOUNDS.maxHorizonMs))
    return {
      field: 'horizonMs',
      message: `must be > 0 and ≤ ${ALGO_BOUNDS.maxHorizonMs} ms (ALGO_BOUNDS.maxHorizonMs; got ${horizonMs})`,
    };
  // sliceCount clamps; a spec outside the range is refused instead, as the webhook refuses it.
  const slices = Math.ceil(horizonMs / intervalMs);
  if (slices < ALGO_BOUNDS.minSlices || slices > ALGO_BOUNDS.maxSlices)
    return {
      field: 'horizonMs',
      message: `over the interval makes ${slices} slice(s); must make ${ALGO_BOUNDS.minSlices} to ${ALGO_BOUNDS.maxSlices} (ALGO_BOUNDS.minSlices/maxSlices)`,
    };
  if (maxSlippageBps !== undefined && !(Number.isFinite(maxSlippageBps) && maxSlippageBps > 0))
    return { field: 'maxSlippageBps', message: `must be > 0 (got ${maxSlippageBps})` };
  return undefined;
}

/** Throws InvalidArgumentError naming `where`.field and the bound. */
export function assertAlgoSpec(spec: AlgoSpec, where: string): void {
  const problem = algoSpecProblem(spec);
  if (problem !== undefined) throw new InvalidArgumentError(`${where}.${problem.field} ${problem.message}`);
}

/**
 * Lots a group of `due` TWAP slices takes (several fall in one candle when the interval is shorter
 * than it): each slice by the executor's own rule (`twapShareLots`: the remaining lots ÷ the slices
 * left, rounded down; the last takes the rest; a share below the minimum sends everything left; a
 * remainder below the minimum joins the share). Lots are integers, so the amounts stay exact lot
 * multiples; the backtest's floats are only its prices (and `minLots` computed from them), kept as
 * plain numbers because this runs per candle over millions of candles, where Big would cost ~10×.
 */
export function twapLots(remaining: number, slicesLeft: number, due: number, minLots: number): number {
  let lots = 0;
  for (let j = 0; j < due; j++) {
    const share = twapShareLots(remaining - lots, slicesLeft - j, minLots);
    lots += share.lots;
    if (share.last) break;
  }
  return lots;
}

/** The summary of the sliced entries among `trades`, or undefined when none was sliced. */
export function summariseSlicing(trades: readonly BacktestTrade[]): SlicingSummary | undefined {
  const summary: SlicingSummary = { sliced: 0, completed: 0, cancelled: 0, capped: 0, avgCostBps: 0 };
  let costBps = 0;
  for (const t of trades) {
    const s = t.slices;
    if (s === undefined) continue;
    summary.sliced++;
    summary[s.outcome]++;
    const side = t.side === 'long' ? 1 : -1;
    costBps += (side * (t.entryPrice - s.unslicedPrice) * 10_000) / s.unslicedPrice;
  }
  if (summary.sliced === 0) return undefined;
  summary.avgCostBps = costBps / summary.sliced;
  return summary;
}
