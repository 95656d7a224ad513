// Where the CLI points: the local stack (discovered through GET /_local/config on PORT) or a
// deployed stage (--stage), whose resources are found by their names.
import { KMSClient } from '@aws-sdk/client-kms';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SqsSignalQueue } from '../shared/adapters/sqs/signal-queue';
import { KmsKeyVault } from '../shared/adapters/keyvault/kms-key-vault';
import { LocalKeyVault } from '../shared/adapters/keyvault/local-key-vault';
import type { KeyVault } from '../shared/core/ports/runtime';
import { credentialsKeyAlias, signalQueueName } from '../shared/platform/resource-names';
import { buildRepositories, dynamoClient, type Repositories } from '../shared/runtime/repositories';

export interface CliTarget {
  stage: string;
  repos: Repositories;
  vault: KeyVault;
  webhookUrl?: string;
  /** live exchanges' base URL override (the local stack's fake Binance); absent: the real exchanges */
  exchangeApiUrl?: string;
  /** the local stack only: wall-clock ms per replayed candle (its paper prices and strategy candles) */
  replayMsPerCandle?: number;
  /** the signal queue (account flatten sends its closes through it), resolved on first use */
  signalQueue(): Promise<SqsSignalQueue>;
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
    return {
      stage,
      repos: buildRepositories(dynamoClient({ stage, region }), stage),
      vault: new KmsKeyVault(new KMSClient({ region }), credentialsKeyAlias(stage)),
      signalQueue: async () => {
        const sqs = new SQSClient({ region });
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: signalQueueName(stage) }));
        if (!QueueUrl) throw new CliError(`no queue ${signalQueueName(stage)} in ${region}`);
        return new SqsSignalQueue(sqs, QueueUrl);
      },
    };
  }
  const port = Number(process.env.PORT ?? 3000);
  let discovery: { stage: string; region: string; dynamoEndpoint: string; sqsEndpoint: string; queueUrl: string; localKeyFile: string; webhookUrl: string; exchangeApiUrl?: string; replayMsPerCandle?: number };
  try {
    const response = await fetch(`http://127.0.0.1:${port}/_local/config`, { signal: AbortSignal.timeout(3_000) });
    if (!response.ok) throw new Error(String(response.status));
    discovery = (await response.json()) as typeof discovery;
    if (!discovery?.dynamoEndpoint) throw new Error('not ready');
  } catch {
    throw new CliError(`no local stack answers on port ${port}: start it with \`npm start\` (PORT=${port}), or pass --stage dev|prod`);
  }
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  return {
    stage: discovery.stage,
    repos: buildRepositories(dynamoClient({ stage: discovery.stage, region: discovery.region, endpoint: discovery.dynamoEndpoint }), discovery.stage),
    vault: LocalKeyVault.open(discovery.localKeyFile),
    webhookUrl: discovery.webhookUrl,
    ...(discovery.exchangeApiUrl ? { exchangeApiUrl: discovery.exchangeApiUrl } : {}),
    ...(discovery.replayMsPerCandle ? { replayMsPerCandle: discovery.replayMsPerCandle } : {}),
    signalQueue: async () => new SqsSignalQueue(new SQSClient({ region: discovery.region, endpoint: discovery.sqsEndpoint }), discovery.queueUrl),
  };
}
