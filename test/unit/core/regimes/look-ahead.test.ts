// No look-ahead: the regime of bar t is the same whether or not bars after t exist. The check
// computes a series on the whole input and on prefixes of it and compares every bar the prefix
// has. It is shown to catch leaks: three implementations that read later bars (an off-by-one that
// feeds bar t+1 to the filter, forward–backward smoothing, a fit on the whole series) fail it.
import {
  filterProbabilities,
  fitHmm,
  HmmFilter,
  labelProbabilities,
  labelStates,
  logReturns,
  regimeSeries,
  smoothProbabilities,
  type RegimeStreamOptions,
} from '../../../../shared/core/regimes';
import { candlesFromReturns, sampleHmm, truthModel, type HmmTruth } from './synthetic';

type Candles = { high: Float64Array; low: Float64Array; close: Float64Array };
/** One value per bar, as text: a label with its probabilities, compared exactly. */
type RegimeFunction = (candles: Candles) => string[];

const prefix = (c: Candles, n: number): Candles => ({
  high: c.high.subarray(0, n),
  low: c.low.subarray(0, n),
  close: c.close.subarray(0, n),
});

/** Bars at which some prefix's answer differs from the full series' answer. */
function lookAheadViolations(compute: RegimeFunction, candles: Candles, cutoffs: number[]): number[] {
  const full = compute(candles);
  expect(full).toHaveLength(candles.close.length);
  const bad: number[] = [];
  for (const cutoff of cutoffs) {
    const part = compute(prefix(candles, cutoff));
    expect(part).toHaveLength(cutoff);
    for (let t = 0; t < cutoff; t++) if (part[t] !== full[t]) bad.push(t);
  }
  return bad;
}

const TRUTH: HmmTruth = {
  means: [-0.004, 0, 0.003],
  sds: [0.03, 0.006, 0.012],
  transition: [
    [0.95, 0.03, 0.02],
    [0.02, 0.97, 0.01],
    [0.02, 0.02, 0.96],
  ],
};
const candles = candlesFromReturns(sampleHmm(TRUTH, 1000, 17).x);
// Cutoffs on a refit bar, just after one, between two, and the last bar but one.
const CUTOFFS = [161, 251, 252, 277, 640, 999];
const OPTIONS: RegimeStreamOptions = { window: 300, refitEvery: 50, minReturns: 150 };

const readings =
  (options: RegimeStreamOptions): RegimeFunction =>
  (c) =>
    regimeSeries(c, options).map(
      (r) => `${r.label}|${r.raw}|${r.source}|${r.fittedAt}|${Array.from(r.probabilities).join(',')}`,
    );

/** Label probabilities per bar as text (bar 0 has no return: '-'). */
const asText = (p: Float64Array, labels: ReturnType<typeof labelStates>): string[] => {
  const out = ['-'];
  for (let t = 0; t < p.length / 3; t++)
    out.push(Array.from(labelProbabilities(p.subarray(t * 3, t * 3 + 3), labels)).join(','));
  return out;
};

describe('no look-ahead', () => {
  it('RegimeStream (refits, filter, rules, hysteresis): every bar of every prefix equals the full run, to the bit', () => {
    expect(lookAheadViolations(readings(OPTIONS), candles, CUTOFFS)).toEqual([]);
  }, 120_000);

  it('forward filtering with a fixed model: P(state_t | returns ≤ t) is prefix-invariant', () => {
    const model = truthModel(TRUTH);
    const labels = labelStates(model.variances);
    const compute: RegimeFunction = (c) => asText(filterProbabilities(model, logReturns(c.close)), labels);
    expect(lookAheadViolations(compute, candles, CUTOFFS)).toEqual([]);
  });

  describe('the check catches implementations that leak later bars', () => {
    const model = truthModel(TRUTH);
    const labels = labelStates(model.variances);

    it('an off-by-one that feeds bar t+1 to the filter before reporting bar t', () => {
      const leaking: RegimeFunction = (c) => {
        const x = logReturns(c.close);
        const filter = new HmmFilter(model);
        const out = ['-'];
        for (let t = 0; t < x.length; t++) {
          filter.next(x[t + 1] ?? x[t]!); // the mutation: x[t] is what is known at bar t + 1
          out.push(Array.from(labelProbabilities(filter.probabilities, labels)).join(','));
        }
        return out;
      };
      expect(lookAheadViolations(leaking, candles, CUTOFFS).length).toBeGreaterThan(0);
    });

    it('forward–backward smoothing (P(state_t | all returns)) in place of the filter', () => {
      const leaking: RegimeFunction = (c) => asText(smoothProbabilities(model, logReturns(c.close)), labels);
      expect(lookAheadViolations(leaking, candles, CUTOFFS).length).toBeGreaterThan(0);
    });

    it('one fit on the whole series, then filtered (the parameters saw the future)', () => {
      const leaking: RegimeFunction = (c) => {
        const x = logReturns(c.close);
        const fitted = fitHmm(x, { seed: 1, restarts: 1 }).model;
        return asText(filterProbabilities(fitted, x), labelStates(fitted.variances));
      };
      expect(lookAheadViolations(leaking, candles, [400, 999]).length).toBeGreaterThan(0);
    }, 60_000);
  });
});
