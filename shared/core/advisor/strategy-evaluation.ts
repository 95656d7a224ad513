// The test every strategy a model proposes goes through before anyone sees it (docs/AI-strategies.md):
// a backtest over all the candles, an in-sample / out-of-sample split (the parameters fixed, the
// second part never looked at while drafting), and a walk-forward that re-chooses the parameters
// in-sample on each window from the declared ranges and trades them on the next. The gap between
// in-sample and out-of-sample is the over-fitting measure `improve` and `review` report.
import { runBacktest } from '../backtest/engine';
import { objectiveScore, type Objective } from '../backtest/objective';
import { buildParamAxes, randomParamSets, strategyAccepts } from '../backtest/param-space';
import { backtestRange } from '../backtest/range-backtest';
import { backtestWarnings } from '../backtest/sample-warnings';
import type { BacktestConfig, Candles, Metrics } from '../backtest/types';
import { combineOutOfSample, runWalkForward, walkForwardWindows } from '../backtest/walk-forward';
import { InvalidArgumentError } from '../errors';
import type { StrategyDefinition, StrategyParams } from '../strategies/types';

/**
 * The out-of-sample objective may fall this far below the in-sample one (as a fraction of it)
 * before the result is called over-fitted: a strategy that keeps half its in-sample Sharpe on data
 * it never saw is ordinary; one that loses more than half mostly fitted noise.
 */
export const OVERFIT_GAP_THRESHOLD = 0.5;

/** Fewer candles than this cannot hold a split and a walk-forward that mean anything. */
export const MIN_EVALUATION_CANDLES = 100;

export interface EvaluationOptions {
  config: BacktestConfig;
  /** what "better" means, in-sample and out-of-sample (default sharpe: annualised, so lengths compare) */
  objective?: Objective;
  /** share of the candles in the in-sample part of the split (default 0.7) */
  inSampleFraction?: number;
  /** walk-forward out-of-sample windows (default 4) */
  windows?: number;
  /** parameter sets tried in-sample per walk-forward window besides the strategy's own (default 11) */
  searchSets?: number;
  /** seed of the parameter sample (default 1: the same report every time) */
  seed?: number;
}

export interface PartResult {
  candles: number;
  from: number;
  to: number;
  metrics: Metrics;
}

export interface OverfittingCheck {
  objective: Objective;
  inSample: number;
  outOfSample: number;
  /** (in-sample − out-of-sample) / |in-sample|; null when the in-sample score is not positive */
  gap: number | null;
  threshold: number;
  overfitted: boolean;
}

export interface WalkForwardSummary {
  windows: Array<{
    index: number;
    inSample: { from: number; to: number; candles: number };
    outOfSample: { from: number; to: number; candles: number };
    params: StrategyParams;
    inSampleScore: number;
    outOfSampleMetrics: Metrics;
  }>;
  setsPerWindow: number;
  /** the out-of-sample segments chained */
  metrics: Metrics;
  overfitting: OverfittingCheck;
}

export interface StrategyEvaluation {
  strategy: string;
  params: StrategyParams;
  objective: Objective;
  full: PartResult;
  split: {
    inSampleFraction: number;
    inSample: PartResult;
    outOfSample: PartResult;
    overfitting: OverfittingCheck;
  };
  walkForward: WalkForwardSummary;
  warnings: string[];
}

/** Backtest, split and walk-forward of one strategy with `params` on `candles`. Pure and deterministic. */
export async function evaluateStrategy(
  candles: Candles,
  def: StrategyDefinition,
  params: StrategyParams,
  options: EvaluationOptions,
): Promise<StrategyEvaluation> {
  const n = candles.time.length;
  const objective = options.objective ?? 'sharpe';
  const fraction = options.inSampleFraction ?? 0.7;
  const windowCount = options.windows ?? 4;
  const { config } = options;
  if (n < MIN_EVALUATION_CANDLES)
    throw new InvalidArgumentError(
      `candles: ${n} given; a draft is evaluated on at least ${MIN_EVALUATION_CANDLES} (split and walk-forward)`,
    );
  if (!(fraction >= 0.5 && fraction <= 0.9))
    throw new InvalidArgumentError(`inSampleFraction must be in [0.5, 0.9] (got ${fraction})`);
  if (!(Number.isInteger(windowCount) && windowCount >= 2 && windowCount <= 20))
    throw new InvalidArgumentError(`windows must be a whole number in [2, 20] (got ${windowCount})`);

  const part = (range: { start: number; end: number }, metrics: Metrics): PartResult => ({
    candles: range.end - range.start,
    from: candles.time[range.start]!,
    to: candles.time[range.end - 1]!,
    metrics,
  });

  const full = runBacktest(candles, def, params, config);
  const cut = Math.floor(n * fraction);
  const inRange = { start: 0, end: cut };
  const outRange = { start: cut, end: n };
  const inSample = backtestRange(candles, def, params, config, inRange).metrics;
  const outOfSample = backtestRange(candles, def, params, config, outRange).metrics;

  const walkForward = await walkForwardOf(candles, def, params, objective, windowCount, options);
  const splitCheck = overfittingCheck(objective, inSample, outOfSample);
  const warnings = [
    ...backtestWarnings(full.metrics.trades),
    ...overfitWarning('split', splitCheck),
    ...overfitWarning('walk-forward', walkForward.overfitting),
  ];
  return {
    strategy: def.id,
    params,
    objective,
    full: part({ start: 0, end: n }, full.metrics),
    split: {
      inSampleFraction: fraction,
      inSample: part(inRange, inSample),
      outOfSample: part(outRange, outOfSample),
      overfitting: splitCheck,
    },
    walkForward,
    warnings,
  };
}

/**
 * Windows of equal out-of-sample length over the last 60 % of the candles, each after an in-sample
 * of 40 % of them; in each window the best of the strategy's own params and a seeded sample from
 * its declared ranges is chosen in-sample and traded out-of-sample.
 */
async function walkForwardOf(
  candles: Candles,
  def: StrategyDefinition,
  params: StrategyParams,
  objective: Objective,
  windowCount: number,
  options: EvaluationOptions,
): Promise<WalkForwardSummary> {
  const { config } = options;
  const n = candles.time.length;
  const inLength = Math.floor(n * 0.4);
  const outLength = Math.floor((n - inLength) / windowCount);
  const windows = walkForwardWindows(candles.time, {
    inSample: { unit: 'candles', count: inLength },
    outOfSample: { unit: 'candles', count: outLength },
  }).slice(0, windowCount);
  const sets = paramSetsAround(def, params, options.searchSets ?? 11, options.seed ?? 1);
  const run = await runWalkForward(windows, sets, objective, config.cash, {
    evaluate: (range, paramSets) =>
      Promise.resolve(paramSets.map((p) => backtestRange(candles, def, p, config, range).metrics)),
    backtest: (range, p, cash) => backtestRange(candles, def, p, { ...config, cash }, range),
  });
  const combined = combineOutOfSample(candles, run, config).result.metrics;
  const span = (r: { start: number; end: number }) => ({
    from: candles.time[r.start]!,
    to: candles.time[r.end - 1]!,
    candles: r.end - r.start,
  });
  // In-sample, the walk-forward's best is the mean of the chosen sets' scores (finite ones).
  const scores = run.segments.map((s) => s.inSampleScore).filter(Number.isFinite);
  const meanInSample = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : Number.NEGATIVE_INFINITY;
  return {
    windows: run.segments.map((s) => ({
      index: s.window.index,
      inSample: span(s.window.inSample),
      outOfSample: span(s.window.outOfSample),
      params: s.params,
      inSampleScore: s.inSampleScore,
      outOfSampleMetrics: s.outOfSample.metrics,
    })),
    setsPerWindow: sets.length,
    metrics: combined,
    overfitting: gapCheck(objective, meanInSample, objectiveScore(combined, objective)),
  };
}

/** The strategy's own params first, then up to `count` distinct others from the declared ranges. */
export function paramSetsAround(
  def: StrategyDefinition,
  params: StrategyParams,
  count: number,
  seed: number,
): StrategyParams[] {
  const ranged = def.params.filter((p) => p.type !== 'bool' && p.min !== undefined && p.max !== undefined);
  if (ranged.length === 0 || count < 1) return [params];
  const overrides: Record<string, string> = {};
  for (const spec of def.params) {
    overrides[spec.name] = ranged.includes(spec)
      ? `${spec.min}:${spec.max}:${spec.step ?? defaultStep(spec)}`
      : String(params[spec.name]);
  }
  const key = (p: StrategyParams) => JSON.stringify(def.params.map((s) => p[s.name]));
  const own = key(params);
  const others = randomParamSets(buildParamAxes(def.params, overrides), count + 1, seed, strategyAccepts(def)).filter(
    (p) => key(p) !== own,
  );
  return [params, ...others.slice(0, count)];
}

function defaultStep(spec: { type: string; min?: number; max?: number }): number {
  const width = (spec.max ?? 0) - (spec.min ?? 0);
  return spec.type === 'int' ? Math.max(1, Math.round(width / 10)) : width / 10 || 1;
}

/** In-sample vs out-of-sample by the objective. */
export function overfittingCheck(objective: Objective, inSample: Metrics, outOfSample: Metrics): OverfittingCheck {
  return gapCheck(objective, objectiveScore(inSample, objective), objectiveScore(outOfSample, objective));
}

function gapCheck(objective: Objective, inSample: number, outOfSample: number): OverfittingCheck {
  // Nothing to lose out of sample when the in-sample score is not positive (or no trade was made);
  // no trade out of sample keeps nothing of it: a gap of 100 %.
  const gap =
    Number.isFinite(inSample) && inSample > 0
      ? Number.isFinite(outOfSample)
        ? (inSample - outOfSample) / inSample
        : 1
      : null;
  return {
    objective,
    inSample,
    outOfSample,
    gap,
    threshold: OVERFIT_GAP_THRESHOLD,
    overfitted: gap !== null && gap > OVERFIT_GAP_THRESHOLD,
  };
}

function overfitWarning(where: string, check: OverfittingCheck): string[] {
  if (!check.overfitted || check.gap === null) return [];
  const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'none (no trade)');
  return [
    `over-fitting (${where}): in-sample ${check.objective} ${fmt(check.inSample)}, out-of-sample ${fmt(check.outOfSample)}: ${Math.round(check.gap * 100)} % lower (threshold ${Math.round(check.threshold * 100)} %)`,
  ];
}
