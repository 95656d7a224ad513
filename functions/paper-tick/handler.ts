// Lambda entry: EventBridge schedule (every minute). No key vault: paper accounts have no keys.
import { buildSettlePaperTriggers, buildTradingRuntime } from '../../shared/runtime/executor';
import { loadEnv, tradingEnvSchema } from '../../shared/platform/config';
import { createPaperTickHandler } from './app';

export const handler = createPaperTickHandler(buildSettlePaperTriggers(buildTradingRuntime(loadEnv(tradingEnvSchema))));
