// One worker thread of the backtest pool: holds the shared candles and the strategy, runs each
// task it is sent and answers with the metrics (trades only when asked; never the equity curve).
import { parentPort, workerData } from 'node:worker_threads';
import { runBacktest } from '../../shared/core/backtest/engine';
import { backtestRange } from '../../shared/core/backtest/range-backtest';
import { getStrategy } from '../../shared/core/strategies/registry';
import { compileRules } from '../../shared/core/strategies/rules';
import { candlesFromShared } from './shared-candles';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-pool';

const { setup } = workerData as { setup: WorkerSetup };
const candles = candlesFromShared(setup.candles);
const strategy = setup.rules ? compileRules(setup.rules) : getStrategy(setup.strategyId);
const port = parentPort!;

port.on('message', (task: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const config = task.cash === undefined ? setup.config : { ...setup.config, cash: task.cash };
    const result = task.range
      ? backtestRange(candles, strategy, task.params, config, task.range)
      : runBacktest(candles, strategy, task.params, config);
    reply = { id: task.id, metrics: result.metrics, ...(task.withTrades ? { trades: result.trades } : {}) };
  } catch (error) {
    reply = { id: task.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
