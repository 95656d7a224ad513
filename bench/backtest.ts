// `npm run bench:backtest`: candle loading, indicator, backtest and optimisation speed on this
// machine. Figures on stderr as they come; the last stdout line is one JSON object:
//   the median load time of a 1M-row candle CSV (two shapes), candles/s of each indicator (batch,
//   ≥ 1M candles), each indicator's time against @ixjb94/indicators measured in this process
//   (ours/theirs, at 1M and 10k candles), candles/s of the bb-reversion backtest over 1M minute
//   candles, the same of its rule file (strategies/bb-reversion.json) and the ratio, and the wall
//   time of a 100-combination sma-cross grid over 525,600 minute candles (a year) on the worker pool,
//   and bb-reversion with every entry sliced (TWAP, 4 slices) against the unsliced run.
// Goals (issue "Indicators, strategies, backtesting…", 2-core machine): indicators ≥ 25M candles/s,
// BB backtest ≥ 5M candles/s, the grid ≤ 15 s; issue 16 item 4: 1M CSV rows loaded in ≤ 2 s, each
// indicator at least as fast as @ixjb94/indicators (ratio ≤ 1).
// BENCH_CANDLES / BENCH_GRID_CANDLES / BENCH_CSV_ROWS change the sizes.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { runGrid } from '../bin/backtest/worker-pool';
import { buildParamAxes, gridParamSets } from '../shared/core/backtest/param-space';
import { getStrategy, resolveParams } from '../shared/core/strategies/registry';
import { compileRules, parseRuleFile } from '../shared/core/strategies/rules';
import { BENCH_CONFIG, benchBacktest, benchStrategy, randomWalkMinutes } from './backtest-engine';
import { benchCsvLoad } from './csv-load';
import { benchIndicators } from './indicators';
import { benchRatios, ratioLines } from './indicators-vs-ixjb94';
import { progress, round } from './stats';

const CANDLES = Number(process.env.BENCH_CANDLES ?? 1_000_000);
const GRID_CANDLES = Number(process.env.BENCH_GRID_CANDLES ?? 525_600);
const CSV_ROWS = Number(process.env.BENCH_CSV_ROWS ?? 1_000_000);

process.stderr.write(`candle CSV load (loadCandlesFile), ${CSV_ROWS.toLocaleString('en-US')} rows, median of 5…\n`);
const csvLoad = await benchCsvLoad(CSV_ROWS);
for (const [shape, f] of Object.entries(csvLoad))
  process.stderr.write(`  ${shape.padEnd(12)} ${f.wallMs} ms wall, ${f.cpuMs} ms CPU (${f.megabytes} MB)\n`);

process.stderr.write(`indicators, batch, ${CANDLES.toLocaleString('en-US')} candles…\n`);
const indicators = benchIndicators(CANDLES);
for (const [name, rate] of Object.entries(indicators))
  process.stderr.write(`  ${name.padEnd(12)} ${round(rate / 1e6, 1)}M candles/s\n`);

process.stderr.write('against @ixjb94/indicators, same process, same candles, median of 9 alternating runs…\n');
const vsIxjb94 = { candles1M: benchRatios(1_000_000), candles10k: benchRatios(10_000) };
for (const line of [
  ...ratioLines('  1,000,000 candles', vsIxjb94.candles1M),
  ...ratioLines('  10,000 candles', vsIxjb94.candles10k),
])
  process.stderr.write(`${line}\n`);

process.stderr.write(`bb-reversion backtest, ${CANDLES.toLocaleString('en-US')} minute candles…\n`);
const backtest = benchBacktest(CANDLES);
process.stderr.write(
  `  ${round(backtest.candlesPerSec / 1e6, 1)}M candles/s (${backtest.trades} trades, median ${backtest.medianMs} ms)\n`,
);
// The same strategy as a rule file (strategies/bb-reversion.json, compiled by compileRules): its
// throughput beside the coded built-in's, measured again right after it on the same candles, and
// the ratio (issue 16 item 1: within 2×). Identical trades are checked, not assumed.
const RULE_FILE = 'strategies/bb-reversion.json';
const parsedRules = parseRuleFile(readFileSync(RULE_FILE, 'utf8'), RULE_FILE);
if (!parsedRules.ok) throw new Error(`${RULE_FILE}: ${JSON.stringify(parsedRules.errors)}`);
const ruleDefinition = compileRules(parsedRules.rules);
process.stderr.write(`${RULE_FILE} (rule file) backtest, ${CANDLES.toLocaleString('en-US')} minute candles…\n`);
const ruleBench = benchStrategy(ruleDefinition, resolveParams(ruleDefinition, {}), CANDLES);
const codedAgain = benchBacktest(CANDLES);
if (ruleBench.trades !== codedAgain.trades)
  throw new Error(`rule file: ${ruleBench.trades} trades, the coded bb-reversion ${codedAgain.trades}`);
const codedRate = Math.max(backtest.candlesPerSec, codedAgain.candlesPerSec);
const ruleFile = {
  file: RULE_FILE,
  candles: CANDLES,
  candlesPerSec: ruleBench.candlesPerSec,
  codedCandlesPerSec: codedRate,
  slowdown: round(codedRate / ruleBench.candlesPerSec, 2),
  trades: ruleBench.trades,
};
process.stderr.write(
  `  ${round(ruleBench.candlesPerSec / 1e6, 1)}M candles/s against the coded ${round(codedRate / 1e6, 1)}M: ${ruleFile.slowdown}× slower (goal ≤ 2×)\n`,
);

// Every entry sliced (docs/EXECUTION-ALGOS.md "Backtest"): TWAP, 4 slices a minute apart, on the
// same candles; the coded run's rate beside it. Slicing off is the coded run itself.
const SLICED = { ...BENCH_CONFIG, algo: { kind: 'twap' as const, horizonMs: 4 * 60_000, intervalMs: 60_000 } };
process.stderr.write(
  `bb-reversion, every entry TWAP in 4 slices, ${CANDLES.toLocaleString('en-US')} minute candles…\n`,
);
const bb = getStrategy('bb-reversion');
const slicedBench = benchStrategy(bb, resolveParams(bb, {}), CANDLES, SLICED);
const sliced = {
  candlesPerSec: slicedBench.candlesPerSec,
  trades: slicedBench.trades,
  slowdown: round(codedRate / slicedBench.candlesPerSec, 2),
};
process.stderr.write(
  `  ${round(slicedBench.candlesPerSec / 1e6, 1)}M candles/s (${slicedBench.trades} trades): ${sliced.slowdown}× the unsliced run's time\n`,
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
    csvLoad: { rows: CSV_ROWS, ...csvLoad },
    indicatorsCandlesPerSec: indicators,
    vsIxjb94,
    bbBacktest: { candles: CANDLES, candlesPerSec: backtest.candlesPerSec, trades: backtest.trades },
    grid: {
      combinations: paramSets.length,
      candles: GRID_CANDLES,
      wallSeconds: gridSeconds,
      candlesPerSec: Math.round((paramSets.length * GRID_CANDLES) / gridSeconds),
    },
    ruleFile,
    sliced,
    goals: {
      csvLoadLe2s: Object.values(csvLoad).every((f) => f.wallMs <= 2000),
      indicatorsNotSlowerThanIxjb94At1M: Object.values(vsIxjb94.candles1M).every((r) => r.ratio <= 1),
      indicatorsGe25M: minIndicator >= 25e6,
      bbBacktestGe5M: backtest.candlesPerSec >= 5e6,
      gridLe15s: gridSeconds <= 15,
      ruleFileWithin2x: ruleFile.slowdown <= 2,
    },
  }),
);
process.exit(0);
