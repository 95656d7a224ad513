// Lambda entry: EventBridge schedule (every minute). Decrypts live accounts' keys, like the executor.
import { buildRiskCheck } from '../../shared/runtime/risk-check';
import { buildTradingRuntime } from '../../shared/runtime/executor';
import { executorEnvSchema, loadEnv } from '../../shared/platform/config';
import { createRiskCheckHandler } from './app';

const env = loadEnv(executorEnvSchema);
export const handler = createRiskCheckHandler(buildRiskCheck(env, buildTradingRuntime(env)));
