// Monte Carlo over a trade sequence: percentile arithmetic, hand-computable bootstrap outcomes,
// shuffles that keep the total, and reproducibility from the seed.
import {
  monteCarlo,
  percentile,
  tradeSteps,
  type MonteCarloOptions,
} from '../../../../shared/core/backtest/monte-carlo';

const base: MonteCarloOptions = { runs: 2000, seed: 11, mode: 'bootstrap', startEquity: 1000, compound: false };

describe('percentile', () => {
  test('interpolates linearly between ranks', () => {
    const sorted = [1, 2, 3, 4, 5];
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 5)).toBeCloseTo(1.2, 12);
    expect(percentile(sorted, 25)).toBe(2);
    expect(percentile(sorted, 50)).toBe(3);
    expect(percentile(sorted, 95)).toBeCloseTo(4.8, 12);
    expect(percentile(sorted, 100)).toBe(5);
  });
});

describe('tradeSteps', () => {
  test('compound: each P&L over the equity before it; additive: the P&L itself', () => {
    expect(Array.from(tradeSteps([100, -110], 1000, true))).toEqual([0.1, -0.1]);
    expect(Array.from(tradeSteps([100, -110], 1000, false))).toEqual([100, -110]);
  });
});

describe('monteCarlo', () => {
  test('all-equal trades leave no spread', () => {
    const report = monteCarlo([25, 25, 25, 25], base);
    expect(report.returnPct.p5).toBeCloseTo(10, 10);
    expect(report.returnPct.p95).toBeCloseTo(10, 10);
    expect(report.maxDrawdownPct).toEqual({ p5: 0, p25: 0, p50: 0, p75: 0, p95: 0 });
    expect(report.probabilityOfLossPct).toBe(0);
  });

  test('bootstrap of two trades gives the four hand-computed outcomes in their proportions', () => {
    // +100/−50 from 1000: two wins +20 %, one of each +5 % (half the draws), two losses −10 %.
    const report = monteCarlo([100, -50], { ...base, runs: 4000 });
    expect(report.returnPct.p5).toBeCloseTo(-10, 10);
    expect(report.returnPct.p50).toBeCloseTo(5, 10);
    expect(report.returnPct.p95).toBeCloseTo(20, 10);
    expect(report.probabilityOfLossPct).toBeGreaterThan(22);
    expect(report.probabilityOfLossPct).toBeLessThan(28);
    // The worst case draws two losses: 1000 → 900, a 10 % drawdown.
    expect(report.maxDrawdownPct.p95).toBeCloseTo(10, 10);
    expect(report.original.returnPct).toBeCloseTo(5, 10);
    expect(report.original.maxDrawdownPct).toBeCloseTo((50 / 1100) * 100, 10);
  });

  test('a shuffle keeps the total return and varies the drawdown', () => {
    const pnls = [100, -50, -50, 200, -150, 30];
    const report = monteCarlo(pnls, { ...base, mode: 'shuffle', runs: 500 });
    expect(report.returnPct.p5).toBeCloseTo(8, 9);
    expect(report.returnPct.p95).toBeCloseTo(8, 9);
    expect(report.maxDrawdownPct.p95).toBeGreaterThan(report.maxDrawdownPct.p5);
    // All losses first is the deepest possible: 1000 → 750.
    expect(report.maxDrawdownPct.p95).toBeLessThanOrEqual(25 + 1e-9);
  });

  test('compound steps multiply: the order cannot change the final equity', () => {
    const report = monteCarlo([100, -110], { ...base, mode: 'shuffle', compound: true, runs: 50 });
    expect(report.returnPct.p5).toBeCloseTo(-1, 10);
    expect(report.returnPct.p95).toBeCloseTo(-1, 10);
  });

  test('the same seed gives the same report; another seed another one', () => {
    const pnls = [120, -80, 40, -60, 90, -30, 10];
    expect(monteCarlo(pnls, base)).toEqual(monteCarlo(pnls, base));
    expect(monteCarlo(pnls, { ...base, seed: 12 }).returnPct).not.toEqual(monteCarlo(pnls, base).returnPct);
  });

  test('ruin is final: equity never goes below zero', () => {
    const report = monteCarlo([-600, -600, 500], { ...base, runs: 300 });
    expect(report.returnPct.p5).toBe(-100);
    expect(report.maxDrawdownPct.p95).toBe(100);
  });

  test('no trades: flat', () => {
    const report = monteCarlo([], base);
    expect(report.trades).toBe(0);
    expect(report.returnPct.p50).toBe(0);
  });

  test('invalid runs and equity are refused', () => {
    expect(() => monteCarlo([1], { ...base, runs: 0 })).toThrow(/runs/);
    expect(() => monteCarlo([1], { ...base, startEquity: 0 })).toThrow(/startEquity/);
  });
});
