// The regime vocabulary every consumer shares (strategies, backtest, reports, the risk engine's
// per-regime limits). A model's states are mapped onto these names by a rule that depends only on
// the fitted parameters (labelStates), so the same market reads the same name after every refit.

export const REGIME_LABELS = ['BULL', 'BEAR', 'SIDEWAYS', 'NEUTRAL'] as const;
export type RegimeLabel = (typeof REGIME_LABELS)[number];

/** Where a reading came from: the fitted HMM, or the ADX / ATR-percentile rules when no fit is usable. */
export type RegimeSource = 'hmm' | 'rules';

export function isRegimeLabel(value: unknown): value is RegimeLabel {
  return typeof value === 'string' && (REGIME_LABELS as readonly string[]).includes(value);
}

/** Index of a label in REGIME_LABELS (label-probability arrays are laid out in that order). */
export const labelIndex = (label: RegimeLabel): number => REGIME_LABELS.indexOf(label);

/**
 * Names for K states already in canonical order (ascending mean, then ascending variance; see
 * hmm.ts canonicalize): the highest mean is BULL, the lowest BEAR; of the states between them the
 * one with the lowest variance is SIDEWAYS and any others are NEUTRAL. One state is NEUTRAL; two
 * are BEAR and BULL. The rule reads only (mean, variance), which is what keeps labels stable
 * between refits: a refit that finds the same market finds the same order.
 */
export function labelStates(variances: ArrayLike<number>): RegimeLabel[] {
  const k = variances.length;
  if (k === 1) return ['NEUTRAL'];
  const labels: RegimeLabel[] = new Array<RegimeLabel>(k).fill('NEUTRAL');
  labels[0] = 'BEAR';
  labels[k - 1] = 'BULL';
  let calm = -1;
  for (let j = 1; j < k - 1; j++) if (calm < 0 || variances[j]! < variances[calm]!) calm = j;
  if (calm > 0) labels[calm] = 'SIDEWAYS';
  return labels;
}

/** Sums state probabilities into label probabilities (REGIME_LABELS order). */
export function labelProbabilities(
  stateProbabilities: ArrayLike<number>,
  labels: readonly RegimeLabel[],
  out: Float64Array = new Float64Array(REGIME_LABELS.length),
): Float64Array {
  out.fill(0);
  for (let j = 0; j < labels.length; j++) {
    const i = labelIndex(labels[j]!);
    out[i] = out[i]! + stateProbabilities[j]!;
  }
  return out;
}
