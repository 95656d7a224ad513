// The realized volatility index: the sample standard deviation of the window's log returns,
// annualised by √(bars per year), equal to a direct computation at every bar.
import { barsPerYear, RealizedVolatility, realizedVolatility } from '../../../../shared/core/regimes';
import { mulberry32 } from '../../../../shared/core/backtest/prng';
import { normal } from './synthetic';

describe('realizedVolatility', () => {
  it('equals the directly computed annualised standard deviation at every bar, across re-sums', () => {
    const random = mulberry32(2);
    const close = [100];
    for (let i = 1; i < 400; i++) close.push(close[i - 1]! * Math.exp(0.01 * normal(random)));
    const window = 30;
    const perYear = barsPerYear(3_600_000);
    expect(perYear).toBe(8760);
    const series = realizedVolatility(close, window, perYear);
    for (let t = 0; t < close.length; t++) {
      if (t < window) {
        expect(series[t]).toBeNaN();
        continue;
      }
      const r = Array.from({ length: window }, (_, i) => Math.log(close[t - window + 1 + i]! / close[t - window + i]!));
      const mean = r.reduce((a, b) => a + b, 0) / window;
      const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (window - 1));
      expect(series[t]).toBeCloseTo(sd * Math.sqrt(perYear), 10);
    }
  });

  it('a steady trend has zero volatility; a bad price is refused naming it', () => {
    const steady = Array.from({ length: 50 }, (_, i) => 100 * 1.01 ** i);
    expect(realizedVolatility(steady, 10, 365).at(-1)).toBeCloseTo(0, 6);
    expect(() => new RealizedVolatility(10, 365).next(0)).toThrow('close must be a finite price > 0, not 0');
    expect(() => new RealizedVolatility(1, 365)).toThrow('window must be a whole number ≥ 2');
  });
});
