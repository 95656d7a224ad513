// Lambda entry: ANY /api/v1/{proxy+} behind the JWT authorizer (the owner's console and CLI).
import { buildConsoleReads, buildOwnerActions } from '../../shared/runtime/console-api';
import { consoleApiEnvSchema, loadEnv } from '../../shared/platform/config';
import { buildConsoleUsage } from '../../shared/runtime/tenancy';
import { createConsoleApiHandler } from './app';

const env = loadEnv(consoleApiEnvSchema);
export const handler = createConsoleApiHandler({
  reads: buildConsoleReads(env),
  actions: buildOwnerActions(env),
  usage: buildConsoleUsage(env),
  secondFactorRequired: env.CONSOLE_MFA === 'required',
});
