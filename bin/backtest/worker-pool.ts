// A pool of worker threads that backtest parameter sets in parallel. Each worker gets the candles
// once, as SharedArrayBuffer-backed columns, and then only small task messages (params, a range);
// it answers with metrics, and trades only when asked.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BacktestConfig, BacktestTrade, Candles, Metrics } from '../../shared/core/backtest/types';
import type { IndexRange } from '../../shared/core/backtest/walk-forward';
import { ruleFileOf, type RuleFile } from '../../shared/core/strategies/rules';
import type { StrategyDefinition, StrategyParams } from '../../shared/core/strategies/types';
import { shareCandles, type SharedCandles } from './shared-candles';

export interface BacktestTask {
  params: StrategyParams;
  /** candle indices to backtest; all candles when omitted */
  range?: IndexRange;
  /** starting cash instead of the config's */
  cash?: number;
  withTrades?: boolean;
}

export interface TaskResult {
  params: StrategyParams;
  metrics?: Metrics;
  trades?: BacktestTrade[];
  /** why the backtest could not run (the strategy refused the params, …) */
  error?: string;
}

/** What a worker receives once, at start: a built-in's id, or the rule file it compiles. */
export interface WorkerSetup {
  candles: SharedCandles;
  strategyId: string;
  rules?: RuleFile;
  config: BacktestConfig;
}

/** A built-in's id, or a definition (a compiled rule file travels to the workers as its file). */
export type StrategyRef = string | StrategyDefinition;

function strategySetup(strategy: StrategyRef): Pick<WorkerSetup, 'strategyId' | 'rules'> {
  if (typeof strategy === 'string') return { strategyId: strategy };
  const rules = ruleFileOf(strategy);
  return rules === undefined ? { strategyId: strategy.id } : { strategyId: strategy.id, rules };
}

export type WorkerRequest = BacktestTask & { id: number };
export type WorkerReply = { id: number; metrics?: Metrics; trades?: BacktestTrade[]; error?: string };

export interface PoolOptions {
  /** thread count; os.availableParallelism() by default */
  workers?: number;
}

export type ProgressCallback = (done: number, total: number) => void;

// Under tsx and jest the worker is the TypeScript file beside this one; in the CLI bundle
// (bin/build-cli.ts) it is the backtest-worker.mjs entry, built beside the chunk holding this code.
const WORKER_FILE = new URL(
  import.meta.url.endsWith('.mjs') ? './backtest-worker.mjs' : './backtest-worker.ts',
  import.meta.url,
);

/**
 * Workers do not inherit `--import tsx`'s loader on Node 20 (a .ts worker fails with
 * ERR_UNKNOWN_FILE_EXTENSION even though execArgv is passed on), so each worker starts from this
 * plain-JavaScript bootstrap that registers tsx in its own thread, then imports the real worker.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  await import(workerData.file);
})().catch((error) => { console.error(error); process.exit(1); });
`;

export class BacktestPool {
  private readonly idle: Worker[] = [];
  private failure: Error | undefined;

  private constructor(private readonly workers: Worker[]) {
    this.idle.push(...workers);
    // A worker that dies between runs fails the next run instead of crashing the process.
    for (const worker of workers)
      worker.on('error', (error) => (this.failure ??= new Error(`backtest worker failed: ${error.message}`)));
  }

  static start(
    candles: Candles,
    strategy: StrategyRef,
    config: BacktestConfig,
    options: PoolOptions = {},
  ): BacktestPool {
    const count = poolSize(options.workers);
    const setup: WorkerSetup = { candles: shareCandles(candles), ...strategySetup(strategy), config };
    const tsxApi = WORKER_FILE.pathname.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : undefined;
    const workers = Array.from(
      { length: count },
      () => new Worker(BOOTSTRAP, { eval: true, workerData: { setup, file: WORKER_FILE.href, tsxApi } }),
    );
    return new BacktestPool(workers);
  }

  /** Runs every task; results come back in the tasks' order. One run at a time per pool. */
  run(tasks: readonly BacktestTask[], onProgress?: ProgressCallback): Promise<TaskResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    const results: TaskResult[] = new Array(tasks.length);
    if (tasks.length === 0) return Promise.resolve(results);
    return new Promise((resolve, reject) => {
      let next = 0;
      let done = 0;
      const listeners = new Map<
        Worker,
        { message: (r: WorkerReply) => void; error: (e: Error) => void; exit: (code: number) => void }
      >();
      const finish = (error?: Error) => {
        for (const [worker, l] of listeners) {
          worker.off('message', l.message).off('error', l.error).off('exit', l.exit);
        }
        // Every worker of this run is free again for the next one.
        this.idle.splice(0, this.idle.length, ...listeners.keys());
        listeners.clear();
        if (error) {
          this.failure = error;
          reject(error);
        } else resolve(results);
      };
      const dispatch = (worker: Worker) => {
        if (next >= tasks.length) return;
        const id = next++;
        worker.postMessage({ ...tasks[id]!, id } satisfies WorkerRequest);
      };
      for (const worker of this.idle.splice(0)) {
        const l = {
          message: (reply: WorkerReply) => {
            const task = tasks[reply.id]!;
            results[reply.id] = {
              params: task.params,
              ...(reply.metrics ? { metrics: reply.metrics } : {}),
              ...(reply.trades ? { trades: reply.trades } : {}),
              ...(reply.error ? { error: reply.error } : {}),
            };
            done++;
            onProgress?.(done, tasks.length);
            if (done === tasks.length) finish();
            else dispatch(worker);
          },
          error: (error: Error) => finish(new Error(`backtest worker failed: ${error.message}`)),
          exit: (code: number) => finish(new Error(`backtest worker exited with code ${code}`)),
        };
        listeners.set(worker, l);
        worker.on('message', l.message).on('error', l.error).on('exit', l.exit);
        dispatch(worker);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export interface GridOptions extends PoolOptions {
  onProgress?: ProgressCallback;
  withTrades?: boolean;
}

/**
 * Backtests every parameter set over all candles on a worker pool (the bench and `optimize` call
 * this); results in the order of `paramSets`.
 */
export async function runGrid(
  candles: Candles,
  strategy: StrategyRef,
  paramSets: readonly StrategyParams[],
  config: BacktestConfig,
  options: GridOptions = {},
): Promise<TaskResult[]> {
  const pool = BacktestPool.start(candles, strategy, config, {
    workers: Math.min(poolSize(options.workers), Math.max(1, paramSets.length)),
  });
  try {
    return await pool.run(
      paramSets.map((params) => ({ params, ...(options.withTrades ? { withTrades: true } : {}) })),
      options.onProgress,
    );
  } finally {
    await pool.close();
  }
}

export function poolSize(workers: number | undefined): number {
  if (workers === undefined) return Math.max(1, availableParallelism());
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError(`--workers must be a whole number ≥ 1, not ${workers}`);
  return workers;
}
