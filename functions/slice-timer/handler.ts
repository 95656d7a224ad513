// Lambda entry: SQS (standard) event source with ReportBatchItemFailures, the slice timer queue.
import { loadEnv, sliceTimerEnvSchema } from '../../shared/platform/config';
import { createLogger } from '../../shared/platform/logger';
import { buildReleaseSlice } from '../../shared/runtime/algo';
import { createSliceTimerHandler } from './app';

const env = loadEnv(sliceTimerEnvSchema);
export const handler = createSliceTimerHandler(buildReleaseSlice(env), createLogger('slice-timer'));
