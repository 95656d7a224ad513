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

export interface CliTarget {
  stage: string;
  repos: Repositories;
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
    return {
      stage,
      repos: buildRepositories(dynamoClient({ stage, region }), stage),
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
  return {
    stage: discovery.stage,
    repos: buildRepositories(
      dynamoClient({ stage: discovery.stage, region: discovery.region, endpoint: discovery.dynamoEndpoint }),
      discovery.stage,
    ),
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
