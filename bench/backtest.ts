// `npm run bench:backtest`: indicator, backtest and optimisation throughput on this machine.
// Progress on stderr; the last stdout line is one JSON object:
//   candles/s of each indicator (batch, ≥ 1M candles), candles/s of the bb-reversion backtest over
//   1M minute candles, and the wall time of a 100-combination sma-cross grid over 525,600 minute
//   candles (a year) on the worker pool.
// Goals (issue "Indicators, strategies, backtesting…", 2-core machine): indicators ≥ 25M candles/s,
// BB backtest ≥ 5M candles/s, the grid ≤ 15 s.
import { availableParallelism } from 'node:os';
import { runGrid } from '../bin/backtest/worker-pool';
import { buildParamAxes, gridParamSets } from '../shared/core/backtest/param-space';
import { getStrategy } from '../shared/core/strategies/registry';
import { BENCH_CONFIG, benchBacktest, randomWalkMinutes } from './backtest-engine';
import { benchIndicators } from './indicators';
import { progress, round } from './stats';

const CANDLES = Number(process.env.BENCH_CANDLES ?? 1_000_000);
const GRID_CANDLES = Number(process.env.BENCH_GRID_CANDLES ?? 525_600);

process.stderr.write(`indicators, batch, ${CANDLES.toLocaleString('en-US')} candles…\n`);
const indicators = benchIndicators(CANDLES);
for (const [name, rate] of Object.entries(indicators))
  process.stderr.write(`  ${name.padEnd(12)} ${round(rate / 1e6, 1)}M candles/s\n`);

process.stderr.write(`bb-reversion backtest, ${CANDLES.toLocaleString('en-US')} minute candles…\n`);
const backtest = benchBacktest(CANDLES);
process.stderr.write(
  `  ${round(backtest.candlesPerSec / 1e6, 1)}M candles/s (${backtest.trades} trades, median ${backtest.medianMs} ms)\n`,
);

// 10 × 10 = 100 combinations, every one valid (fast < slow).
const strategy = getStrategy('sma-cross');
const paramSets = gridParamSets(buildParamAxes(strategy.params, { fast: '5:50:5', slow: '60:240:20' }));
if (paramSets.length !== 100) throw new Error(`grid has ${paramSets.length} combinations, not 100`);
const yearOfMinutes = randomWalkMinutes(GRID_CANDLES, 7);
process.stderr.write(
  `grid: ${paramSets.length} sma-cross combinations × ${GRID_CANDLES.toLocaleString('en-US')} candles on ${availableParallelism()} workers…\n`,
);
const started = performance.now();
const results = await runGrid(yearOfMinutes, 'sma-cross', paramSets, BENCH_CONFIG, {
  onProgress: (done, total) => progress('grid', done, total),
});
const gridSeconds = round((performance.now() - started) / 1000, 2);
const failed = results.filter((r) => r.error).length;
if (failed) throw new Error(`${failed} grid backtests failed: ${results.find((r) => r.error)?.error}`);

const minIndicator = Math.min(...Object.values(indicators));
console.log(
  JSON.stringify({
    bench: 'backtest',
    node: process.version,
    cores: availableParallelism(),
    indicatorsCandlesPerSec: indicators,
    bbBacktest: { candles: CANDLES, candlesPerSec: backtest.candlesPerSec, trades: backtest.trades },
    grid: {
      combinations: paramSets.length,
      candles: GRID_CANDLES,
      wallSeconds: gridSeconds,
      candlesPerSec: Math.round((paramSets.length * GRID_CANDLES) / gridSeconds),
    },
    goals: {
      indicatorsGe25M: minIndicator >= 25e6,
      bbBacktestGe5M: backtest.candlesPerSec >= 5e6,
      gridLe15s: gridSeconds <= 15,
    },
  }),
);
process.exit(0);
