// The backtesting commands: backtest, optimize, walk-forward, montecarlo and download. Each
// prints one JSON object with --json (one line, so a reader can take the whole stdout, the last
// line or everything from the first "{"); bad input is one line on stderr and exit code 2.
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { CCXT_EXCHANGE_IDS, type CcxtExchangeId } from '../../shared/adapters/exchange/exchange-ids';
import { DEFAULT_CACHE_DIR } from '../../shared/adapters/market-data/candle-cache';
import { downloadCandles } from '../../shared/adapters/market-data/candle-downloader';
import { runBacktest } from '../../shared/core/backtest/engine';
import { MONTE_CARLO_MODES, monteCarlo, type MonteCarloMode } from '../../shared/core/backtest/monte-carlo';
import { backtestWarnings, monteCarloWarnings } from '../../shared/core/backtest/sample-warnings';
import { isObjective, OBJECTIVES, type Objective } from '../../shared/core/backtest/objective';
import {
  buildParamAxes,
  describeParams,
  gridParamSets,
  gridSize,
  randomParamSets,
  strategyAccepts,
} from '../../shared/core/backtest/param-space';
import type { BacktestConfig, BacktestResult, Candles } from '../../shared/core/backtest/types';
import { parseSpan, walkForwardWindows } from '../../shared/core/backtest/walk-forward';
import { getStrategy, parseParamAssignments, resolveParams, STRATEGIES } from '../../shared/core/strategies/registry';
import type { StrategyDefinition, StrategyParams } from '../../shared/core/strategies/types';
import { loadRuleFile, unsimulatedByBacktest } from './rule-file';
import {
  addConfigOptions,
  addDataOptions,
  addOutputOptions,
  addStrategyOptions,
  BacktestInputError,
  buildConfig,
  configForOutput,
  isInputError,
  loadData,
  numberOption,
  periodOf,
  quoteOf,
  timeOption,
  type ConfigOptions,
  type DataOptions,
  type LoadedData,
  type OutputOptions,
  type StrategyOptions,
} from '../backtest/cli-options';
import { renderHtmlReport, type ReportMeta } from '../backtest/html-report';
import { metricsLines, monteCarloLines, regimeLines, slicingLines, tradeLines } from '../backtest/human-output';
import { backtestByRegime } from '../../shared/core/regimes';
import { optimise, walkForward } from '../backtest/optimise';
import { progressBar } from '../backtest/progress';
import { meteredRun, type RunMetering, type RunMetric } from '../backtest/run-metering';
import { fmt, fmtTime } from '../backtest/report-format';
import { registerFundingArbCommand } from './funding-arb-command';
import { strategyParamsHelp } from './strategy-help';

type RunOptions = DataOptions & ConfigOptions & StrategyOptions & OutputOptions & { stage?: string };

export function registerBacktestCommands(program: Command): void {
  const strategyList = `strategies: ${Object.keys(STRATEGIES).join(', ')}`;

  const backtest = registerBacktest(
    program,
    program,
    `run one strategy over candles and print its metrics (${strategyList})`,
  );
  registerFundingArbCommand(backtest, guard);

  command(
    program,
    'optimize',
    'backtest a grid (or a random sample) of parameter sets on all cores, best first',
    'name=value, name=min:max:step or name=a,b,c (repeatable)',
  )
    .option('--random <n>', 'evaluate n random sets of the grid instead of all of it')
    .option('--seed <n>', 'seed of the random search', '1')
    .addOption(new Option('--objective <metric>', 'what "best" means').choices([...OBJECTIVES]).default('sharpe'))
    .option('--top <n>', 'how many results to print', '10')
    .option('--workers <n>', 'worker threads (default: the number of cores)')
    .action(guard(metered(program, 'optimisations', optimizeAction)));

  command(
    program,
    'walk-forward',
    'choose params on each in-sample window, trade them on the next out-of-sample window, chain the results',
    'name=value, name=min:max:step or name=a,b,c (repeatable)',
  )
    .requiredOption('--in-sample <length>', 'in-sample length: candles (500) or time (90d, 12h, 2w)')
    .requiredOption('--out-of-sample <length>', 'out-of-sample length, same unit')
    .option('--step <length>', 'how far windows move (default: the out-of-sample length)')
    .option('--random <n>', 'search the same n random sets of the grid in every window instead of all of it')
    .option('--seed <n>', 'seed of the random search', '1')
    .addOption(
      new Option('--objective <metric>', 'what "best" means in-sample').choices([...OBJECTIVES]).default('sharpe'),
    )
    .option('--workers <n>', 'worker threads (default: the number of cores)')
    .option('--report <file>', 'write a self-contained HTML report of the out-of-sample result')
    .action(guard(metered(program, 'optimisations', walkForwardAction)));

  command(program, 'montecarlo', 'backtest once, then resample its trades to see the spread of return and drawdown')
    .option('--runs <n>', 'simulated sequences', '1000')
    .option('--seed <n>', 'random seed', '1')
    .addOption(
      new Option('--mode <mode>', 'bootstrap = draw trades with replacement; shuffle = reorder them')
        .choices([...MONTE_CARLO_MODES])
        .default('bootstrap'),
    )
    .action(guard(metered(program, 'backtests', monteCarloAction)));

  addOutputOptions(
    program
      .command('download')
      .description(
        'download closed candles (and funding rates) from an exchange into the local cache; reruns fetch only what is missing',
      )
      .addOption(new Option('--exchange <id>', 'exchange').choices([...CCXT_EXCHANGE_IDS]).makeOptionMandatory())
      .requiredOption('--symbol <symbol>', 'ccxt unified symbol, e.g. BTC/USDT:USDT')
      .requiredOption('--timeframe <tf>', 'candle timeframe, e.g. 1m, 1h, 1d')
      .requiredOption('--since <date>', 'first candle (UTC date/time or epoch ms)')
      .option('--until <date>', 'stop before this time (default: now)')
      .option('--funding', 'also download the funding-rate history')
      .option('--cache <dir>', 'cache folder', DEFAULT_CACHE_DIR)
      .addOption(
        new Option('--api-url <url>', 'testing: send the requests to this base URL (a fake Binance)').hideHelp(),
      ),
  )
    .exitOverride(exitWithUsageCode)
    .showHelpAfterError('(add --help for the options)')
    .action(guard(downloadAction));
}

/** `backtest` under `parent` (the program, or `strategy`: `strategy backtest --rules FILE`). */
export function registerBacktest(parent: Command, program: Command, description: string): Command {
  return command(parent, 'backtest', description)
    .option('--report <file>', 'write a self-contained HTML report')
    .option('--trades', 'include the trades (JSON) or list them (text)')
    .option('--regimes', 'time in each market regime and P&L by the regime at entry (docs/REGIMES.md)')
    .action(guard(metered(program, 'backtests', backtestAction)));
}

function command(program: Command, name: string, description: string, paramHelp?: string): Command {
  const cmd = program.command(name).description(description);
  addDataOptions(cmd);
  addStrategyOptions(cmd, paramHelp);
  addConfigOptions(cmd);
  addOutputOptions(cmd);
  cmd.option(
    '--stage <stage>',
    'with --user: the deployed stage (dev|prod) whose plan counts the run (default: the local stack)',
  );
  cmd.addHelpText('after', strategyParamsHelp(Object.values(STRATEGIES)));
  return cmd.exitOverride(exitWithUsageCode).showHelpAfterError('(add --help for the options)');
}

/** Commander's own usage errors (missing or unknown option, bad choice) exit 2 like ours. */
function exitWithUsageCode(error: { code: string; exitCode: number }): never {
  const ok =
    error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version';
  process.exit(ok ? error.exitCode : 2);
}

function guard<T>(action: (options: T) => Promise<void>): (options: T) => Promise<void> {
  return async (options) => {
    try {
      await action(options);
    } catch (error) {
      if (!isInputError(error)) throw error;
      console.error(`error: ${error.message.split('\n')[0]}`);
      process.exit(2);
    }
  };
}

/**
 * With `--user E` the run is on E's tenant's plan: allowed first, counted once finished
 * (bin/backtest/run-metering.ts). Without it the command stays offline: no stack, no table.
 */
function metered<T extends { stage?: string }>(
  program: Command,
  metric: RunMetric,
  action: (options: T) => Promise<void>,
): (options: NoInfer<T>) => Promise<void> {
  return async (options) => meteredRun(await meteringOf(program, options.stage), metric, () => action(options));
}

async function meteringOf(program: Command, stage: string | undefined): Promise<RunMetering | undefined> {
  if (program.opts<{ user?: string }>().user === undefined) {
    if (stage !== undefined) throw new BacktestInputError('--stage applies with --user only (a backtest runs offline)');
    return undefined;
  }
  // loaded only for --user: the offline commands start without the AWS SDK
  const [{ resolveTarget }, { buildTenancy, plansOf }, { systemClock }] = await Promise.all([
    import('../cli-target'),
    import('../../shared/runtime/tenancy'),
    import('../../shared/core/ports/runtime'),
  ]);
  const target = await resolveTarget(stage);
  const tenancy = buildTenancy(target.repos.documentClient, target.stage, plansOf(process.env.PLANS), systemClock);
  return {
    tenantId: target.scope.tenantId,
    guard: tenancy.guard,
    meter: tenancy.meter,
    clock: systemClock,
    warn: (message) => console.error(`warning: ${message}`),
  };
}

function printJson(data: unknown): void {
  console.log(
    JSON.stringify(data, (_key, value: unknown) =>
      typeof value === 'number' && !Number.isFinite(value) ? null : value,
    ),
  );
}

/** The built-in --strategy names, or the rule file --rules gives: exactly one of them. */
function strategyFor(o: StrategyOptions): StrategyDefinition {
  if ((o.strategy === undefined) === (o.rules === undefined))
    throw new BacktestInputError('give --strategy <id> or --rules <file> (one of them)');
  if (o.rules !== undefined) {
    let loaded: ReturnType<typeof loadRuleFile>;
    try {
      loaded = loadRuleFile(o.rules);
    } catch (error) {
      throw new BacktestInputError((error as Error).message);
    }
    const unsimulated = unsimulatedByBacktest(loaded.rules);
    // stderr: --json's stdout stays one document
    if (unsimulated.length)
      console.error(
        `warning: ${o.rules}: the backtest does not simulate ${unsimulated.join(', ')} (paper and live accounts apply them; sl and tp are simulated; --trailing and --size set the backtest's own): docs/STRATEGIES.md`,
      );
    return loaded.definition;
  }
  try {
    return getStrategy(o.strategy!);
  } catch (error) {
    throw new BacktestInputError(`--strategy: ${(error as Error).message}`);
  }
}

/** One value per parameter (the registry's rules), accepted by the strategy. */
function fixedParams(def: StrategyDefinition, assignments: readonly string[]): StrategyParams {
  let params: StrategyParams;
  try {
    const overrides = parseParamAssignments(assignments);
    const ranged = Object.entries(overrides).find(([, v]) => v.includes(':') || v.includes(','));
    if (ranged)
      throw new Error(
        `${ranged[0]}=${ranged[1]} is a range or a list; this command takes one value (use optimize to search)`,
      );
    params = resolveParams(def, overrides);
    def.create(params);
  } catch (error) {
    throw new BacktestInputError(`--param: ${(error as Error).message}`);
  }
  return params;
}

/** Every set of the grid (or a seeded sample of it) that the strategy accepts. */
function searchSets(
  def: StrategyDefinition,
  assignments: readonly string[],
  random: string | undefined,
  seed: string,
): { sets: StrategyParams[]; gridSize: number } {
  let overrides: Record<string, string>;
  try {
    overrides = parseParamAssignments(assignments);
  } catch (error) {
    throw new BacktestInputError(`--param: ${(error as Error).message}`);
  }
  const axes = buildParamAxes(def.params, overrides);
  const accept = strategyAccepts(def);
  const size = gridSize(axes);
  const sets =
    random === undefined
      ? gridParamSets(axes, accept)
      : randomParamSets(
          axes,
          numberOption('--random', random, { min: 1, integer: true }),
          numberOption('--seed', seed, { integer: true }),
          accept,
        );
  if (sets.length === 0)
    throw new BacktestInputError(
      `--param: the strategy refuses all ${size} combinations (e.g. fast must stay below slow)`,
    );
  return { sets, gridSize: size };
}

function objectiveOf(name: string): Objective {
  if (!isObjective(name)) throw new BacktestInputError(`--objective "${name}": use one of ${OBJECTIVES.join(', ')}`);
  return name;
}

function workersOf(text: string | undefined): number | undefined {
  return text === undefined ? undefined : numberOption('--workers', text, { min: 1, max: 256, integer: true });
}

async function prepare(o: RunOptions): Promise<{ def: StrategyDefinition; config: BacktestConfig; data: LoadedData }> {
  const def = strategyFor(o);
  const config = await buildConfig(o);
  const data = await loadData(o);
  return { def, config, data };
}

function runOnce(
  candles: Candles,
  def: StrategyDefinition,
  params: StrategyParams,
  config: BacktestConfig,
  o: OutputOptions,
): BacktestResult {
  const bar = progressBar('backtest', o.progress);
  try {
    return runBacktest(candles, def, params, config, (done, total) => bar.update(done, total));
  } finally {
    bar.stop();
  }
}

function reportMeta(data: LoadedData, extra: Partial<ReportMeta> = {}): ReportMeta {
  const quote = quoteOf(data.symbol);
  return {
    source: data.source,
    ...(data.symbol ? { symbol: data.symbol } : {}),
    ...(data.timeframe ? { timeframe: data.timeframe } : {}),
    ...(quote ? { quote } : {}),
    ...extra,
  };
}

function writeReport(file: string, html: string): void {
  try {
    writeFileSync(file, html);
  } catch (error) {
    throw new BacktestInputError(
      `--report ${file}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

async function backtestAction(o: RunOptions & { report?: string; trades?: boolean; regimes?: boolean }): Promise<void> {
  const { def, config, data } = await prepare(o);
  const params = fixedParams(def, o.param);
  const result = runOnce(data.candles, def, params, config, o);
  // RegimeStream over the same candles (≈ 0.5 ms a bar with its refits): only when asked.
  const regimes = o.regimes ? backtestByRegime(data.candles, result.trades) : undefined;
  if (o.report) writeReport(o.report, renderHtmlReport(result, data.candles, reportMeta(data)));
  if (o.json) {
    printJson({
      strategy: def.id,
      params,
      data: { source: data.source, ...periodOf(data.candles) },
      config: configForOutput(config),
      metrics: result.metrics,
      warnings: backtestWarnings(result.metrics.trades),
      ...(result.skipped ? { skipped: result.skipped } : {}),
      ...(result.slicing ? { slicing: result.slicing } : {}),
      ...(o.trades ? { trades: result.trades } : {}),
      ...(regimes ? { regimes } : {}),
      ...(o.report ? { report: o.report } : {}),
    });
    return;
  }
  const quote = quoteOf(data.symbol);
  const period = periodOf(data.candles);
  console.log(
    `${def.id} ${describeParams(params)} on ${data.source}: ${period.candles} candles ${period.from} → ${period.to}`,
  );
  for (const line of metricsLines(result.metrics, quote)) console.log(line);
  if (result.slicing) for (const line of slicingLines(result.slicing)) console.log(line);
  if (o.trades) for (const line of tradeLines(result.trades)) console.log(line);
  if (regimes) for (const line of regimeLines(regimes, quote)) console.log(line);
  if (o.report) console.log(`report: ${o.report}`);
}

async function optimizeAction(
  o: RunOptions & { random?: string; seed: string; objective: string; top: string; workers?: string },
): Promise<void> {
  const { def, config, data } = await prepare(o);
  const objective = objectiveOf(o.objective);
  const top = numberOption('--top', o.top, { min: 1, integer: true });
  const workers = workersOf(o.workers);
  const { sets, gridSize: size } = searchSets(def, o.param, o.random, o.seed);
  const bar = progressBar('optimize', o.progress);
  const started = Date.now();
  let outcome;
  try {
    outcome = await optimise(data.candles, def, sets, config, {
      objective,
      ...(workers ? { workers } : {}),
      onProgress: (done, total) => bar.update(done, total),
    });
  } finally {
    bar.stop();
  }
  const elapsedMs = Date.now() - started;
  const results = outcome.ranked.slice(0, top);
  if (o.json) {
    printJson({
      strategy: def.id,
      objective,
      data: { source: data.source, ...periodOf(data.candles) },
      config: configForOutput(config),
      gridSize: size,
      evaluated: outcome.evaluated,
      refused: o.random === undefined ? size - sets.length : undefined,
      failed: outcome.failed,
      elapsedMs,
      results,
    });
    return;
  }
  console.log(
    `${def.id}: ${outcome.evaluated} sets of ${size} evaluated in ${(elapsedMs / 1000).toFixed(1)} s, best by ${objective}:`,
  );
  for (const r of results) {
    const m = r.metrics;
    console.log(
      `${String(r.rank).padStart(3)}. ${objective} ${fmt(r.score)}  ${describeParams(r.params)}  return ${fmt(m.returnPct)} %  max DD ${fmt(m.maxDrawdownPct)} %  trades ${m.trades}  win ${fmt(m.winRatePct)} %`,
    );
  }
  for (const f of outcome.failed.slice(0, 5)) console.error(`failed: ${describeParams(f.params)}: ${f.error}`);
}

async function walkForwardAction(
  o: RunOptions & {
    inSample: string;
    outOfSample: string;
    step?: string;
    random?: string;
    seed: string;
    objective: string;
    workers?: string;
    report?: string;
  },
): Promise<void> {
  const { def, config, data } = await prepare(o);
  const objective = objectiveOf(o.objective);
  const workers = workersOf(o.workers);
  const spec = {
    inSample: parseSpan(o.inSample, '--in-sample'),
    outOfSample: parseSpan(o.outOfSample, '--out-of-sample'),
    ...(o.step ? { step: parseSpan(o.step, '--step') } : {}),
  };
  const windows = walkForwardWindows(data.candles.time, spec);
  if (windows.length === 0)
    throw new BacktestInputError(
      `--in-sample: no window fits in ${data.candles.time.length} candles; shorten --in-sample or --out-of-sample`,
    );
  const { sets } = searchSets(def, o.param, o.random, o.seed);
  const bar = progressBar('walk-forward', o.progress);
  let outcome;
  try {
    outcome = await walkForward(data.candles, def, windows, sets, config, {
      objective,
      ...(workers ? { workers } : {}),
      onProgress: (done, total) => bar.update(done, total),
    });
  } finally {
    bar.stop();
  }
  const { run, combined } = outcome;
  const time = data.candles.time;
  const span = (r: { start: number; end: number }) => ({
    from: new Date(time[r.start]!).toISOString(),
    to: new Date(time[r.end - 1]!).toISOString(),
    candles: r.end - r.start,
  });
  const windowRows = run.segments.map((s) => ({
    index: s.window.index,
    inSample: span(s.window.inSample),
    outOfSample: span(s.window.outOfSample),
    params: s.params,
    inSampleScore: s.inSampleScore,
    outOfSampleMetrics: s.outOfSample.metrics,
  }));
  if (o.report) {
    // Only the searched params: the fixed ones are the same in every row.
    const searched = Object.keys(sets[0] ?? {}).filter((name) => new Set(sets.map((p) => p[name])).size > 1);
    const shown = (params: StrategyParams) =>
      describeParams(Object.fromEntries(Object.entries(params).filter(([name]) => searched.includes(name))));
    const table = {
      heading: `Walk-forward windows (best by ${objective} in-sample)`,
      columns: [
        '#',
        'in-sample (UTC)',
        'out-of-sample (UTC)',
        'params',
        `in-sample ${objective}`,
        'OOS return %',
        'OOS max DD %',
        'OOS trades',
      ],
      rows: run.segments.map((s) => [
        String(s.window.index + 1),
        `${fmtTime(time[s.window.inSample.start]!)} → ${fmtTime(time[s.window.inSample.end - 1]!)}`,
        `${fmtTime(time[s.window.outOfSample.start]!)} → ${fmtTime(time[s.window.outOfSample.end - 1]!)}`,
        shown(s.params),
        fmt(s.inSampleScore),
        fmt(s.outOfSample.metrics.returnPct),
        fmt(s.outOfSample.metrics.maxDrawdownPct),
        String(s.outOfSample.metrics.trades),
      ]),
    };
    const title = `Walk-forward: ${def.id} (${sets.length} sets per window, ${run.segments.length} windows, in-sample ${o.inSample}, out-of-sample ${o.outOfSample})`;
    writeReport(
      o.report,
      renderHtmlReport(
        combined.result,
        combined.candles,
        reportMeta(data, {
          title,
          tables: [table],
          notes: ['Out-of-sample segments only, chained: each starts from the previous one’s final equity.'],
        }),
      ),
    );
  }
  if (o.json) {
    printJson({
      strategy: def.id,
      objective,
      data: { source: data.source, ...periodOf(data.candles) },
      config: configForOutput(config),
      inSample: o.inSample,
      outOfSample: o.outOfSample,
      step: o.step ?? o.outOfSample,
      setsPerWindow: sets.length,
      windows: windowRows,
      metrics: combined.result.metrics,
      warnings: backtestWarnings(combined.result.metrics.trades),
      ...(o.report ? { report: o.report } : {}),
    });
    return;
  }
  console.log(
    `${def.id}: ${run.segments.length} walk-forward windows, ${sets.length} sets each, best by ${objective} in-sample`,
  );
  for (const w of windowRows) {
    console.log(
      `${String(w.index + 1).padStart(3)}. OOS ${w.outOfSample.from.slice(0, 16)} → ${w.outOfSample.to.slice(0, 16)}  ${describeParams(w.params)}  return ${fmt(w.outOfSampleMetrics.returnPct)} %  trades ${w.outOfSampleMetrics.trades}`,
    );
  }
  console.log('out-of-sample, chained:');
  for (const line of metricsLines(combined.result.metrics, quoteOf(data.symbol))) console.log(line);
  if (o.report) console.log(`report: ${o.report}`);
}

async function monteCarloAction(o: RunOptions & { runs: string; seed: string; mode: string }): Promise<void> {
  const { def, config, data } = await prepare(o);
  const params = fixedParams(def, o.param);
  const runs = numberOption('--runs', o.runs, { min: 1, max: 10_000_000, integer: true });
  const seed = numberOption('--seed', o.seed, { integer: true });
  const mode = o.mode as MonteCarloMode;
  const result = runOnce(data.candles, def, params, config, o);
  // Percent-of-equity sizing compounds: a trade's effect is its fraction of the equity it met.
  const compound = config.size.kind === 'percent' || config.size.kind === 'risk';
  const report = monteCarlo(
    result.trades.map((t) => t.pnl),
    { runs, seed, mode, startEquity: config.cash, compound },
  );
  if (o.json) {
    printJson({
      strategy: def.id,
      params,
      data: { source: data.source, ...periodOf(data.candles) },
      config: configForOutput(config),
      metrics: result.metrics,
      monteCarlo: report,
      warnings: [...backtestWarnings(result.metrics.trades), ...monteCarloWarnings(report.trades, report.mode)],
    });
    return;
  }
  console.log(`${def.id} ${describeParams(params)}: backtest`);
  for (const line of metricsLines(result.metrics, quoteOf(data.symbol))) console.log(line);
  for (const line of monteCarloLines(report)) console.log(line);
}

async function downloadAction(
  o: OutputOptions & {
    exchange: CcxtExchangeId;
    symbol: string;
    timeframe: string;
    since: string;
    until?: string;
    funding?: boolean;
    cache: string;
    apiUrl?: string;
  },
): Promise<void> {
  const since = timeOption('--since', o.since);
  const until = o.until === undefined ? undefined : timeOption('--until', o.until);
  if (until !== undefined && !(until > since)) throw new BacktestInputError(`--until must be after --since`);
  // ccxt loads only for a download: every other command starts without it.
  const { BadSymbol, createCcxtExchange } = await import('../../shared/adapters/exchange/ccxt-lib');
  const exchange = createCcxtExchange(o.exchange);
  if (o.apiUrl) {
    if (o.exchange !== 'binanceusdm')
      throw new BacktestInputError('--api-url: only binanceusdm can be pointed at a local fake');
    const { pointCcxtAt } = await import('../local/fake-binance/index');
    pointCcxtAt(exchange, o.apiUrl);
  }
  const bar = progressBar('download', o.progress);
  let report;
  try {
    report = await downloadCandles({
      exchange,
      exchangeId: o.exchange,
      symbol: o.symbol,
      timeframe: o.timeframe,
      since,
      ...(until !== undefined ? { until } : {}),
      funding: Boolean(o.funding),
      cacheDir: o.cache,
      onProgress: (p) => bar.update(Math.round(p.done), Math.round(p.total)),
    });
  } catch (error) {
    if (isInputError(error)) throw error;
    // ccxt's messages carry the public URL and the exchange's answer: useful, and no secret (no keys here).
    if (error instanceof BadSymbol) throw new BacktestInputError(`--symbol ${o.symbol}: ${error.message}`);
    const name = error instanceof Error ? error.constructor.name : 'Error';
    console.error(
      `error: download failed (${name}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}; rerun to resume`,
    );
    process.exit(1);
  } finally {
    bar.stop();
  }
  const out = { ...report, since: new Date(report.since).toISOString(), until: new Date(report.until).toISOString() };
  if (o.json) {
    printJson(out);
    return;
  }
  console.log(
    `${o.symbol} ${o.timeframe} ${out.since} → ${out.until}: ${report.newCandles} new candles (${report.missingBefore} were missing), ${report.totalCandles} cached in ${report.candlesFile}; ${report.requests} requests`,
  );
  if (report.fundingFile)
    console.log(
      `funding: ${report.newFundingRates} new rates, ${report.totalFundingRates} cached in ${report.fundingFile}`,
    );
}
