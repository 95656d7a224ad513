// Where the CLI points: the local stack (found through DATA_DIR/local-stack.json, which `npm start`
// writes 0600; see bin/local/discovery-file.ts) or a deployed stage (--stage), whose resources are
// found by their names. The AWS SDK clients load when a command resolves its target (and KMS and
// SQS only when used), so `--help` and the offline commands (backtests) never load them.
import type { SqsSignalQueue } from '../shared/adapters/sqs/signal-queue';
import { LocalKeyVault } from '../shared/adapters/keyvault/local-key-vault';
import type { KeyVault } from '../shared/core/ports/runtime';
import { credentialsKeyAlias, egressIpParameterName, signalQueueName } from '../shared/platform/resource-names';
import { DEFAULT_DATA_DIR, DiscoveryError, readDiscovery, type DiscoveryRecord } from './local/discovery-file';
import type { Repositories } from '../shared/runtime/repositories';
import type { StrategyTimeframe } from '../shared/core/domain/strategy-subscription';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoTenantDirectory } from '../shared/adapters/dynamodb/tenant-directory';
import { FIRST_TENANT_ID, can, type Capability, type TenantId, type TenantRole } from '../shared/core/domain/tenant';

/** Whom a command acts for: `--user E`'s tenant and role, else the first tenant's owner. */
export interface CliScope {
  tenantId: TenantId;
  role: TenantRole;
  /** the member's Cognito sub; 'cli' for the deployment's operator (no --user) */
  userId: string;
  /** --user, when given */
  email?: string;
}

export interface CliTarget {
  stage: string;
  /** the tenant's view: `repos.accounts` answers only the scope's accounts and lists them from its index */
  repos: Repositories;
  scope: CliScope;
  /** the tenants table (members, the account index, plans) */
  tenants: DynamoTenantDirectory;
  /** refuses, naming the role, what the scope's role may not do */
  require(capability: Capability): void;
  vault: KeyVault;
  webhookUrl?: string;
  /** live exchanges' base URL override (the local stack's fake Binance); absent: the real exchanges */
  exchangeApiUrl?: string;
  /** the local stack only: wall-clock ms per replayed candle (its paper prices and strategy candles) */
  replayMsPerCandle?: number;
  /** the local stack only: the timeframes its strategy runner fires on (a stage runs them all) */
  strategyTimeframes?: readonly StrategyTimeframe[];
  /** the signal queue (account flatten sends its closes through it), resolved on first use */
  signalQueue(): Promise<SqsSignalQueue>;
  /** the stage's fixed egress IP to allow on exchange keys (static egress on), else undefined */
  egressIp(): Promise<string | undefined>;
}

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** What the command being run asks for (set once per run by bin/cli.ts before the action). */
let request: { command: string; capability?: Capability; email?: string } = { command: '' };

export function scopeCommand(command: string, capability: Capability | undefined, email: string | undefined): void {
  if (email !== undefined && capability === undefined)
    throw new CliError(`--user does not apply to \`${command}\`: it acts on no tenant's accounts`);
  request = { command, ...(capability ? { capability } : {}), ...(email !== undefined ? { email } : {}) };
}

/**
 * The scope of this run, resolved once: the member `--user` names (through the email's pointer in
 * the tenants table), or the first tenant's owner. A role short of the command's capability is
 * refused here, before anything is read or written.
 */
export async function resolveScope(
  directory: Pick<DynamoTenantDirectory, 'memberByEmail'>,
  asked: { command: string; capability?: Capability; email?: string },
): Promise<CliScope> {
  let scope: CliScope = { tenantId: FIRST_TENANT_ID, role: 'owner', userId: 'cli' };
  if (asked.email !== undefined) {
    const email = asked.email.trim().toLowerCase();
    const member = email ? await directory.memberByEmail(email) : undefined;
    if (!member) throw new CliError(`--user: no user ${asked.email} in any tenant (\`user list\` shows them)`);
    scope = { tenantId: member.tenantId, role: member.role, userId: member.userId, email };
  }
  if (asked.capability) requireCapability(scope, asked.capability, asked.command);
  return scope;
}

function requireCapability(scope: CliScope, capability: Capability, command: string): void {
  if (!can(scope.role, capability))
    throw new CliError(
      `${scope.email ?? 'this user'} is a ${scope.role} of tenant ${scope.tenantId}: ${command ? `\`${command}\` needs` : 'this needs'} the ${capability} capability`,
    );
}

/** The repositories held to the scope's tenant, and the tenants' directory they list from. */
async function scoped(
  db: DynamoDBDocumentClient,
  repos: Repositories,
  stage: string,
): Promise<Pick<CliTarget, 'repos' | 'scope' | 'tenants' | 'require'>> {
  const [
    { replaceRepositories },
    { DynamoTenantDirectory },
    { TenantScopedAccounts },
    { DynamoAccountWriter },
    { tableName },
  ] = await Promise.all([
    import('../shared/runtime/repositories'),
    import('../shared/adapters/dynamodb/tenant-directory'),
    import('../shared/core/tenancy/tenant-accounts'),
    import('../shared/adapters/dynamodb/account-repository'),
    import('../shared/platform/resource-names'),
  ]);
  const tenants = new DynamoTenantDirectory(db, tableName(stage, 'tenants'));
  const scope = await resolveScope(tenants, request);
  const accounts = new TenantScopedAccounts(
    scope.tenantId,
    new DynamoAccountWriter(db, tableName(stage, 'accounts')),
    tenants,
  );
  return {
    repos: replaceRepositories(repos, { accounts }),
    scope,
    tenants,
    require: (capability) => requireCapability(scope, capability, request.command),
  };
}

export async function resolveTarget(stage: string | undefined): Promise<CliTarget> {
  // Node 20 is supported by the SDK versions pinned here; the notice about future versions is noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (stage) {
    if (!/^(dev|prod)$/.test(stage)) throw new CliError(`--stage must be dev or prod, not "${stage}"`);
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new CliError('set AWS_REGION to the region the stage is deployed in');
    const [{ buildRepositories, dynamoClient }, { KMSClient }, { KmsKeyVault }] = await Promise.all([
      import('../shared/runtime/repositories'),
      import('@aws-sdk/client-kms'),
      import('../shared/adapters/keyvault/kms-key-vault'),
    ]);
    const db = dynamoClient({ stage, region });
    return {
      stage,
      ...(await scoped(db, buildRepositories(db, stage), stage)),
      vault: new KmsKeyVault(new KMSClient({ region }), credentialsKeyAlias(stage)),
      signalQueue: async () => {
        const [{ GetQueueUrlCommand, SQSClient }, { SqsSignalQueue }] = await Promise.all([
          import('@aws-sdk/client-sqs'),
          import('../shared/adapters/sqs/signal-queue'),
        ]);
        const sqs = new SQSClient({ region });
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: signalQueueName(stage) }));
        if (!QueueUrl) throw new CliError(`no queue ${signalQueueName(stage)} in ${region}`);
        return new SqsSignalQueue(sqs, QueueUrl);
      },
      egressIp: async () => {
        const { GetParameterCommand, ParameterNotFound, SSMClient } = await import('@aws-sdk/client-ssm');
        try {
          const out = await new SSMClient({ region }).send(
            new GetParameterCommand({ Name: egressIpParameterName(stage) }),
          );
          return out.Parameter?.Value || undefined;
        } catch (error) {
          if (error instanceof ParameterNotFound) return undefined; // the stage runs without static egress
          throw error;
        }
      },
    };
  }
  const discovery = localDiscovery(process.env);
  const { buildRepositories, dynamoClient } = await import('../shared/runtime/repositories');
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const db = dynamoClient({ stage: discovery.stage, region: discovery.region, endpoint: discovery.dynamoEndpoint });
  return {
    stage: discovery.stage,
    ...(await scoped(db, buildRepositories(db, discovery.stage), discovery.stage)),
    vault: LocalKeyVault.open(discovery.localKeyFile),
    webhookUrl: discovery.webhookUrl,
    ...(discovery.exchangeApiUrl ? { exchangeApiUrl: discovery.exchangeApiUrl } : {}),
    ...(discovery.replayMsPerCandle ? { replayMsPerCandle: discovery.replayMsPerCandle } : {}),
    ...(discovery.strategyTimeframes ? { strategyTimeframes: discovery.strategyTimeframes } : {}),
    signalQueue: async () => {
      const [{ SQSClient }, { SqsSignalQueue }] = await Promise.all([
        import('@aws-sdk/client-sqs'),
        import('../shared/adapters/sqs/signal-queue'),
      ]);
      return new SqsSignalQueue(
        new SQSClient({ region: discovery.region, endpoint: discovery.sqsEndpoint }),
        discovery.queueUrl,
      );
    },
    // Locally the fake exchange takes any address.
    egressIp: async () => undefined,
  };
}

/**
 * The running local stack of DATA_DIR (default .data/local, as `npm start`). PORT, when set, must be
 * the port that stack listens on: it picks nothing by itself, so a program on that port has no say.
 */
export function localDiscovery(env: NodeJS.ProcessEnv): DiscoveryRecord {
  const port = env.PORT === undefined || env.PORT === '' ? undefined : Number(env.PORT);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65_535))
    throw new CliError(`PORT must be a port number from 1 to 65535, not "${env.PORT}"`);
  try {
    return readDiscovery(env.DATA_DIR || DEFAULT_DATA_DIR, port === undefined ? {} : { port });
  } catch (error) {
    if (error instanceof DiscoveryError) throw new CliError(error.message);
    throw error;
  }
}
