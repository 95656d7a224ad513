// Walk-forward analysis: rolling windows of in-sample (pick the best params by an objective) and
// out-of-sample (trade those params on candles the choice never saw), with the out-of-sample
// segments chained into one equity curve: each starts from the previous one's final equity.
import type { StrategyParams } from '../strategies/types';
import { InvalidArgumentError } from '../errors';
import { computeMetrics } from './metrics';
import { objectiveScore, type Objective } from './objective';
import { concatCandles, type IndexRange } from './range-backtest';
import type { BacktestConfig, BacktestResult, BacktestTrade, Candles, Metrics } from './types';

export type { IndexRange } from './range-backtest';

/** A length in candles or in time. */
export type Span = { unit: 'candles'; count: number } | { unit: 'ms'; ms: number };

export interface WalkForwardWindow {
  index: number;
  inSample: IndexRange;
  outOfSample: IndexRange;
}

export interface WalkForwardSpec {
  inSample: Span;
  outOfSample: Span;
  /** how far each window moves on; the out-of-sample length when omitted */
  step?: Span;
}

export class WalkForwardError extends InvalidArgumentError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message, 'WALK_FORWARD');
    this.name = 'WalkForwardError';
  }
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `500` → 500 candles; `90d`, `12h`, `30m`, `2w` → a duration. */
export function parseSpan(text: string, field: string): Span {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([mhdw]?)\s*$/i.exec(text);
  const amount = match ? Number(match[1]) : Number.NaN;
  if (!match || !(amount > 0))
    throw new WalkForwardError(
      field,
      `${field}: "${text}" is not a length (a candle count like 500, or 90d, 12h, 30m, 2w)`,
    );
  const unit = match[2]!.toLowerCase();
  if (!unit) {
    if (!Number.isInteger(amount))
      throw new WalkForwardError(field, `${field}: a candle count must be a whole number, not "${text}"`);
    return { unit: 'candles', count: amount };
  }
  return { unit: 'ms', ms: amount * UNIT_MS[unit]! };
}

/**
 * The windows over candles opening at `time` (ascending). Window k's in-sample starts k steps after
 * the first candle; its out-of-sample follows it directly. The last out-of-sample segment may be
 * cut short by the end of the data; a window with no out-of-sample candle left is not made.
 */
export function walkForwardWindows(time: ArrayLike<number>, spec: WalkForwardSpec): WalkForwardWindow[] {
  const step = spec.step ?? spec.outOfSample;
  const units = new Set([spec.inSample.unit, spec.outOfSample.unit, step.unit]);
  if (units.size > 1)
    throw new WalkForwardError('step', 'in-sample, out-of-sample and step must all be candle counts or all durations');
  if (spanSize(step) < spanSize(spec.outOfSample)) {
    throw new WalkForwardError(
      'step',
      'the step must be at least the out-of-sample length, or out-of-sample segments would overlap',
    );
  }
  const n = time.length;
  const windows: WalkForwardWindow[] = [];
  if (n === 0) return windows;
  if (spec.inSample.unit === 'candles') {
    const [is, oos, st] = [spanSize(spec.inSample), spanSize(spec.outOfSample), spanSize(step)];
    for (let start = 0; start + is < n; start += st) {
      windows.push({
        index: windows.length,
        inSample: { start, end: start + is },
        outOfSample: { start: start + is, end: Math.min(n, start + is + oos) },
      });
    }
    return windows;
  }
  const [isMs, oosMs, stepMs] = [spanSize(spec.inSample), spanSize(spec.outOfSample), spanSize(step)];
  const first = time[0]!;
  for (let k = 0; ; k++) {
    const isStart = first + k * stepMs;
    const oosStart = lowerBound(time, isStart + isMs);
    if (oosStart >= n) break;
    const inSample = { start: lowerBound(time, isStart), end: oosStart };
    const outOfSample = { start: oosStart, end: lowerBound(time, isStart + isMs + oosMs) };
    if (outOfSample.end > outOfSample.start) windows.push({ index: windows.length, inSample, outOfSample });
  }
  return windows;
}

export interface WalkForwardDeps {
  /** Metrics of each param set on the in-sample candles, in the order given. */
  evaluate(range: IndexRange, paramSets: readonly StrategyParams[]): Promise<Metrics[]>;
  /** A backtest of `params` over exactly `range`, starting with `cash`. */
  backtest(range: IndexRange, params: StrategyParams, cash: number): Promise<BacktestResult> | BacktestResult;
}

export interface WalkForwardSegment {
  window: WalkForwardWindow;
  params: StrategyParams;
  inSampleScore: number;
  inSampleMetrics: Metrics;
  outOfSample: BacktestResult;
}

export interface WalkForwardRun {
  segments: WalkForwardSegment[];
  /** the out-of-sample ranges, in order */
  ranges: IndexRange[];
  /** equity at each out-of-sample candle's close, segments chained */
  equity: Float64Array;
  trades: BacktestTrade[];
  startCash: number;
  finalEquity: number;
}

/** For each window: best params in-sample by `objective`, then traded out-of-sample from the running equity. */
export async function runWalkForward(
  windows: readonly WalkForwardWindow[],
  paramSets: readonly StrategyParams[],
  objective: Objective,
  startCash: number,
  deps: WalkForwardDeps,
): Promise<WalkForwardRun> {
  if (windows.length === 0)
    throw new WalkForwardError(
      'in-sample',
      'no walk-forward window fits in the data: shorten the in-sample or out-of-sample length',
    );
  if (paramSets.length === 0) throw new WalkForwardError('param', 'no parameter set to choose from');
  const segments: WalkForwardSegment[] = [];
  let cash = startCash;
  for (const window of windows) {
    const metrics = await deps.evaluate(window.inSample, paramSets);
    const best = bestIndex(metrics, objective);
    const params = paramSets[best]!;
    const outOfSample = await deps.backtest(window.outOfSample, params, cash);
    segments.push({
      window,
      params,
      inSampleScore: objectiveScore(metrics[best]!, objective),
      inSampleMetrics: metrics[best]!,
      outOfSample,
    });
    // A blown account stays blown: the next segment cannot start from nothing.
    cash = Math.max(0, finalOf(outOfSample.equity, cash));
    if (cash <= 0) break;
  }
  const equity = concatFloat64(segments.map((s) => s.outOfSample.equity));
  return {
    segments,
    ranges: segments.map((s) => s.window.outOfSample),
    equity,
    trades: segments.flatMap((s) => s.outOfSample.trades),
    startCash,
    finalEquity: cash,
  };
}

/**
 * The out-of-sample segments as one backtest: their candles one after the other, the chained
 * equity, every trade, and metrics over the whole (from the starting cash).
 */
export function combineOutOfSample(
  candles: Candles,
  run: WalkForwardRun,
  config: BacktestConfig,
): { candles: Candles; result: BacktestResult } {
  const oosCandles = concatCandles(candles, run.ranges);
  const exposureBars = run.segments.reduce((n, s) => n + (s.outOfSample.exposureBars ?? 0), 0);
  const combinedConfig = { ...config, cash: run.startCash };
  const metrics = computeMetrics(oosCandles, run.equity, run.trades, combinedConfig, exposureBars);
  const strategy = run.segments[0]?.outOfSample.strategy ?? '';
  return {
    candles: oosCandles,
    result: {
      strategy,
      params: {},
      config: combinedConfig,
      trades: run.trades,
      equity: run.equity,
      metrics,
      exposureBars,
    },
  };
}

/** Index of the best metrics by the objective; the first one on ties. */
export function bestIndex(metrics: readonly Metrics[], objective: Objective): number {
  let best = 0;
  for (let i = 1; i < metrics.length; i++) {
    if (objectiveScore(metrics[i]!, objective) > objectiveScore(metrics[best]!, objective)) best = i;
  }
  return best;
}

export function concatFloat64(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function finalOf(equity: Float64Array, fallback: number): number {
  return equity.length ? equity[equity.length - 1]! : fallback;
}

function spanSize(span: Span): number {
  return span.unit === 'candles' ? span.count : span.ms;
}

/** First index whose time is ≥ t. */
function lowerBound(time: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
