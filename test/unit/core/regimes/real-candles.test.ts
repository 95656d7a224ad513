// On the real candles shipped with the project: the fit converges, to the same model from any
// seed, and the labels it gives are stable between refits on overlapping windows.
import { filterProbabilities, fitHmm, labelStates, logReturns, regimeSeries } from '../../../../shared/core/regimes';
import { loadJsonCandles, loadSkenderQuotes, PROJECT_XRP_1H } from '../../../fixtures/market-data';

const argmax = (p: Float64Array, k: number, t: number): number => {
  let best = 0;
  for (let j = 1; j < k; j++) if (p[t * k + j]! > p[t * k + best]!) best = j;
  return best;
};

describe("Stock.Indicators' 502 daily bars (test/fixtures/indicators/skender)", () => {
  const quotes = loadSkenderQuotes();
  const x = logReturns(quotes.close);

  it('3 states: converges, and three seeds find the same maximum and the same model', () => {
    const fits = [1, 2, 3].map((seed) => fitHmm(x, { seed }));
    for (const fit of fits) {
      expect(fit.converged).toBe(true);
      expect(fit.logLikelihood).toBeCloseTo(fits[0]!.logLikelihood, 4);
      for (let j = 0; j < 3; j++) {
        expect(fit.model.means[j]).toBeCloseTo(fits[0]!.model.means[j]!, 6);
        expect(Math.sqrt(fit.model.variances[j]!)).toBeCloseTo(Math.sqrt(fits[0]!.model.variances[j]!), 6);
      }
    }
    // distinct regimes: the volatile one's σ is several times the calm one's
    const sd = Array.from(fits[0]!.model.variances, Math.sqrt);
    expect(Math.max(...sd) / Math.min(...sd)).toBeGreaterThan(3);
  }, 60_000);

  it('refits on overlapping windows (bars 0–399 and 100–501) label ≥ 80 % of the shared bars alike', () => {
    const a = fitHmm(x.subarray(0, 400)).model;
    const b = fitHmm(x.subarray(100)).model;
    const la = labelStates(a.variances);
    const lb = labelStates(b.variances);
    const pa = filterProbabilities(a, x);
    const pb = filterProbabilities(b, x);
    let agree = 0;
    for (let t = 100; t < 400; t++) if (la[argmax(pa, 3, t)] === lb[argmax(pb, 3, t)]) agree++;
    expect(agree / 300).toBeGreaterThanOrEqual(0.8); // measured: 0.887
  }, 60_000);

  it('RegimeStream: rules during the warm-up, then the HMM; few changes with hysteresis', () => {
    const readings = regimeSeries(quotes, { window: 250, refitEvery: 25 });
    expect(readings.slice(0, 200).every((r) => r.source === 'rules')).toBe(true);
    expect(readings.slice(200).every((r) => r.source === 'hmm')).toBe(true);
    let changes = 0;
    let rawChanges = 0;
    for (let t = 1; t < readings.length; t++) {
      if (readings[t]!.label !== readings[t - 1]!.label) changes++;
      if (readings[t]!.raw !== readings[t - 1]!.raw) rawChanges++;
    }
    expect(readings.at(-1)!.label).toBeDefined();
    // the hysteresis removes the flicker of the bar-by-bar most probable label
    expect(changes).toBeLessThan(rawChanges);
  }, 60_000);
});

describe('XRP/USDT 1h, 100 bars (data/candles)', () => {
  it('2 states: converges, seeds agree, a calm and a volatile state', () => {
    const x = logReturns(loadJsonCandles(PROJECT_XRP_1H).close);
    const [a, b] = [1, 2].map((seed) => fitHmm(x, { states: 2, seed }));
    expect(a!.converged && b!.converged).toBe(true);
    for (let j = 0; j < 2; j++) expect(a!.model.means[j]).toBeCloseTo(b!.model.means[j]!, 5);
    const sd = Array.from(a!.model.variances, Math.sqrt);
    expect(Math.max(...sd) / Math.min(...sd)).toBeGreaterThan(2);
  });
});
