// What "best" means when parameter sets are compared: one metric, higher is better, and a set
// that makes no trade or yields no number never outranks one that does.
import type { Metrics } from './types';

export const OBJECTIVES = ['sharpe', 'sortino', 'returnPct', 'calmar', 'profitFactor'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export function isObjective(name: string): name is Objective {
  return (OBJECTIVES as readonly string[]).includes(name);
}

/** The objective's value, or -Infinity when the set traded nothing or the metric is undefined. */
export function objectiveScore(metrics: Metrics, objective: Objective): number {
  if (metrics.trades === 0) return Number.NEGATIVE_INFINITY;
  const value = metrics[objective];
  return Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
}

/** Best first; ties keep their input order (Array.prototype.sort is stable). */
export function rankByObjective<T extends { metrics: Metrics }>(results: readonly T[], objective: Objective): T[] {
  return [...results].sort((a, b) =>
    compareScores(objectiveScore(b.metrics, objective), objectiveScore(a.metrics, objective)),
  );
}

function compareScores(a: number, b: number): number {
  if (a === b) return 0;
  return a > b ? 1 : -1;
}
