// The rewritten ATR, Stochastic and ADX batch kernels give exactly what they gave before the
// rewrite (previous-kernels.ts, kept verbatim): every value equal to the bit (NaN where NaN, -0
// where -0) on random bars of any finite magnitude and on long synthetic series, for any periods,
// lengths down to 0 and periods longer than the series. So a speed-up cannot change a result.
import fc from 'fast-check';
import { adx, atr, stochastic } from '../../../../shared/core/indicators/index';
import { syntheticCandles } from '../../../fixtures/synthetic-candles';
import { previousAdx, previousAtr, previousStochastic } from './previous-kernels';

/** The index and both values of the first difference (Object.is: NaN equals NaN, -0 differs from 0). */
function firstDifference(actual: Float64Array, expected: Float64Array): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < actual.length; i++)
    if (!Object.is(actual[i], expected[i])) return `[${i}] ${actual[i]} vs ${expected[i]}`;
  return undefined;
}

interface Bars {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
}

/** Prices as markets give them (a walk, flat stretches, equal high and low) and as they do not (any finite doubles). */
const price = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 0.5, max: 2, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 1, 1.5, 0) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

const bars: fc.Arbitrary<Bars> = fc
  .array(fc.tuple(price, price, price, fc.boolean()), { maxLength: 200 })
  .map((rows) => {
    const n = rows.length;
    const b: Bars = { high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
    let level = 100;
    rows.forEach(([x, y, z, walk], i) => {
      // A walk keeps high ≥ close ≥ low around a moving level; otherwise the three are arbitrary.
      if (walk) {
        level *= x;
        b.high[i] = level * (1 + Math.abs(y) * 1e-3);
        b.low[i] = level / (1 + Math.abs(z) * 1e-3);
        b.close[i] = level;
      } else {
        b.high[i] = x;
        b.low[i] = y;
        b.close[i] = z;
      }
    });
    return b;
  });

const period = fc.integer({ min: 1, max: 40 });

describe('fast kernels equal the previous ones bit for bit', () => {
  it('atr on random bars', () => {
    fc.assert(
      fc.property(bars, period, ({ high, low, close }, p) => {
        expect(firstDifference(atr(high, low, close, p), previousAtr(high, low, close, p))).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });

  it('stochastic (%K and %D) on random bars', () => {
    fc.assert(
      fc.property(bars, period, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), (b, k, s, d) => {
        const fast = stochastic(b.high, b.low, b.close, k, s, d);
        const previous = previousStochastic(b.high, b.low, b.close, k, s, d);
        expect(firstDifference(fast.k, previous.k)).toBeUndefined();
        expect(firstDifference(fast.d, previous.d)).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });

  it('adx (+DI, −DI, ADX) on random bars', () => {
    fc.assert(
      fc.property(bars, period, ({ high, low, close }, p) => {
        const fast = adx(high, low, close, p);
        const previous = previousAdx(high, low, close, p);
        expect(firstDifference(fast.adx, previous.adx)).toBeUndefined();
        expect(firstDifference(fast.pdi, previous.pdi)).toBeUndefined();
        expect(firstDifference(fast.mdi, previous.mdi)).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });

  it('all three over 200,000 synthetic candles (calm, violent and stale regimes) at the usual periods', () => {
    const { high, low, close } = syntheticCandles(200_000, { seed: 11 });
    for (const p of [1, 2, 7, 14, 50]) {
      expect(firstDifference(atr(high, low, close, p), previousAtr(high, low, close, p))).toBeUndefined();
      const fastAdx = adx(high, low, close, p);
      const previousAdxSeries = previousAdx(high, low, close, p);
      expect(firstDifference(fastAdx.adx, previousAdxSeries.adx)).toBeUndefined();
      expect(firstDifference(fastAdx.pdi, previousAdxSeries.pdi)).toBeUndefined();
      const fastStoch = stochastic(high, low, close, p, 3, 3);
      const previousStoch = previousStochastic(high, low, close, p, 3, 3);
      expect(firstDifference(fastStoch.k, previousStoch.k)).toBeUndefined();
      expect(firstDifference(fastStoch.d, previousStoch.d)).toBeUndefined();
    }
  });
});
