// GARCH(1,1) by maximum likelihood, and its volatility forecast.
//
//   ε_t = r_t − mean(r),   h_t = ω + α ε²_t−1 + β h_t−1,   h_0 = the sample variance
//
// Gaussian log-likelihood, maximised with Nelder–Mead over unconstrained parameters that map onto
// the admissible set by construction: ω = v·e^θ0 (> 0), α + β = logistic(θ1) (in (0, 1)),
// α = (α + β)·logistic(θ2), β = the rest (both ≥ 0). The returns are scaled to unit variance
// for the search (v is their variance), so the simplex works on numbers near 1 whatever the market.
// Deterministic: fixed starting points, no randomness. Floats (statistics on returns, not money).
import { InvalidArgumentError } from '../errors';
import { nelderMead } from './nelder-mead';

export interface GarchParams {
  omega: number;
  alpha: number;
  beta: number;
}

export interface GarchFit extends GarchParams {
  /** the mean removed from the returns before fitting */
  mean: number;
  logLikelihood: number;
  /** h_t for each return (the variance expected for r_t before it was seen) */
  variances: Float64Array;
  /** h for the bar after the last return */
  nextVariance: number;
  converged: boolean;
}

const LOG_2PI = Math.log(2 * Math.PI);
const logistic = (z: number): number => 1 / (1 + Math.exp(-z));
const logit = (p: number): number => Math.log(p / (1 - p));

/** Maps unconstrained θ to admissible (ω, α, β) for data of variance `scale`. */
function decode(theta: ArrayLike<number>, scale: number): GarchParams {
  const persistence = logistic(theta[1]!);
  const share = logistic(theta[2]!);
  return { omega: scale * Math.exp(theta[0]!), alpha: persistence * share, beta: persistence * (1 - share) };
}

function encode(params: GarchParams, scale: number): Float64Array {
  const persistence = params.alpha + params.beta;
  return Float64Array.from([Math.log(params.omega / scale), logit(persistence), logit(params.alpha / persistence)]);
}

/**
 * Gaussian negative log-likelihood of demeaned returns `e` under (ω, α, β), h_0 = `h0`; writes h_t
 * into `out` when given.
 */
function negativeLogLikelihood(e: ArrayLike<number>, p: GarchParams, h0: number, out?: Float64Array): number {
  let h = h0;
  let total = 0;
  for (let t = 0; t < e.length; t++) {
    if (t > 0) h = p.omega + p.alpha * e[t - 1]! ** 2 + p.beta * h;
    if (out) out[t] = h;
    total += LOG_2PI + Math.log(h) + e[t]! ** 2 / h;
  }
  return 0.5 * total;
}

/** Starting points (α, β) spanning the usual daily and intraday estimates; ω by variance targeting. */
const STARTS: readonly [number, number][] = [
  [0.05, 0.9],
  [0.1, 0.8],
  [0.2, 0.6],
  [0.03, 0.96],
];

export function fitGarch(returns: ArrayLike<number>): GarchFit {
  const n = returns.length;
  if (n < 50) throw new InvalidArgumentError(`GARCH(1,1) needs at least 50 returns, got ${n}`);
  let mean = 0;
  for (let t = 0; t < n; t++) {
    if (!Number.isFinite(returns[t]!)) throw new InvalidArgumentError(`return ${t} is not a finite number`);
    mean += returns[t]!;
  }
  mean /= n;
  const e = new Float64Array(n);
  let variance = 0;
  for (let t = 0; t < n; t++) {
    e[t] = returns[t]! - mean;
    variance += e[t]! ** 2;
  }
  variance /= n;
  // Equal returns leave rounding noise after the mean is removed: that is no variance either.
  if (!(Math.sqrt(variance) > 1e-12 * Math.abs(mean)) || !(variance > 0))
    throw new InvalidArgumentError('GARCH(1,1) needs returns that vary (their variance is 0)');
  const objective = (theta: Float64Array): number => negativeLogLikelihood(e, decode(theta, variance), variance);
  let best: { theta: Float64Array; value: number; converged: boolean } | undefined;
  for (const [alpha, beta] of STARTS) {
    const start = encode({ omega: variance * (1 - alpha - beta), alpha, beta }, variance);
    // A restart from the first minimum shakes off a simplex that collapsed early (a standard remedy).
    let found = nelderMead(objective, start, { maxIterations: 3000 });
    found = nelderMead(objective, found.point, { maxIterations: 3000, step: 0.1 });
    if (!best || found.value < best.value)
      best = { theta: found.point, value: found.value, converged: found.converged };
  }
  const params = decode(best!.theta, variance);
  const variances = new Float64Array(n);
  const nll = negativeLogLikelihood(e, params, variance, variances);
  return {
    ...params,
    mean,
    logLikelihood: -nll,
    variances,
    nextVariance: params.omega + params.alpha * e[n - 1]! ** 2 + params.beta * variances[n - 1]!,
    converged: best!.converged,
  };
}

/** ω / (1 − α − β): the variance the forecasts revert to. */
export function unconditionalVariance(p: GarchParams): number {
  return p.omega / (1 - p.alpha - p.beta);
}

/**
 * Per-step variance forecasts h_T+1 … h_T+steps from the next bar's variance:
 * h_T+k = σ² + (α + β)^(k−1)·(h_T+1 − σ²).
 */
export function forecastVariances(p: GarchParams, nextVariance: number, steps: number): Float64Array {
  const out = new Float64Array(steps);
  const longRun = unconditionalVariance(p);
  const persistence = p.alpha + p.beta;
  let gap = nextVariance - longRun;
  for (let k = 0; k < steps; k++) {
    out[k] = longRun + gap;
    gap *= persistence;
  }
  return out;
}

/** Volatility of the summed return over the next `steps` bars: √Σ h_T+k. */
export function forecastVolatility(p: GarchParams, nextVariance: number, steps: number): number {
  let sum = 0;
  for (const h of forecastVariances(p, nextVariance, steps)) sum += h;
  return Math.sqrt(sum);
}

/** The conditional variance recursion one return at a time, with fixed parameters: O(1) per bar. */
export class GarchFilter {
  /** h for the next return, given every return fed so far */
  variance: number;

  constructor(
    private readonly params: GarchParams & { mean: number },
    initialVariance: number,
  ) {
    this.variance = initialVariance;
  }

  /** Feeds r_t; returns h_t+1. */
  next(r: number): number {
    const e = r - this.params.mean;
    this.variance = this.params.omega + this.params.alpha * e * e + this.params.beta * this.variance;
    return this.variance;
  }
}
