// Backtest engine throughput: bb-reversion (default parameters) over synthetic random-walk minute
// candles, with fees, slippage and next-open fills; the median of several timed runs after a
// warm-up. Goal (issue "Indicators, strategies, backtesting…"): ≥ 5M candles/s over ≥ 1M candles.
// Run alone: `node --import tsx bench/backtest-engine.ts [candles]` prints one JSON line.
import { pathToFileURL } from 'node:url';
import { runBacktest } from '../shared/core/backtest/engine';
import type { BacktestConfig, Candles } from '../shared/core/backtest/types';
import { mulberry32 } from '../shared/core/backtest/prng';
import { getStrategy, resolveParams } from '../shared/core/strategies/registry';
import type { StrategyDefinition, StrategyParams } from '../shared/core/strategies/types';
import { percentile, round } from './stats';

const RUNS = 7;
const MINUTE = 60_000;

export const BENCH_CONFIG: BacktestConfig = {
  cash: 10_000,
  takerFee: 0.0004,
  makerFee: 0.0002,
  slippageBps: 1,
  fillOn: 'next_open',
  size: { kind: 'percent', value: 10 },
  leverage: 1,
  lotStep: 0.001,
  maintenanceMarginRate: 0.004,
  longOnly: false,
};

/** Geometric random walk of minute candles from 30,000, about 0.1 % per candle. */
export function randomWalkMinutes(count: number, seed = 42): Candles {
  const rnd = mulberry32(seed);
  const c: Candles = {
    time: new Float64Array(count),
    open: new Float64Array(count),
    high: new Float64Array(count),
    low: new Float64Array(count),
    close: new Float64Array(count),
    volume: new Float64Array(count),
  };
  const start = Date.UTC(2020, 0, 1);
  let price = 30_000;
  for (let i = 0; i < count; i++) {
    const open = price;
    price = open * Math.exp((rnd() + rnd() + rnd() - 1.5) * 0.002);
    c.time[i] = start + i * MINUTE;
    c.open[i] = open;
    c.close[i] = price;
    c.high[i] = Math.max(open, price) * (1 + rnd() * 0.001);
    c.low[i] = Math.min(open, price) * (1 - rnd() * 0.001);
    c.volume[i] = 1 + rnd() * 100;
  }
  return c;
}

export interface BacktestBench {
  candlesPerSec: number;
  medianMs: number;
  trades: number;
}

/**
 * Throughput of any strategy over `candles` random-walk minute candles: the hook a strategy built
 * elsewhere (a rule file, once those exist) is measured through, the same way as the built-ins.
 */
export function benchStrategy(
  strategy: StrategyDefinition,
  params: StrategyParams,
  candles: number,
  config: BacktestConfig = BENCH_CONFIG,
): BacktestBench {
  const data = randomWalkMinutes(candles);
  let trades = runBacktest(data, strategy, params, config).trades.length; // warm-up: JIT
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    trades = runBacktest(data, strategy, params, config).trades.length;
    times.push(performance.now() - started);
  }
  const medianMs = percentile(times, 50);
  return { candlesPerSec: Math.round(candles / (medianMs / 1000)), medianMs: round(medianMs), trades };
}

export function benchBacktest(candles: number): BacktestBench {
  const strategy = getStrategy('bb-reversion');
  return benchStrategy(strategy, resolveParams(strategy, {}), candles);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const candles = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify({ candles, ...benchBacktest(candles) }));
}
