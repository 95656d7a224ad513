// Physical names of the stage's resources. Infra creates them with these names and the CLI finds a
// deployed stage through them, so both import this one module (an allowed infra → shared edge).
export type Stage = 'dev' | 'prod';
export const STAGES: readonly Stage[] = ['dev', 'prod'];
export const APP_PREFIX = 'tvat';

export type TableName =
  'accounts' | 'signals' | 'orders' | 'trades' | 'positions' | 'audit' | 'paper' | 'risk' | 'alerts' | 'tenants';
export const TABLE_NAMES: readonly TableName[] = [
  'accounts',
  'signals',
  'orders',
  'trades',
  'positions',
  'audit',
  'paper',
  'risk',
  'alerts',
  'tenants',
];

export const tableName = (stage: string, table: TableName): string => `${APP_PREFIX}-${stage}-${table}`;
export const signalQueueName = (stage: string): string => `${APP_PREFIX}-${stage}-signals.fifo`;
/** The stage's fixed egress IP (static egress on), for `account add` to print: SSM, read by the operator role. */
export const egressIpParameterName = (stage: string): string => `/${APP_PREFIX}/${stage}/egress-ip`;
export const signalDlqName = (stage: string): string => `${APP_PREFIX}-${stage}-signals-dlq.fifo`;
export const stackName = (stage: string, part: 'stateful' | 'stateless' | 'monitoring'): string =>
  `${APP_PREFIX}-${stage}-${part}`;
export const credentialsKeyAlias = (stage: string): string => `alias/${APP_PREFIX}-${stage}-credentials`;
/** The console's Cognito user pool and app client ids, for the CLI (`user add`) to find on a stage: SSM. */
export const consoleUserPoolParameterName = (stage: string): string => `/${APP_PREFIX}/${stage}/console/user-pool-id`;
export const consoleClientParameterName = (stage: string): string => `/${APP_PREFIX}/${stage}/console/client-id`;
/** The console's address (CloudFront), for the CLI to print: SSM. */
export const consoleUrlParameterName = (stage: string): string => `/${APP_PREFIX}/${stage}/console/url`;
