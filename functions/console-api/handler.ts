// Lambda entry: ANY /api/v1/{proxy+} behind the JWT authorizer (the owner's console and CLI).
import { buildConsoleReads } from '../../shared/runtime/console-api';
import { consoleApiEnvSchema, loadEnv } from '../../shared/platform/config';
import { createConsoleApiHandler } from './app';

// TODO(lead): actions: the actions lane's OperatorActions (control/operator-actions.ts), built in
// shared/runtime beside the reads; without it every POST /actions answers 404 (viewers 403 first).
export const handler = createConsoleApiHandler({ reads: buildConsoleReads(loadEnv(consoleApiEnvSchema)) });
