// Lambda entry: one EventBridge rule per timeframe in use, at each candle close.
import { loadEnv } from '../../shared/platform/config';
import { strategyRunnerEnvSchema } from '../../shared/platform/strategy-runner-config';
import { buildRunStrategies } from '../../shared/runtime/strategy-runner';
import { createStrategyRunnerHandler } from './app';

const env = loadEnv(strategyRunnerEnvSchema);
export const handler = createStrategyRunnerHandler(buildRunStrategies(env), { settleMs: env.SETTLE_MS });
