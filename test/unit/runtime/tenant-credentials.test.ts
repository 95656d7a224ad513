// Whose credentials the console API's tenant clients sign with: the tenant data role's sessions
// when the stage names the role; the process's own only off the deployed stages. A deployed stage
// without the role refuses to start: its function's own role holds no table grant, and the guard
// alone is not IAM.
import { ConfigError } from '../../../shared/core/errors';
import { consoleApiEnvSchema, loadEnv } from '../../../shared/platform/config';
import { tenantCredentials } from '../../../shared/runtime/console-api';

const env = (vars: Record<string, string>) =>
  loadEnv(consoleApiEnvSchema, {
    AWS_REGION: 'eu-west-1',
    SIGNAL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/q.fifo',
    ...vars,
  });

test('a deployed stage without TENANT_DATA_ROLE_ARN refuses to start, naming the variable', () => {
  for (const stage of ['dev', 'prod'])
    expect(() => tenantCredentials(env({ STAGE: stage }))).toThrow(
      new ConfigError('invalid configuration: TENANT_DATA_ROLE_ARN (required in a deployed stage)'),
    );
});

test('with the role: a session provider per tenant; locally: the ambient credentials', () => {
  const assumed = tenantCredentials(
    env({ STAGE: 'prod', TENANT_DATA_ROLE_ARN: 'arn:aws:iam::111122223333:role/tvat-prod-tenant-data' }),
  );
  expect(typeof assumed('acc')).toBe('function');
  expect(tenantCredentials(env({ STAGE: 'local' }))('acc')).toBeUndefined();
});

test('TENANT_DATA_ROLE_ARN must be a role ARN', () => {
  expect(() => env({ STAGE: 'prod', TENANT_DATA_ROLE_ARN: 'tvat-prod-tenant-data' })).toThrow(/TENANT_DATA_ROLE_ARN/);
});
