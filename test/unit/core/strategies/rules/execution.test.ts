// A rule file's `execution` block (sliced entries): validated against the webhook's bounds
// (ALGO_BOUNDS) with each problem naming its field, compiled onto the entry signals only, and a
// backtest of the file slices exactly as the coded built-in does with the same spec in its config.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCandlesJson } from '../../../../../shared/core/backtest/candle-parsers';
import { runBacktest } from '../../../../../shared/core/backtest/engine';
import type { BacktestConfig } from '../../../../../shared/core/backtest/types';
import type { AlgoSpec } from '../../../../../shared/core/signal/algo';
import { getStrategy, resolveParams } from '../../../../../shared/core/strategies/registry';
import { compileRules, parseRuleFile, type RuleFile } from '../../../../../shared/core/strategies/rules';

const ROOT = join(__dirname, '../../../../..');
const SMA_CROSS = JSON.parse(readFileSync(join(ROOT, 'strategies/sma-cross.json'), 'utf8')) as RuleFile;
const withExecution = (execution: unknown): string => JSON.stringify({ ...SMA_CROSS, execution });

const issuesOf = (execution: unknown) => {
  const parsed = parseRuleFile(withExecution(execution));
  return parsed.ok ? [] : parsed.errors;
};

describe('execution: validation', () => {
  it('accepts twap and adaptive with durations or seconds', () => {
    expect(issuesOf({ algo: 'twap', horizon: '4h', interval: '1h' })).toEqual([]);
    expect(issuesOf({ algo: 'adaptive', horizon: 7200, interval: '30m', maxSlippageBps: 20 })).toEqual([]);
  });

  test.each([
    [{ algo: 'vwap', horizon: '4h', interval: '1h' }, 'execution.algo', 'must be twap or adaptive'],
    [
      { algo: 'twap', horizon: '4h', interval: '5s' },
      'execution.interval',
      'must be at least 10s (ALGO_BOUNDS.minIntervalMs)',
    ],
    [
      { algo: 'twap', horizon: '25h', interval: '1h' },
      'execution.horizon',
      'must be at most 24h (ALGO_BOUNDS.maxHorizonMs)',
    ],
    [
      { algo: 'twap', horizon: '4h', interval: '1m' },
      'execution.horizon',
      'over the interval makes 240 slice(s); must make 2 to 100 (ALGO_BOUNDS)',
    ],
    [
      { algo: 'twap', horizon: '1h', interval: '1h' },
      'execution.horizon',
      'over the interval makes 1 slice(s); must make 2 to 100 (ALGO_BOUNDS)',
    ],
    [
      { algo: 'twap', horizon: 'soon', interval: '1h' },
      'execution.horizon',
      'must be a duration ("90s", "30m", "4h") or seconds',
    ],
    [
      { algo: 'twap', horizon: '4h', interval: '1h', maxSlippageBps: 5 },
      'execution.maxSlippageBps',
      'applies with algo adaptive only',
    ],
    [
      { algo: 'adaptive', horizon: '4h', interval: '1h', maxSlippageBps: -1 },
      'execution.maxSlippageBps',
      'must be a number > 0 and <= 10000',
    ],
    [
      { algo: 'twap', horizon: '4h', interval: '1h', slices: 4 },
      'execution.slices',
      'unknown field; known: algo, horizon, interval, maxSlippageBps',
    ],
    ['twap', 'execution', 'must be { algo, horizon, interval[, maxSlippageBps] }'],
  ])('%j → %s: %s', (execution, path, message) => {
    expect(issuesOf(execution)).toEqual([{ path, message }]);
  });
});

describe('execution: compiled onto the entries', () => {
  const compile = (execution: unknown) => {
    const parsed = parseRuleFile(withExecution(execution));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return compileRules(parsed.rules);
  };

  it('the entry signals (long and short) carry the spec', () => {
    const def = compile({ algo: 'adaptive', horizon: '2h', interval: 1800, maxSlippageBps: 15 });
    const params = resolveParams(def, { fast: '2', slow: '3' });
    const runner = def.create(params);
    const seen = [];
    const closes = [5, 4, 3, 2, 3, 4, 5, 6, 5, 4, 3, 2];
    for (const [i, close] of closes.entries()) {
      const signal = runner.next(
        { time: i * 3_600_000, open: close, high: close, low: close, close, volume: 1 },
        'flat',
      );
      if (signal !== undefined) seen.push(signal);
    }
    expect(new Set(seen.map((signal) => signal.action))).toEqual(new Set(['long', 'short']));
    for (const signal of seen)
      expect(signal.algo).toEqual({
        kind: 'adaptive',
        horizonMs: 2 * 3_600_000,
        intervalMs: 1_800_000,
        maxSlippageBps: 15,
      });
  });

  it('a backtest of the file slices as the built-in does with the same spec in its config', () => {
    const candles = parseCandlesJson(
      JSON.parse(readFileSync(join(ROOT, 'data/candles/XRPUSDT-1h.json'), 'utf8')),
      'XRPUSDT-1h.json',
    );
    const spec: AlgoSpec = { kind: 'twap', horizonMs: 3 * 3_600_000, intervalMs: 3_600_000 };
    const config: BacktestConfig = {
      cash: 10_000,
      takerFee: 0.0005,
      makerFee: 0.0005,
      slippageBps: 2,
      fillOn: 'next_open',
      size: { kind: 'percent', value: 50 },
      leverage: 1,
      lotStep: 0.1,
      maintenanceMarginRate: 0.004,
      longOnly: false,
    };
    const file = compile({ algo: 'twap', horizon: '3h', interval: '1h' });
    const builtIn = getStrategy('sma-cross');
    const params = { fast: '5', slow: '20' };

    const fromFile = runBacktest(candles, file, resolveParams(file, params), config);
    const fromConfig = runBacktest(candles, builtIn, resolveParams(builtIn, params), { ...config, algo: spec });

    expect(fromFile.slicing?.sliced).toBeGreaterThan(0);
    expect(fromFile.trades).toEqual(fromConfig.trades);
    expect(Array.from(fromFile.equity)).toEqual(Array.from(fromConfig.equity));
  });
});
