// What a signal may ask of its entry's execution (slices over time) and how a child slice names its
// parent. A leaf: the signal types, the executor's algo/ folder and the backtest all read it.
// docs/EXECUTION-ALGOS.md.

export type AlgoKind = 'twap' | 'adaptive';

/** What a signal (or the account's threshold) asks of an entry's execution. */
export interface AlgoSpec {
  kind: AlgoKind;
  /** time over which the slices are sent, ms */
  horizonMs: number;
  /** time between two slices, ms */
  intervalMs: number;
  /** adaptive: what one slice may cost against the best price on the book, bps */
  maxSlippageBps?: number;
}

/** Bounds a signal's algo is validated against (errors name the field and the bound). */
export const ALGO_BOUNDS = {
  minIntervalMs: 10_000,
  maxHorizonMs: 24 * 3_600_000,
  maxSlices: 100,
  minSlices: 2,
} as const;

/** A child signal's reference to its parent (the entry signal that asked for the algo). */
export interface SliceRef {
  parentId: string;
  /** 0-based; slice 0 is sent by the parent's own execution */
  index: number;
}

/** The child's signal id: deterministic, so its client order id is too. */
export const childSignalId = (parentId: string, index: number): string => `${parentId}.s${index}`;

/** How many slices a spec makes: one every interval across the horizon, within the bounds. */
export function sliceCount(spec: Pick<AlgoSpec, 'horizonMs' | 'intervalMs'>): number {
  const n = Math.ceil(spec.horizonMs / spec.intervalMs);
  return Math.min(ALGO_BOUNDS.maxSlices, Math.max(ALGO_BOUNDS.minSlices, n));
}
