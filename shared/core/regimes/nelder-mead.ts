// Nelder–Mead simplex minimisation (the standard reflection 1, expansion 2, contraction ½,
// shrink ½): derivative-free, deterministic for a given start, enough for the three unconstrained
// parameters of a reparameterised GARCH(1,1) likelihood.

export interface NelderMeadOptions {
  /** initial simplex step per coordinate (default 0.5) */
  step?: number;
  maxIterations?: number;
  /** stop when the simplex's values differ by less than this (default 1e-10) */
  tolerance?: number;
}

export interface Minimum {
  point: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

/** Minimises `f` from `start`. Non-finite values count as +∞ (the simplex moves away from them). */
export function nelderMead(
  f: (point: Float64Array) => number,
  start: ArrayLike<number>,
  options: NelderMeadOptions = {},
): Minimum {
  const d = start.length;
  const step = options.step ?? 0.5;
  const maxIterations = options.maxIterations ?? 2000;
  const tolerance = options.tolerance ?? 1e-10;
  const score = (p: Float64Array): number => {
    const v = f(p);
    return Number.isFinite(v) ? v : Infinity;
  };
  const points: Float64Array[] = [];
  for (let i = 0; i <= d; i++) {
    const p = Float64Array.from(start);
    if (i > 0) p[i - 1] = p[i - 1]! + step;
    points.push(p);
  }
  const values = points.map(score);
  const order = Array.from({ length: d + 1 }, (_, i) => i);
  const centroid = new Float64Array(d);
  const along = (factor: number, worst: Float64Array): Float64Array => {
    const p = new Float64Array(d);
    for (let c = 0; c < d; c++) p[c] = centroid[c]! + factor * (worst[c]! - centroid[c]!);
    return p;
  };
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    order.sort((a, b) => values[a]! - values[b]!);
    const best = order[0]!;
    const worst = order[d]!;
    const secondWorst = order[d - 1]!;
    if (Math.abs(values[worst]! - values[best]!) <= tolerance * (Math.abs(values[best]!) + tolerance)) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (const i of order.slice(0, d)) for (let c = 0; c < d; c++) centroid[c] = centroid[c]! + points[i]![c]! / d;
    const reflected = along(-1, points[worst]!);
    const reflectedValue = score(reflected);
    if (reflectedValue < values[best]!) {
      const expanded = along(-2, points[worst]!);
      const expandedValue = score(expanded);
      if (expandedValue < reflectedValue) {
        points[worst] = expanded;
        values[worst] = expandedValue;
      } else {
        points[worst] = reflected;
        values[worst] = reflectedValue;
      }
      continue;
    }
    if (reflectedValue < values[secondWorst]!) {
      points[worst] = reflected;
      values[worst] = reflectedValue;
      continue;
    }
    const outside = reflectedValue < values[worst]!;
    const contracted = along(outside ? -0.5 : 0.5, points[worst]!);
    const contractedValue = score(contracted);
    if (contractedValue < (outside ? reflectedValue : values[worst]!)) {
      points[worst] = contracted;
      values[worst] = contractedValue;
      continue;
    }
    const bestPoint = points[best]!;
    for (const i of order.slice(1)) {
      const p = points[i]!;
      for (let c = 0; c < d; c++) p[c] = bestPoint[c]! + 0.5 * (p[c]! - bestPoint[c]!);
      values[i] = score(p);
    }
  }
  let best = 0;
  for (let i = 1; i <= d; i++) if (values[i]! < values[best]!) best = i;
  return { point: points[best]!, value: values[best]!, iterations, converged };
}
