// The evaluation every drafted or proposed strategy goes through: a backtest of the whole period,
// an in-sample / out-of-sample split, a walk-forward re-choosing the parameters from the declared
// ranges, and the over-fitting check (in-sample vs out-of-sample gap against a stated threshold).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBacktest } from '../../../../shared/core/backtest/engine';
import { parseCandlesText } from '../../../../shared/core/backtest/candle-parsers';
import { backtestRange } from '../../../../shared/core/backtest/range-backtest';
import type { BacktestConfig, Metrics } from '../../../../shared/core/backtest/types';
import {
  evaluateStrategy,
  overfittingCheck,
  OVERFIT_GAP_THRESHOLD,
  paramSetsAround,
} from '../../../../shared/core/advisor/strategy-evaluation';
import { getStrategy, resolveParams } from '../../../../shared/core/strategies/registry';

const candles = parseCandlesText(
  readFileSync(join(__dirname, '../../../fixtures/backtest/ETHBTC-5m.csv'), 'utf8'),
  'ETHBTC-5m.csv',
);
const CONFIG: BacktestConfig = {
  cash: 10_000,
  takerFee: 0.0004,
  makerFee: 0.0004,
  slippageBps: 2,
  fillOn: 'next_open',
  size: { kind: 'percent', value: 100 },
  leverage: 1,
  lotStep: 0.001,
  maintenanceMarginRate: 0.004,
  longOnly: false,
};
const smaCross = getStrategy('sma-cross');
const params = resolveParams(smaCross, { fast: '5', slow: '20' });

const metrics = (over: Partial<Metrics>): Metrics => ({
  ...runBacktest(candles, smaCross, params, CONFIG).metrics,
  ...over,
});

describe('evaluateStrategy', () => {
  test('the whole period is the plain backtest; the split is two range backtests at 70 %; deterministic', async () => {
    const report = await evaluateStrategy(candles, smaCross, params, { config: CONFIG });
    const n = candles.time.length;
    const cut = Math.floor(n * 0.7);
    expect(report.full.metrics).toEqual(runBacktest(candles, smaCross, params, CONFIG).metrics);
    expect(report.split.inSample).toMatchObject({ candles: cut, from: candles.time[0], to: candles.time[cut - 1] });
    expect(report.split.outOfSample).toMatchObject({
      candles: n - cut,
      from: candles.time[cut],
      to: candles.time[n - 1],
    });
    expect(report.split.outOfSample.metrics).toEqual(
      backtestRange(candles, smaCross, params, CONFIG, { start: cut, end: n }).metrics,
    );
    expect(report.split.overfitting).toEqual(
      overfittingCheck('sharpe', report.split.inSample.metrics, report.split.outOfSample.metrics),
    );
    expect(await evaluateStrategy(candles, smaCross, params, { config: CONFIG })).toEqual(report);
  });

  test('the walk-forward trades 4 windows after the first 40 %, each with params chosen in-sample from the ranges', async () => {
    const report = await evaluateStrategy(candles, smaCross, params, { config: CONFIG });
    const wf = report.walkForward;
    expect(wf.windows).toHaveLength(4);
    expect(wf.windows[0]!.outOfSample.from).toBe(candles.time[Math.floor(candles.time.length * 0.4)]);
    for (const [i, w] of wf.windows.entries()) {
      expect(w.index).toBe(i);
      expect(w.inSample.to).toBeLessThan(w.outOfSample.from);
      const fast = w.params.fast as number;
      const slow = w.params.slow as number;
      const [fastSpec, slowSpec] = ['fast', 'slow'].map((name) => smaCross.params.find((p) => p.name === name)!);
      expect(fast).toBeGreaterThanOrEqual(fastSpec!.min!);
      expect(slow).toBeLessThanOrEqual(slowSpec!.max!);
    }
    expect(wf.setsPerWindow).toBe(12);
  });

  test('too few candles and an out-of-range split are refused naming the bound', async () => {
    const few = { ...candles, time: candles.time.subarray(0, 50) } as typeof candles;
    for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) few[k] = candles[k].subarray(0, 50);
    await expect(evaluateStrategy(few, smaCross, params, { config: CONFIG })).rejects.toThrow(/at least 100/);
    await expect(
      evaluateStrategy(candles, smaCross, params, { config: CONFIG, inSampleFraction: 0.95 }),
    ).rejects.toThrow(/inSampleFraction must be in \[0.5, 0.9\]/);
  });
});

describe('overfittingCheck', () => {
  test(`a gap beyond ${OVERFIT_GAP_THRESHOLD * 100} % of the in-sample objective is over-fitting`, () => {
    expect(overfittingCheck('sharpe', metrics({ sharpe: 2 }), metrics({ sharpe: 0.5 }))).toMatchObject({
      gap: 0.75,
      overfitted: true,
    });
    expect(overfittingCheck('sharpe', metrics({ sharpe: 2 }), metrics({ sharpe: 1.2 }))).toMatchObject({
      gap: 0.4,
      overfitted: false,
    });
    // out of sample better than in sample: a negative gap, no warning
    expect(overfittingCheck('sharpe', metrics({ sharpe: 1 }), metrics({ sharpe: 1.5 })).overfitted).toBe(false);
  });

  test('no trade out of sample keeps nothing (gap 100 %); a non-positive in-sample has no gap to lose', () => {
    expect(overfittingCheck('sharpe', metrics({ sharpe: 1 }), metrics({ trades: 0 }))).toMatchObject({
      gap: 1,
      overfitted: true,
    });
    expect(overfittingCheck('sharpe', metrics({ sharpe: -0.3 }), metrics({ sharpe: -2 }))).toMatchObject({
      gap: null,
      overfitted: false,
    });
  });
});

describe('paramSetsAround', () => {
  test("the strategy's own params first, then distinct sets inside the declared ranges that it accepts", () => {
    const sets = paramSetsAround(smaCross, params, 11, 1);
    expect(sets[0]).toEqual(params);
    expect(sets).toHaveLength(12);
    expect(new Set(sets.map((s) => JSON.stringify(s))).size).toBe(12);
    for (const s of sets) expect(s.fast as number).toBeLessThan(s.slow as number);
  });

  test('a strategy without ranges is walked forward on its own params alone', () => {
    const fixed = { ...smaCross, params: smaCross.params.map(({ min: _min, max: _max, ...p }) => p) };
    expect(paramSetsAround(fixed, params, 11, 1)).toEqual([params]);
  });
});
