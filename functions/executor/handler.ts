// Lambda entry: SQS FIFO event source with ReportBatchItemFailures.
import { buildExecuteSignal, buildTradingRuntime } from '../../shared/runtime/executor';
import { executorEnvSchema, loadEnv } from '../../shared/platform/config';
import { createExecutorHandler } from './app';

const env = loadEnv(executorEnvSchema);
export const handler = createExecutorHandler(buildExecuteSignal(env, buildTradingRuntime(env)));
