// Lambda entry: EventBridge schedule (every minute). Decrypts live accounts' keys, like the executor.
import { buildRiskCheck } from '../../shared/runtime/risk-check';
import { buildTradingRuntime } from '../../shared/runtime/executor';
import { executorEnvSchema, loadEnv } from '../../shared/platform/config';
import { createLogger } from '../../shared/platform/logger';
import { createRiskCheckHandler, RiskCheckMetrics } from './app';

const env = loadEnv(executorEnvSchema);
// The metrics watch the audit log (switch trips) and the risk store (equity snapshots) the use case writes to.
const metrics = new RiskCheckMetrics();
const logger = createLogger('risk-check');
export const handler = createRiskCheckHandler(
  buildRiskCheck(env, metrics.observe(buildTradingRuntime(env)), undefined, { logger }),
  logger,
  metrics,
);
