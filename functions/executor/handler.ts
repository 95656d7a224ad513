// Lambda entry: SQS FIFO event source with ReportBatchItemFailures.
import { buildExecuteSignal, buildTradingRuntime, buildUsageMeter } from '../../shared/runtime/executor';
import { executorEnvSchema, loadEnv } from '../../shared/platform/config';
import { ensembleEnvSchema } from '../../shared/platform/ensemble-config';
import { advisorEnvSchema } from '../../shared/platform/advisor-config';
import { createLogger } from '../../shared/platform/logger';
import { createExecutorHandler, ExecutorMetrics } from './app';
import { ExecutionMetering } from './metering';

const env = loadEnv(executorEnvSchema);
// The metrics watch the audit log the use case writes to (risk refusals), so they wrap the runtime.
const metrics = new ExecutorMetrics();
const logger = createLogger('executor');
export const handler = createExecutorHandler(
  buildExecuteSignal(env, metrics.observe(buildTradingRuntime(env)), undefined, {
    ensemble: loadEnv(ensembleEnvSchema),
    // the listed models' shared settings (OpenAI base URL and key, daily tokens, prices)
    llm: loadEnv(advisorEnvSchema),
  }),
  logger,
  metrics,
  new ExecutionMetering(buildUsageMeter(env), logger),
);
