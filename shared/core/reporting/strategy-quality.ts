// A strategy's quality score on an account (quality-score.ts) from the runs it rests on: the
// backtest of the window with the account's costs and sizing (the strategy compare's), a
// walk-forward over the same candles, and the account's trades set beside the backtest. One code
// path for the CLI's `strategy quality` and the console's GET /strategies/{id}/quality.
import { strategyAccepts } from '../backtest/param-space';
import { backtestRange } from '../backtest/range-backtest';
import type { Metrics } from '../backtest/types';
import { runWalkForward, walkForwardWindows, type WalkForwardRun } from '../backtest/walk-forward';
import type { TradeRecord } from '../domain/trade';
import type { StrategyDefinition, StrategyParams } from '../strategies/types';
import type { CandleSource } from './ports';
import {
  qualityScore,
  type QualityBacktestFigures,
  type QualityScore,
  type QualityWalkForwardFigures,
} from './quality-score';
import {
  compareWithBacktest,
  readCompareCandles,
  type CompareBacktest,
  type StrategyCompareInput,
  type StrategyComparison,
} from './strategy-compare';

/**
 * The walk-forward's shape over the window's N candles: in-sample the first half of each window,
 * out-of-sample the next sixth, moved on by a sixth: three windows whose out-of-sample segments
 * cover the second half. Each out-of-sample segment needs WALK_FORWARD_MIN_OOS_CANDLES candles,
 * so a window of fewer than 6 × that has no walk-forward (docs/METRICS.md).
 */
export const WALK_FORWARD_IN_SAMPLE_SHARE = 1 / 2;
export const WALK_FORWARD_OUT_OF_SAMPLE_SHARE = 1 / 6;
export const WALK_FORWARD_MIN_OOS_CANDLES = 20;

/** The backtest's figures a quality report shows (docs/METRICS.md). */
export type QualityMetrics = QualityBacktestFigures &
  Pick<Metrics, 'returnPct' | 'winRatePct' | 'profitFactor' | 'annualReturnPct'>;

export interface QualityWalkForward extends QualityWalkForwardFigures {
  /** the parameter sets each in-sample window chose from: the account's own and its neighbours */
  paramSets: number;
  /** the parameters each window chose, in order */
  chosen: StrategyParams[];
}

/** What depends only on the candles and the account's settings (cacheable). */
export interface QualityBacktest extends CompareBacktest {
  metrics: QualityMetrics;
  /** absent: the window is too short for a walk-forward */
  walkForward?: QualityWalkForward | undefined;
}

export interface QualityMemo {
  get(key: string): QualityBacktest | undefined;
  set(key: string, run: QualityBacktest): void;
}

export interface StrategyQuality extends QualityBacktest {
  comparison: StrategyComparison['comparison'];
  quality: QualityScore;
}

/**
 * The parameters to re-choose from in each in-sample window: the account's own first (a tie keeps
 * them), then each numeric parameter one step down and one step up (its spec's step, 1 for an
 * integer without one), inside its optimisation range, where the strategy accepts them. One
 * parameter moves at a time: 2k + 1 sets for k parameters, not 3^k.
 */
export function neighbourParamSets(definition: StrategyDefinition, params: StrategyParams): StrategyParams[] {
  const accepts = strategyAccepts(definition);
  const sets: StrategyParams[] = [params];
  const seen = new Set([JSON.stringify(params)]);
  for (const spec of definition.params) {
    const value = params[spec.name];
    if (spec.type === 'bool' || typeof value !== 'number') continue;
    const step = spec.step ?? (spec.type === 'int' ? 1 : undefined);
    if (step === undefined) continue;
    for (const next of [value - step, value + step]) {
      // decimal steps: 0.1 + 0.2 must read 0.3
      const rounded = Number(next.toPrecision(12));
      if ((spec.min !== undefined && rounded < spec.min) || (spec.max !== undefined && rounded > spec.max)) continue;
      const candidate = { ...params, [spec.name]: rounded };
      const key = JSON.stringify(candidate);
      if (seen.has(key) || !accepts(candidate)) continue;
      seen.add(key);
      sets.push(candidate);
    }
  }
  return sets;
}

/**
 * Reads the window's candles (the compare's), backtests it with the account's settings, and runs
 * the walk-forward over the same candles. Input errors are the compare's (CompareInputError).
 */
export async function backtestForQuality(
  source: CandleSource,
  input: StrategyCompareInput,
  memo?: QualityMemo,
): Promise<QualityBacktest> {
  const { config, candles, start, range, key } = await readCompareCandles(source, input);
  const kept = memo?.get(key);
  if (kept) return kept;
  const n = candles.time.length;
  const result = backtestRange(candles, input.definition, input.params, config, { start, end: n });
  const m = result.metrics;

  let walkForward: QualityWalkForward | undefined;
  const count = n - start;
  const outOfSample = Math.floor(count * WALK_FORWARD_OUT_OF_SAMPLE_SHARE);
  if (outOfSample >= WALK_FORWARD_MIN_OOS_CANDLES) {
    const inSample = Math.floor(count * WALK_FORWARD_IN_SAMPLE_SHARE);
    const windows = walkForwardWindows(candles.time.subarray(start), {
      inSample: { unit: 'candles', count: inSample },
      outOfSample: { unit: 'candles', count: outOfSample },
    })
      // the last window's out-of-sample segment may be cut short by the end of the data: too few candles to judge
      .filter((w) => w.outOfSample.end - w.outOfSample.start >= WALK_FORWARD_MIN_OOS_CANDLES)
      .map((w) => ({
        ...w,
        inSample: { start: w.inSample.start + start, end: w.inSample.end + start },
        outOfSample: { start: w.outOfSample.start + start, end: w.outOfSample.end + start },
      }));
    const sets = neighbourParamSets(input.definition, input.params);
    const run = await runWalkForward(windows, sets, 'sharpe', config.cash, {
      evaluate: async (r, paramSets) =>
        paramSets.map((p) => backtestRange(candles, input.definition, p, config, r).metrics),
      backtest: (r, p, cash) => backtestRange(candles, input.definition, p, { ...config, cash }, r),
    });
    walkForward = walkForwardFigures(run, sets.length);
  }

  const run: QualityBacktest = {
    config,
    candles: range,
    trades: result.trades,
    metrics: {
      trades: m.trades,
      sharpe: m.sharpe,
      maxDrawdownPct: m.maxDrawdownPct,
      returnPct: m.returnPct,
      winRatePct: m.winRatePct,
      profitFactor: m.profitFactor,
      annualReturnPct: m.annualReturnPct,
    },
    ...(walkForward ? { walkForward } : {}),
  };
  memo?.set(key, run);
  return run;
}

/**
 * Mean annualised return in and out of sample over the windows: annualised so that a half-window
 * in-sample and a sixth out-of-sample compare per unit of time (docs/METRICS.md).
 */
function walkForwardFigures(run: WalkForwardRun, paramSets: number): QualityWalkForward {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    windows: run.segments.length,
    inSampleReturnPct: mean(run.segments.map((s) => s.inSampleMetrics.annualReturnPct)),
    outOfSampleReturnPct: mean(run.segments.map((s) => s.outOfSample.metrics.annualReturnPct)),
    paramSets,
    chosen: run.segments.map((s) => s.params),
  };
}

/** The account's trades beside the backtest (the strategy compare) and the score of all three. */
export function qualityWithTrades(
  run: QualityBacktest,
  accountTrades: readonly TradeRecord[],
  input: Pick<StrategyCompareInput, 'definition' | 'symbol' | 'from' | 'to'>,
  spanMs: number,
): StrategyQuality {
  const { comparison } = compareWithBacktest(run, accountTrades, input, spanMs);
  const quality = qualityScore({
    backtest: run.metrics,
    walkForward: run.walkForward,
    live: {
      accountTrades: comparison.account.trades,
      backtestTrades: comparison.backtest.trades,
      accountReturnPct: comparison.account.returnPct,
      backtestReturnPct: comparison.backtest.returnPct,
      accountWinRatePct: comparison.account.winRatePct,
      backtestWinRatePct: comparison.backtest.winRatePct,
      pairs: comparison.pairs.length,
      avgEntrySlippageBps: comparison.avgEntrySlippageBps,
      avgExitSlippageBps: comparison.avgExitSlippageBps,
    },
  });
  return { ...run, comparison, quality };
}
