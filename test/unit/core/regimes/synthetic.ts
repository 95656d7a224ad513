// Series drawn from known parameters with the project's seeded PRNG (mulberry32), so a recovery
// test sees the same sample on every run and machine.
import { mulberry32 } from '../../../../shared/core/backtest/prng';
import type { GaussianHmm } from '../../../../shared/core/regimes';

/** A standard normal draw (Box–Muller). */
export function normal(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export interface HmmTruth {
  means: number[];
  sds: number[];
  /** rows sum to 1 */
  transition: number[][];
}

/** n returns of a Gaussian HMM starting in state 0, and the hidden states. */
export function sampleHmm(truth: HmmTruth, n: number, seed: number): { x: Float64Array; states: Int32Array } {
  const random = mulberry32(seed);
  const x = new Float64Array(n);
  const states = new Int32Array(n);
  let s = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0) {
      const u = random();
      let c = 0;
      const row = truth.transition[s]!;
      for (let j = 0; j < row.length; j++) {
        c += row[j]!;
        if (u < c || j === row.length - 1) {
          s = j;
          break;
        }
      }
    }
    states[t] = s;
    x[t] = truth.means[s]! + truth.sds[s]! * normal(random);
  }
  return { x, states };
}

/** The truth as a model (states in the order given, which the tests keep ascending by mean). */
export function truthModel(truth: HmmTruth): GaussianHmm {
  const k = truth.means.length;
  return {
    k,
    initial: Float64Array.from({ length: k }, (_, j) => (j === 0 ? 1 : 0)),
    transition: Float64Array.from(truth.transition.flat()),
    means: Float64Array.from(truth.means),
    variances: Float64Array.from(truth.sds, (sd) => sd * sd),
  };
}

/** The stationary distribution of a transition matrix (power iteration). */
export function stationary(transition: number[][]): number[] {
  const k = transition.length;
  let p = new Array<number>(k).fill(1 / k);
  for (let it = 0; it < 10_000; it++) p = p.map((_, j) => p.reduce((sum, pi, i) => sum + pi * transition[i]![j]!, 0));
  return p;
}

/** n returns of GARCH(1,1) with Gaussian shocks, started at the unconditional variance. */
export function sampleGarch(
  params: { omega: number; alpha: number; beta: number },
  n: number,
  seed: number,
): Float64Array {
  const random = mulberry32(seed);
  const x = new Float64Array(n);
  let h = params.omega / (1 - params.alpha - params.beta);
  let e = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0) h = params.omega + params.alpha * e * e + params.beta * h;
    e = Math.sqrt(h) * normal(random);
    x[t] = e;
  }
  return x;
}

/** Candles whose closes follow the returns `x` from `start`, with a high/low spread of `range` around them. */
export function candlesFromReturns(
  x: ArrayLike<number>,
  start = 100,
  range = 0.002,
): { high: Float64Array; low: Float64Array; close: Float64Array } {
  const n = x.length + 1;
  const close = new Float64Array(n);
  close[0] = start;
  for (let t = 1; t < n; t++) close[t] = close[t - 1]! * Math.exp(x[t - 1]!);
  const high = Float64Array.from(close, (c, t) => Math.max(c, t > 0 ? close[t - 1]! : c) * (1 + range));
  const low = Float64Array.from(close, (c, t) => Math.min(c, t > 0 ? close[t - 1]! : c) * (1 - range));
  return { high, low, close };
}
