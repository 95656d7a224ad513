// The "garch_vol" series: at a refit bar it is the forecast of a GARCH fit on the trailing window
// (bars ≤ t only), between refits the fitted recursion carried forward one return at a time, and
// every bar is the same whether or not later bars exist.
import { fitGarch, GarchVolStream, logReturns, type GarchVolOptions } from '../../../../shared/core/regimes';
import { candlesFromReturns, sampleGarch } from './synthetic';

const close = candlesFromReturns(sampleGarch({ omega: 2e-6, alpha: 0.1, beta: 0.85 }, 700, 4)).close;
const OPTIONS = { window: 300, refitEvery: 100, minReturns: 200 };
const series = (c: Float64Array, options: GarchVolOptions = OPTIONS): number[] => {
  const stream = new GarchVolStream(options);
  return Array.from(c, (v) => stream.next(v));
};

describe('GarchVolStream', () => {
  const full = series(close);

  it('NaN until the first fit; at each refit, √(next variance) of a fit on the trailing window', () => {
    expect(full.slice(0, 200).every(Number.isNaN)).toBe(true);
    const x = logReturns(close);
    for (const bar of [200, 300, 400, 500, 600]) {
      const window = x.subarray(Math.max(0, bar - 300), bar); // returns 1 … bar end at index bar − 1
      expect(full[bar]).toBeCloseTo(Math.sqrt(fitGarch(window).nextVariance), 14);
    }
  }, 60_000);

  it('between refits, the fitted recursion h ← ω + α·e² + β·h on each new return', () => {
    const x = logReturns(close);
    const fit = fitGarch(x.subarray(100, 400)); // the refit at bar 400
    let h = fit.nextVariance;
    for (let bar = 401; bar < 500; bar++) {
      const e = x[bar - 1]! - fit.mean;
      h = fit.omega + fit.alpha * e * e + fit.beta * h;
      expect(full[bar]).toBeCloseTo(Math.sqrt(h), 14);
    }
  }, 60_000);

  it('no look-ahead: every prefix gives the same values, to the bit', () => {
    for (const cutoff of [250, 401, 650]) expect(series(close.subarray(0, cutoff))).toEqual(full.slice(0, cutoff));
  }, 60_000);

  it('annualised with periodsPerYear; a bad price or option is refused naming it', () => {
    const yearly = series(close, { ...OPTIONS, periodsPerYear: 365 });
    expect(yearly[650]).toBeCloseTo(full[650]! * Math.sqrt(365), 12);
    expect(() => new GarchVolStream().next(-1)).toThrow('close must be a finite price > 0, not -1');
    expect(() => new GarchVolStream({ window: 100, minReturns: 200 })).toThrow(
      'minReturns (200) must not exceed window (100)',
    );
  }, 60_000);
});
