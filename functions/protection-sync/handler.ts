// Lambda entry: EventBridge schedule (every minute). Decrypts live accounts' keys, like the executor.
import { buildSyncLiveProtection, buildTradingRuntime } from '../../shared/runtime/executor';
import { executorEnvSchema, loadEnv } from '../../shared/platform/config';
import { createProtectionSyncHandler } from './app';

const env = loadEnv(executorEnvSchema);
export const handler = createProtectionSyncHandler(buildSyncLiveProtection(env, buildTradingRuntime(env)));
