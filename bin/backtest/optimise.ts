// Optimisation and walk-forward over the worker pool: the parts of those commands that are more
// than option parsing, kept apart so the bench and tests can call them without commander.
import { rankByObjective, objectiveScore, type Objective } from '../../shared/core/backtest/objective';
import { backtestRange } from '../../shared/core/backtest/range-backtest';
import type { BacktestConfig, Candles, Metrics } from '../../shared/core/backtest/types';
import {
  combineOutOfSample,
  runWalkForward,
  type WalkForwardRun,
  type WalkForwardWindow,
} from '../../shared/core/backtest/walk-forward';
import type { StrategyDefinition, StrategyParams } from '../../shared/core/strategies/types';
import { BacktestPool, poolSize, runGrid, type ProgressCallback, type StrategyRef } from './worker-pool';

export interface RankedResult {
  rank: number;
  params: StrategyParams;
  score: number;
  metrics: Metrics;
}

export interface OptimisationOutcome {
  evaluated: number;
  failed: Array<{ params: StrategyParams; error: string }>;
  ranked: RankedResult[];
}

/** Every set on the pool, ranked best first by the objective. */
export async function optimise(
  candles: Candles,
  strategy: StrategyRef,
  paramSets: readonly StrategyParams[],
  config: BacktestConfig,
  options: { objective: Objective; workers?: number; onProgress?: ProgressCallback },
): Promise<OptimisationOutcome> {
  const results = await runGrid(candles, strategy, paramSets, config, {
    ...(options.workers ? { workers: options.workers } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const ok = results.filter((r): r is typeof r & { metrics: Metrics } => r.metrics !== undefined);
  const failed = results
    .filter((r) => r.metrics === undefined)
    .map((r) => ({ params: r.params, error: r.error ?? 'no result' }));
  const ranked = rankByObjective(ok, options.objective).map((r, i) => ({
    rank: i + 1,
    params: r.params,
    score: objectiveScore(r.metrics, options.objective),
    metrics: r.metrics,
  }));
  return { evaluated: results.length, failed, ranked };
}

/** The metrics a failed in-sample run counts as: no trade, so it is never chosen. */
const NO_TRADES: Metrics = {
  trades: 0,
  finalEquity: 0,
  returnPct: 0,
  cagrPct: 0,
  annualReturnPct: 0,
  annualVolatilityPct: 0,
  sharpe: 0,
  sortino: 0,
  calmar: 0,
  maxDrawdownPct: 0,
  maxDrawdownDurationMs: 0,
  avgDrawdownPct: 0,
  winRatePct: 0,
  profitFactor: 0,
  expectancy: 0,
  avgWin: 0,
  avgLoss: 0,
  bestTradePct: 0,
  worstTradePct: 0,
  exposurePct: 0,
  sqn: 0,
  kelly: 0,
  buyHoldReturnPct: 0,
  totalFees: 0,
  totalFunding: 0,
};

/**
 * Walk-forward with the in-sample searches on the pool (one pool for every window: the candles
 * are shared once) and the out-of-sample backtests in this thread.
 */
export async function walkForward(
  candles: Candles,
  def: StrategyDefinition,
  windows: readonly WalkForwardWindow[],
  paramSets: readonly StrategyParams[],
  config: BacktestConfig,
  options: { objective: Objective; workers?: number; onProgress?: ProgressCallback },
): Promise<{ run: WalkForwardRun; combined: ReturnType<typeof combineOutOfSample> }> {
  const pool = BacktestPool.start(candles, def, config, {
    workers: Math.max(1, Math.min(poolSize(options.workers), paramSets.length)),
  });
  const total = windows.length * paramSets.length;
  let before = 0;
  try {
    const run = await runWalkForward(windows, paramSets, options.objective, config.cash, {
      evaluate: async (range, sets) => {
        const results = await pool.run(
          sets.map((params) => ({ params, range })),
          (done) => options.onProgress?.(before + done, total),
        );
        before += sets.length;
        return results.map((r) => r.metrics ?? NO_TRADES);
      },
      backtest: (range, params, cash) => backtestRange(candles, def, params, { ...config, cash }, range),
    });
    return { run, combined: combineOutOfSample(candles, run, config) };
  } finally {
    await pool.close();
  }
}
