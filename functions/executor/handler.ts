// Lambda entry: SQS FIFO event source with ReportBatchItemFailures.
import { buildExecuteSignal, buildTradingRuntime } from '../../shared/runtime/executor';
import { executorEnvSchema, loadEnv } from '../../shared/platform/config';
import { createLogger } from '../../shared/platform/logger';
import { createExecutorHandler, ExecutorMetrics } from './app';

const env = loadEnv(executorEnvSchema);
// The metrics watch the audit log the use case writes to (risk refusals), so they wrap the runtime.
const metrics = new ExecutorMetrics();
export const handler = createExecutorHandler(
  buildExecuteSignal(env, metrics.observe(buildTradingRuntime(env))),
  createLogger('executor'),
  metrics,
);
