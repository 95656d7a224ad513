// Lambda entry: ANY /api/v1/{proxy+} behind the JWT authorizer (the owner's console and CLI).
// Each request runs in its tenant's scope (consoleScopes: the tenant data role's session, the
// tenant guard); the queue's depth and every tenant's plan and usage are the admin's (the admin
// data role).
import { buildQueueDepth, buildTenantAdmin, consoleScopes } from '../../shared/runtime/console-api';
import { consoleApiEnvSchema, loadEnv } from '../../shared/platform/config';
import { createConsoleApiHandler } from './app';

const env = loadEnv(consoleApiEnvSchema);
export const handler = createConsoleApiHandler({
  scope: consoleScopes(env),
  queueDepth: buildQueueDepth(env),
  // the deployment admin's routes: the admin data role (tenants table; accounts' slot fields only)
  admin: buildTenantAdmin(env),
  // TOTP at every sign-in of the stage's pool: auth_time is the second factor's time
  secondFactorRequired: env.CONSOLE_MFA === 'required',
});
