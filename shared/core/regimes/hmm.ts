// A Gaussian hidden Markov model on log returns: Baum–Welch (EM) fit with scaled forward/backward
// passes, several seeded initialisations, and forward filtering P(state_t | returns ≤ t).
//
// Floats, not Decimal: this is statistics on returns (likelihoods, probabilities), never money;
// the loops run over every bar of a window at each refit (docs/REGIMES.md).
//
// Scaling: each bar's emission densities are divided by their largest value (kept as a log) and
// each forward vector is normalised to sum 1 (Rabiner's c_t), so nothing underflows however long
// the series or however far a return lies in a state's tail.
import { InvalidArgumentError } from '../errors';
import { mulberry32 } from '../backtest/prng';

export interface GaussianHmm {
  /** number of states */
  k: number;
  /** P(state_0 = j) */
  initial: Float64Array;
  /** row-major k×k: transition[i·k + j] = P(state_t+1 = j | state_t = i) */
  transition: Float64Array;
  means: Float64Array;
  variances: Float64Array;
}

export interface HmmFitOptions {
  /** states (default 3) */
  states?: number;
  /** EM iterations per initialisation (default 300) */
  maxIterations?: number;
  /** stop when the log-likelihood improves by less than this per observation (default 1e-9) */
  tolerance?: number;
  /** seeded random initialisations besides the quantile one (default 6) */
  restarts?: number;
  seed?: number;
  /** an earlier fit to start from too (a refit's warm start); the best likelihood still wins */
  warmStart?: GaussianHmm;
}

export interface HmmFit {
  /** in canonical order (canonicalize) */
  model: GaussianHmm;
  logLikelihood: number;
  /** iterations of the winning initialisation */
  iterations: number;
  /** whether the winning initialisation met the tolerance before maxIterations */
  converged: boolean;
}

const LOG_2PI = Math.log(2 * Math.PI);
/** EM iterations every start gets before the two most likely are run to convergence */
const SCREEN_ITERATIONS = 15;

/** log(close_t / close_t−1) for t ≥ 1: n − 1 values. */
export function logReturns(close: ArrayLike<number>): Float64Array {
  const n = close.length;
  const out = new Float64Array(Math.max(0, n - 1));
  for (let t = 1; t < n; t++) out[t - 1] = Math.log(close[t]! / close[t - 1]!);
  return out;
}

/**
 * Emission likelihoods of one observation, divided by the largest of them (written to `out`);
 * returns that largest value's log, which the caller adds back to the log-likelihood.
 */
function emissions(model: GaussianHmm, x: number, out: Float64Array): number {
  const { k, means, variances } = model;
  let max = -Infinity;
  for (let j = 0; j < k; j++) {
    const d = x - means[j]!;
    const v = variances[j]!;
    const log = -0.5 * (LOG_2PI + Math.log(v) + (d * d) / v);
    out[j] = log;
    if (log > max) max = log;
  }
  for (let j = 0; j < k; j++) out[j] = Math.exp(out[j]! - max);
  return max;
}

/**
 * One forward step: `alpha` holds P(state_t−1 | x ≤ t−1) (or is ignored when `first`) and becomes
 * P(state_t | x ≤ t). `b` receives the scaled emissions. Returns log p(x_t | x < t).
 */
function forwardStep(
  model: GaussianHmm,
  alpha: Float64Array,
  x: number,
  first: boolean,
  b: Float64Array,
  scratch: Float64Array,
): number {
  const { k, transition, initial } = model;
  const logMax = emissions(model, x, b);
  let sum = 0;
  for (let j = 0; j < k; j++) {
    let predicted: number;
    if (first) predicted = initial[j]!;
    else {
      predicted = 0;
      for (let i = 0; i < k; i++) predicted += alpha[i]! * transition[i * k + j]!;
    }
    const value = predicted * b[j]!;
    scratch[j] = value;
    sum += value;
  }
  // Every state impossible (a zero row met a zero density): restart from the stationary guess
  // rather than divide by zero; only degenerate fits get here.
  if (!(sum > 0)) {
    for (let j = 0; j < k; j++) alpha[j] = 1 / k;
    return logMax + Math.log(Number.MIN_VALUE);
  }
  for (let j = 0; j < k; j++) alpha[j] = scratch[j]! / sum;
  return logMax + Math.log(sum);
}

/**
 * P(state_t | x_0 … x_t) for every t, row-major n×k: the filtered probabilities, which use no bar
 * after t (the forward pass alone).
 */
export function filterProbabilities(model: GaussianHmm, x: ArrayLike<number>): Float64Array {
  const { k } = model;
  const n = x.length;
  const out = new Float64Array(n * k);
  const alpha = new Float64Array(k);
  const b = new Float64Array(k);
  const scratch = new Float64Array(k);
  for (let t = 0; t < n; t++) {
    forwardStep(model, alpha, x[t]!, t === 0, b, scratch);
    out.set(alpha, t * k);
  }
  return out;
}

/** The forward filter one observation at a time: O(k²) per bar. */
export class HmmFilter {
  /** P(state_t | x ≤ t) after the latest `next` */
  readonly probabilities: Float64Array;
  private first = true;
  private readonly b: Float64Array;
  private readonly scratch: Float64Array;

  constructor(readonly model: GaussianHmm) {
    this.probabilities = new Float64Array(model.k);
    this.b = new Float64Array(model.k);
    this.scratch = new Float64Array(model.k);
  }

  /** Feeds x_t; returns log p(x_t | x < t). */
  next(x: number): number {
    const logP = forwardStep(this.model, this.probabilities, x, this.first, this.b, this.scratch);
    this.first = false;
    return logP;
  }
}

/**
 * P(state_t | x_0 … x_n−1): the smoothed (forward–backward) probabilities. They read every bar,
 * later ones included: for fitting and for after-the-fact analysis only, never for a decision at t
 * (the look-ahead test shows a regime series built on them fails).
 */
export function smoothProbabilities(model: GaussianHmm, x: ArrayLike<number>): Float64Array {
  return forwardBackward(model, x, undefined).gamma;
}

interface Pass {
  gamma: Float64Array;
  logLikelihood: number;
}

/** Scaled forward–backward. With `xiSum` (k×k) it also accumulates Σ_t P(s_t = i, s_t+1 = j | x). */
function forwardBackward(model: GaussianHmm, x: ArrayLike<number>, xiSum: Float64Array | undefined): Pass {
  const { k, transition } = model;
  const n = x.length;
  const alpha = new Float64Array(n * k);
  const bAll = new Float64Array(n * k);
  const scale = new Float64Array(n);
  const a = new Float64Array(k);
  const b = new Float64Array(k);
  const scratch = new Float64Array(k);
  let logLikelihood = 0;
  for (let t = 0; t < n; t++) {
    const logMax = emissions(model, x[t]!, b);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      let predicted: number;
      if (t === 0) predicted = model.initial[j]!;
      else {
        predicted = 0;
        for (let i = 0; i < k; i++) predicted += a[i]! * transition[i * k + j]!;
      }
      scratch[j] = predicted * b[j]!;
      sum += scratch[j]!;
    }
    if (!(sum > 0)) sum = Number.MIN_VALUE;
    for (let j = 0; j < k; j++) {
      a[j] = scratch[j]! / sum;
      alpha[t * k + j] = a[j]!;
    }
    bAll.set(b, t * k);
    scale[t] = sum;
    logLikelihood += logMax + Math.log(sum);
  }
  const gamma = new Float64Array(n * k);
  const beta = new Float64Array(k).fill(1);
  const nextBeta = new Float64Array(k);
  for (let t = n - 1; t >= 0; t--) {
    let norm = 0;
    for (let j = 0; j < k; j++) norm += alpha[t * k + j]! * beta[j]!;
    for (let j = 0; j < k; j++) gamma[t * k + j] = norm > 0 ? (alpha[t * k + j]! * beta[j]!) / norm : 1 / k;
    if (t === 0) break;
    // beta_t−1(i) = Σ_j A_ij b_t(j) beta_t(j) / c_t; ξ_t−1(i, j) ∝ alpha_t−1(i) A_ij b_t(j) beta_t(j) / c_t
    const c = scale[t]!;
    for (let j = 0; j < k; j++) scratch[j] = (bAll[t * k + j]! * beta[j]!) / c;
    if (xiSum) {
      let total = 0;
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) total += alpha[(t - 1) * k + i]! * transition[i * k + j]! * scratch[j]!;
      if (total > 0)
        for (let i = 0; i < k; i++)
          for (let j = 0; j < k; j++)
            xiSum[i * k + j] =
              xiSum[i * k + j]! + (alpha[(t - 1) * k + i]! * transition[i * k + j]! * scratch[j]!) / total;
    }
    let betaMax = 0;
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += transition[i * k + j]! * scratch[j]!;
      nextBeta[i] = s;
      if (s > betaMax) betaMax = s;
    }
    // beta is only ever used up to a constant factor per t (gamma and ξ are normalised): keep it near 1.
    for (let i = 0; i < k; i++) beta[i] = betaMax > 0 ? nextBeta[i]! / betaMax : 1;
  }
  return { gamma, logLikelihood };
}

/** The model's log-likelihood of `x` (forward pass). */
export function logLikelihood(model: GaussianHmm, x: ArrayLike<number>): number {
  const alpha = new Float64Array(model.k);
  const b = new Float64Array(model.k);
  const scratch = new Float64Array(model.k);
  let total = 0;
  for (let t = 0; t < x.length; t++) total += forwardStep(model, alpha, x[t]!, t === 0, b, scratch);
  return total;
}

/**
 * The same model with its states in canonical order: ascending mean, ties by ascending variance.
 * Labels (labels.ts) are read off this order, which is what makes them consistent between refits.
 */
export function canonicalize(model: GaussianHmm): GaussianHmm {
  const { k } = model;
  const order = Array.from({ length: k }, (_, j) => j).sort(
    (p, q) => model.means[p]! - model.means[q]! || model.variances[p]! - model.variances[q]!,
  );
  const out: GaussianHmm = {
    k,
    initial: new Float64Array(k),
    transition: new Float64Array(k * k),
    means: new Float64Array(k),
    variances: new Float64Array(k),
  };
  for (let a = 0; a < k; a++) {
    const i = order[a]!;
    out.initial[a] = model.initial[i]!;
    out.means[a] = model.means[i]!;
    out.variances[a] = model.variances[i]!;
    for (let c = 0; c < k; c++) out.transition[a * k + c] = model.transition[i * k + order[c]!]!;
  }
  return out;
}

function meanAndVariance(x: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0;
  for (let t = 0; t < x.length; t++) mean += x[t]!;
  mean /= x.length;
  let variance = 0;
  for (let t = 0; t < x.length; t++) variance += (x[t]! - mean) ** 2;
  return { mean, variance: variance / x.length };
}

function copyModel(model: GaussianHmm): GaussianHmm {
  return {
    k: model.k,
    initial: Float64Array.from(model.initial),
    transition: Float64Array.from(model.transition),
    means: Float64Array.from(model.means),
    variances: Float64Array.from(model.variances),
  };
}

/**
 * Starting points: the data's quantiles as means with the overall variance (deterministic), then
 * `restarts` seeded ones (means drawn from the data, variances scaled by 0.25…4, a random
 * persistence on the diagonal). EM climbs to a local maximum; several starts find the global one
 * far more often (tested on known parameters).
 */
function initialisations(x: ArrayLike<number>, k: number, restarts: number, seed: number): GaussianHmm[] {
  const { variance } = meanAndVariance(x);
  const sorted = Float64Array.from(x).sort();
  const n = sorted.length;
  const base = (): GaussianHmm => {
    const transition = new Float64Array(k * k);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) transition[i * k + j] = i === j ? 0.9 : k > 1 ? 0.1 / (k - 1) : 0;
    if (k === 1) transition[0] = 1;
    return {
      k,
      initial: new Float64Array(k).fill(1 / k),
      transition,
      means: new Float64Array(k),
      variances: new Float64Array(k).fill(variance),
    };
  };
  const quantile = base();
  for (let j = 0; j < k; j++) quantile.means[j] = sorted[Math.min(n - 1, Math.floor(((j + 0.5) / k) * n))]!;
  const starts = [quantile];
  const random = mulberry32(seed);
  for (let r = 0; r < restarts; r++) {
    const start = base();
    for (let j = 0; j < k; j++) {
      start.means[j] = sorted[Math.min(n - 1, Math.floor(random() * n))]!;
      start.variances[j] = variance * 4 ** (2 * random() - 1);
      const stay = 0.5 + 0.49 * random();
      for (let c = 0; c < k; c++) start.transition[j * k + c] = c === j ? stay : k > 1 ? (1 - stay) / (k - 1) : 0;
    }
    starts.push(start);
  }
  return starts;
}

/** Baum–Welch from one start. */
function baumWelch(
  x: ArrayLike<number>,
  start: GaussianHmm,
  maxIterations: number,
  tolerance: number,
  varianceFloor: number,
): HmmFit {
  const k = start.k;
  const n = x.length;
  let model = copyModel(start);
  let previous = -Infinity;
  let iterations = 0;
  let converged = false;
  let last = -Infinity;
  const xiSum = new Float64Array(k * k);
  for (; iterations < maxIterations; iterations++) {
    xiSum.fill(0);
    const { gamma, logLikelihood: ll } = forwardBackward(model, x, xiSum);
    last = ll;
    if (!Number.isFinite(ll)) break;
    if (ll - previous < tolerance * n && iterations > 0) {
      converged = true;
      break;
    }
    previous = ll;
    const next = copyModel(model);
    for (let j = 0; j < k; j++) {
      let weight = 0;
      let sum = 0;
      for (let t = 0; t < n; t++) {
        const g = gamma[t * k + j]!;
        weight += g;
        sum += g * x[t]!;
      }
      const mean = weight > 0 ? sum / weight : model.means[j]!;
      let squares = 0;
      for (let t = 0; t < n; t++) squares += gamma[t * k + j]! * (x[t]! - mean) ** 2;
      next.means[j] = mean;
      // A state that explains one return would shrink its variance to zero and the likelihood to
      // infinity: the floor keeps EM on meaningful maxima.
      next.variances[j] = Math.max(varianceFloor, weight > 0 ? squares / weight : model.variances[j]!);
      next.initial[j] = gamma[j]!;
      let row = 0;
      for (let c = 0; c < k; c++) row += xiSum[j * k + c]!;
      for (let c = 0; c < k; c++)
        next.transition[j * k + c] = row > 0 ? xiSum[j * k + c]! / row : model.transition[j * k + c]!;
    }
    model = next;
  }
  // Stopped by maxIterations: the last update has not been scored yet.
  if (!converged && Number.isFinite(last)) last = logLikelihood(model, x);
  return { model, logLikelihood: last, iterations, converged };
}

/**
 * Fits a K-state Gaussian HMM to `x` by Baum–Welch from several starts and keeps the highest
 * likelihood. Deterministic for a given seed. The result is in canonical order.
 */
export function fitHmm(x: ArrayLike<number>, options: HmmFitOptions = {}): HmmFit {
  const k = options.states ?? 3;
  if (!Number.isInteger(k) || k < 1 || k > 8)
    throw new InvalidArgumentError(`states must be a whole number from 1 to 8, not ${k}`);
  if (x.length < 10 * k)
    throw new InvalidArgumentError(`an HMM of ${k} states needs at least ${10 * k} returns, got ${x.length}`);
  for (let t = 0; t < x.length; t++)
    if (!Number.isFinite(x[t]!)) throw new InvalidArgumentError(`return ${t} is not a finite number`);
  const { variance } = meanAndVariance(x);
  const varianceFloor = Math.max(variance * 1e-4, Number.MIN_VALUE);
  const starts = initialisations(x, k, options.restarts ?? 6, options.seed ?? 1);
  if (options.warmStart && options.warmStart.k === k) starts.unshift(options.warmStart);
  const maxIterations = options.maxIterations ?? 300;
  const tolerance = options.tolerance ?? 1e-9;
  // Every start gets a short run; only the two most likely continue to convergence. EM's ranking
  // of starts is settled early (the likelihood's big climbs come first), and this costs a fraction
  // of running every start to the end.
  const screened = starts
    .map((start) => baumWelch(x, start, Math.min(SCREEN_ITERATIONS, maxIterations), tolerance, varianceFloor))
    .filter((fit) => Number.isFinite(fit.logLikelihood))
    .sort((a, b) => b.logLikelihood - a.logLikelihood)
    .slice(0, 2);
  let best: HmmFit | undefined;
  for (const short of screened) {
    const fit = short.converged
      ? short
      : baumWelch(x, short.model, maxIterations - short.iterations, tolerance, varianceFloor);
    const total = { ...fit, iterations: fit.iterations + (short.converged ? 0 : short.iterations) };
    if (Number.isFinite(total.logLikelihood) && (!best || total.logLikelihood > best.logLikelihood)) best = total;
  }
  if (!best) throw new InvalidArgumentError('no initialisation gave a finite likelihood');
  return { ...best, model: canonicalize(best.model) };
}
