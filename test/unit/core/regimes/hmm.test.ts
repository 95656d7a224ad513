// The Gaussian HMM recovers the parameters a series was drawn from, within tolerances derived from
// the sample size (below), and its states come back in the same canonical order however the fit
// started: that order is what labels are read from.
import {
  canonicalize,
  filterProbabilities,
  fitHmm,
  HmmFilter,
  labelStates,
  logLikelihood,
  type GaussianHmm,
} from '../../../../shared/core/regimes';
import { sampleHmm, stationary, truthModel, type HmmTruth } from './synthetic';

// Three regimes of daily-like returns, ascending by mean: a volatile fall, a calm range, a rise.
const THREE: HmmTruth = {
  means: [-0.003, 0, 0.002],
  sds: [0.03, 0.006, 0.012],
  transition: [
    [0.95, 0.03, 0.02],
    [0.02, 0.97, 0.01],
    [0.02, 0.02, 0.96],
  ],
};
const TWO: HmmTruth = {
  means: [-0.002, 0.001],
  sds: [0.025, 0.008],
  transition: [
    [0.97, 0.03],
    [0.02, 0.98],
  ],
};

/**
 * Tolerances, from the sampling error of each estimate with n·π_j observations in state j (π the
 * stationary distribution), at four standard errors (a correct fit fails one such bound with
 * probability ≈ 6e-5; a fit that swapped or merged states misses by many):
 *   mean_j:  4·σ_j / √(n·π_j)
 *   σ_j:     relative 4 / √(2·n·π_j)        (the standard error of a sample standard deviation)
 *   A_ij:    4·√(A_ij·(1 − A_ij) / (n·π_i)) + 0.01 (binomial error of the counted transitions, plus
 *            the share of bars whose state the fit cannot know: near the switches)
 */
function expectRecovered(fit: GaussianHmm, truth: HmmTruth, n: number): void {
  const pi = stationary(truth.transition);
  const k = truth.means.length;
  expect(fit.k).toBe(k);
  for (let j = 0; j < k; j++) {
    const nj = n * pi[j]!;
    const sd = truth.sds[j]!;
    expect(Math.abs(fit.means[j]! - truth.means[j]!)).toBeLessThanOrEqual((4 * sd) / Math.sqrt(nj));
    expect(Math.abs(Math.sqrt(fit.variances[j]!) / sd - 1)).toBeLessThanOrEqual(4 / Math.sqrt(2 * nj));
    for (let c = 0; c < k; c++) {
      const a = truth.transition[j]![c]!;
      expect(Math.abs(fit.transition[j * k + c]! - a)).toBeLessThanOrEqual(4 * Math.sqrt((a * (1 - a)) / nj) + 0.01);
    }
  }
}

/** The model with its states relabelled by `order` (state a of the result is state order[a]). */
function permute(model: GaussianHmm, order: number[]): GaussianHmm {
  const k = model.k;
  return {
    k,
    initial: Float64Array.from(order, (i) => model.initial[i]!),
    means: Float64Array.from(order, (i) => model.means[i]!),
    variances: Float64Array.from(order, (i) => model.variances[i]!),
    transition: Float64Array.from({ length: k * k }, (_, ac) => {
      const a = Math.floor(ac / k);
      return model.transition[order[a]! * k + order[ac % k]!]!;
    }),
  };
}

describe('fitHmm: parameter recovery on series from known parameters', () => {
  it.each([1, 2, 3])(
    '3 states, 5,000 returns, seed %i: means, σ and transitions within the stated tolerances',
    (seed) => {
      const n = 5000;
      const { x } = sampleHmm(THREE, n, seed);
      const fit = fitHmm(x, { states: 3, seed });
      expect(fit.converged).toBe(true);
      expectRecovered(fit.model, THREE, n);
      // The maximum it found is at least as likely as the truth: EM climbed, not stalled.
      expect(fit.logLikelihood).toBeGreaterThanOrEqual(logLikelihood(truthModel(THREE), x));
    },
    60_000,
  );

  it('2 states, 3,000 returns', () => {
    const n = 3000;
    const { x } = sampleHmm(TWO, n, 7);
    const fit = fitHmm(x, { states: 2, seed: 7 });
    expect(fit.converged).toBe(true);
    expectRecovered(fit.model, TWO, n);
  }, 60_000);
});

describe('canonical state order (what keeps labels consistent between refits)', () => {
  it('a permuted model canonicalizes to the same model', () => {
    const truth = truthModel(THREE);
    for (const order of [
      [2, 0, 1],
      [1, 2, 0],
      [2, 1, 0],
    ])
      expect(canonicalize(permute(truth, order))).toEqual(canonicalize(truth));
  });

  it('fits from differently ordered warm starts and other seeds return the states in the same order', () => {
    const { x } = sampleHmm(THREE, 3000, 11);
    const truth = truthModel(THREE);
    const fits = [
      fitHmm(x, { seed: 1 }),
      fitHmm(x, { seed: 99, restarts: 2 }),
      fitHmm(x, { seed: 5, warmStart: permute(truth, [2, 0, 1]) }),
    ];
    for (const fit of fits) {
      // ascending means, and each state near the truth's state of the same rank
      expect(Array.from(fit.model.means)).toEqual([...fit.model.means].sort((a, b) => a - b));
      for (let j = 0; j < 3; j++) expect(Math.abs(fit.model.means[j]! - THREE.means[j]!)).toBeLessThan(0.0025);
      expect(labelStates(fit.model.variances)).toEqual(['BEAR', 'SIDEWAYS', 'BULL']);
    }
  }, 60_000);

  it('refits on two halves of one series name the same regimes the same way', () => {
    const { x } = sampleHmm(THREE, 8000, 21);
    const first = fitHmm(x.subarray(0, 4000), { seed: 1 }).model;
    const second = fitHmm(x.subarray(4000), { seed: 2 }).model;
    for (let j = 0; j < 3; j++) {
      // the same hidden regime in both halves: σ within 10 % of each other, state by state
      expect(Math.abs(Math.sqrt(first.variances[j]! / second.variances[j]!) - 1)).toBeLessThan(0.1);
    }
  }, 60_000);
});

describe('labelStates', () => {
  it('K = 2, 3, 4, 5: BEAR lowest mean, BULL highest, SIDEWAYS the calmest between, the rest NEUTRAL', () => {
    expect(labelStates([1, 2])).toEqual(['BEAR', 'BULL']);
    expect(labelStates([3, 1, 2])).toEqual(['BEAR', 'SIDEWAYS', 'BULL']);
    expect(labelStates([3, 2, 1, 4])).toEqual(['BEAR', 'NEUTRAL', 'SIDEWAYS', 'BULL']);
    expect(labelStates([1, 0.5, 0.2, 0.9, 2])).toEqual(['BEAR', 'NEUTRAL', 'SIDEWAYS', 'NEUTRAL', 'BULL']);
    expect(labelStates([1])).toEqual(['NEUTRAL']);
  });
});

describe('forward filtering', () => {
  it('HmmFilter, one return at a time, equals filterProbabilities row by row', () => {
    const truth = truthModel(THREE);
    const { x } = sampleHmm(THREE, 500, 3);
    const batch = filterProbabilities(truth, x);
    const filter = new HmmFilter(truth);
    for (let t = 0; t < x.length; t++) {
      filter.next(x[t]!);
      for (let j = 0; j < 3; j++) expect(filter.probabilities[j]).toBeCloseTo(batch[t * 3 + j]!, 12);
    }
  });

  it('tracks the hidden state: the most probable filtered state is the true one on most bars', () => {
    const { x, states } = sampleHmm(THREE, 3000, 4);
    const p = filterProbabilities(truthModel(THREE), x);
    let hits = 0;
    for (let t = 0; t < x.length; t++) {
      let best = 0;
      for (let j = 1; j < 3; j++) if (p[t * 3 + j]! > p[t * 3 + best]!) best = j;
      if (best === states[t]) hits++;
    }
    // BEAR and SIDEWAYS differ fivefold in σ, BULL sits between: most bars are identifiable at once
    expect(hits / x.length).toBeGreaterThan(0.75);
  });

  it('a return far in every state’s tail neither underflows nor yields NaN', () => {
    const truth = truthModel(THREE);
    const p = filterProbabilities(truth, [0.001, 5, -4, 0.002]);
    expect(Array.from(p).every(Number.isFinite)).toBe(true);
    for (let t = 0; t < 4; t++) expect(p[t * 3]! + p[t * 3 + 1]! + p[t * 3 + 2]!).toBeCloseTo(1, 12);
  });
});

describe('bad input', () => {
  it('too few returns, a non-finite return, a bad state count: refused naming the bound', () => {
    expect(() => fitHmm(new Float64Array(20), { states: 3 })).toThrow('at least 30 returns, got 20');
    const x = new Float64Array(100).fill(0.01);
    x[40] = Number.NaN;
    expect(() => fitHmm(x)).toThrow('return 40 is not a finite number');
    expect(() => fitHmm(new Float64Array(100), { states: 0 })).toThrow('states must be a whole number from 1 to 8');
  });
});
