// Builds the real functions against the stand-ins for one test file: its own stage (tables and
// queues), real AWS SDK clients, a local key vault and a price source the test controls.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { provisionQueues, provisionTables } from '../../bin/local/provision';
import { SqsPoller } from '../../bin/local/sqs-poller';
import { createExecutorHandler } from '../../functions/executor/app';
import { createWebhookHandler } from '../../functions/webhook/app';
import { FixedPriceSource } from '../../shared/adapters/prices/fixed-price-source';
import type { PriceSource } from '../../shared/core/ports/paper';
import { LocalKeyVault } from '../../shared/adapters/keyvault/local-key-vault';
import type { AccountSettings, ExchangeId } from '../../shared/core/domain/account';
import type { Clock } from '../../shared/core/ports/runtime';
import { CreateAccount } from '../../shared/core/control/accounts';
import {
  executorEnvSchema,
  loadEnv,
  webhookEnvSchema,
  type ExecutorEnv,
  type WebhookEnv,
} from '../../shared/platform/config';
import {
  buildExecuteSignal,
  buildSettlePaperTriggers,
  buildTradingRuntime,
  type TradingRuntime,
} from '../../shared/runtime/executor';
import { buildAcceptWebhook } from '../../shared/runtime/webhook';
import { Logger } from '@aws-lambda-powertools/logger';

export const region = 'us-east-1';
export const silentLogger = () => new Logger({ serviceName: 'test', logLevel: 'SILENT' });

export function endpoints() {
  const dynamo = process.env.IT_DYNAMODB_ENDPOINT;
  const sqs = process.env.IT_SQS_ENDPOINT;
  if (!dynamo || !sqs) throw new Error('integration stand-ins not started (jest globalSetup)');
  return { dynamo, sqs };
}

export class MutableClock implements Clock {
  constructor(public t = Date.UTC(2026, 0, 5, 12, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Harness {
  stage: string;
  queueUrl: string;
  dlqUrl: string;
  sqs: SQSClient;
  dynamo: DynamoDBClient;
  prices: FixedPriceSource;
  vault: LocalKeyVault;
  webhookEnv: WebhookEnv;
  executorEnv: ExecutorEnv;
  runtime: TradingRuntime;
  webhook: ReturnType<typeof createWebhookHandler>;
  executor: ReturnType<typeof createExecutorHandler>;
  settle: ReturnType<typeof buildSettlePaperTriggers>;
  createAccount(
    balance?: number,
    settings?: Parameters<CreateAccount['execute']>[0]['settings'],
  ): Promise<{ accountId: string; token: string }>;
  /** A live-exchange account through CreateAccount: its keys are encrypted by the local key vault. */
  createLiveAccount(input: LiveAccountInput): Promise<{ accountId: string; token: string }>;
  post(
    body: unknown,
    options?: { path?: string; ip?: string; base64?: boolean },
  ): Promise<{ statusCode: number; body: Record<string, unknown> }>;
  receiveAll(): Promise<Message[]>;
  /** receives and runs messages through the executor until the queue is empty */
  drain(): Promise<void>;
  sqsEvent(messages: Message[]): SQSEvent;
}

export interface LiveAccountInput {
  exchange: Exclude<ExchangeId, 'paper'>;
  apiKey: string;
  secret: string;
  settings?: Partial<AccountSettings>;
}

export interface HarnessOptions {
  clock?: Clock;
  visibilityTimeoutSeconds?: number;
  webhookEnv?: Record<string, string>;
  /** extra executor variables, e.g. EXCHANGE_API_URL (a fake exchange), EXCHANGE_TIMEOUT_MS */
  executorEnv?: Record<string, string>;
  leaseMs?: number;
  /** the paper exchange's prices instead of the fixed ones (e.g. the replay, as `npm start` has it) */
  paperPrices?: PriceSource;
  /** the executor's optional parts (the ensemble's models) */
  executorOptions?: Parameters<typeof buildExecuteSignal>[3];
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ep = endpoints();
  const stage = `it${randomBytes(4).toString('hex')}`;
  const dynamo = new DynamoDBClient({ region, endpoint: ep.dynamo });
  const sqs = new SQSClient({ region, endpoint: ep.sqs });
  await provisionTables(dynamo, stage);
  const { queueUrl, dlqUrl } = await provisionQueues(sqs, stage, {
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 1,
    maxReceiveCount: 3,
  });
  const dir = mkdtempSync(join(tmpdir(), 'tvat-it-'));
  const keyFile = join(dir, 'local-kms.key');
  const common = { STAGE: stage, AWS_REGION: region, DYNAMODB_ENDPOINT: ep.dynamo, SQS_ENDPOINT: ep.sqs };
  const webhookEnv = loadEnv(webhookEnvSchema, { ...common, SIGNAL_QUEUE_URL: queueUrl, ...options.webhookEnv });
  const executorEnv = loadEnv(executorEnvSchema, {
    ...common,
    KEY_VAULT: 'local',
    LOCAL_KEY_FILE: keyFile,
    PAPER_PRICE_SOURCE: 'replay',
    RISK_CANDLE_SOURCE: 'none',
    SIGNAL_LEASE_MS: String(options.leaseMs ?? 500),
    ...options.executorEnv,
  });
  const prices = new FixedPriceSource(
    { 'BTC/USDT:USDT': 50_000, 'ETH/USDT:USDT': 2_500, 'XRP/USDT:USDT': 0.5 },
    options.clock,
  );
  const runtime = buildTradingRuntime(executorEnv, options.clock, options.paperPrices ?? prices);
  const vault = LocalKeyVault.open(keyFile);
  const webhook = createWebhookHandler(buildAcceptWebhook(webhookEnv, options.clock), silentLogger());
  const executor = createExecutorHandler(
    buildExecuteSignal(executorEnv, runtime, vault, options.executorOptions),
    silentLogger(),
  );
  const settle = buildSettlePaperTriggers(runtime);
  const clock = options.clock ?? { now: () => Date.now() };

  const harness: Harness = {
    stage,
    queueUrl,
    dlqUrl,
    sqs,
    dynamo,
    prices,
    vault,
    webhookEnv,
    executorEnv,
    runtime,
    webhook,
    executor,
    settle,
    async createAccount(balance = 10_000, settings) {
      const out = await new CreateAccount({
        accounts: runtime.repos.accounts,
        vault,
        audit: runtime.repos.audit,
        clock,
      }).execute({ name: 'it', exchange: 'paper', balance, ...(settings ? { settings } : {}) });
      return { accountId: out.account.accountId, token: out.token };
    },
    async createLiveAccount({ exchange, apiKey, secret, settings }) {
      const out = await new CreateAccount({
        accounts: runtime.repos.accounts,
        vault,
        audit: runtime.repos.audit,
        clock,
      }).execute({ name: 'it-live', exchange, credentials: { apiKey, secret }, ...(settings ? { settings } : {}) });
      return { accountId: out.account.accountId, token: out.token };
    },
    async post(body, opts = {}) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const account = opts.path;
      const event = {
        version: '2.0',
        routeKey: account ? 'POST /webhook/{account}' : 'POST /webhook',
        rawPath: account ? `/webhook/${account}` : '/webhook',
        rawQueryString: '',
        headers: {
          'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
          'x-forwarded-for': '1.2.3.4',
        },
        requestContext: {
          http: {
            method: 'POST',
            path: '/webhook',
            protocol: 'HTTP/1.1',
            sourceIp: opts.ip ?? '52.89.214.238',
            userAgent: 'Go-http-client/1.1',
          },
          requestId: randomBytes(4).toString('hex'),
          routeKey: 'POST /webhook',
          stage: '$default',
          accountId: 'x',
          apiId: 'x',
          domainName: 'x',
          domainPrefix: 'x',
          time: '',
          timeEpoch: 0,
        },
        ...(account ? { pathParameters: { account } } : {}),
        body: opts.base64 ? Buffer.from(text).toString('base64') : text,
        isBase64Encoded: !!opts.base64,
      } as unknown as APIGatewayProxyEventV2;
      const res = await webhook(event, { awsRequestId: 'it' } as Context);
      return { statusCode: res.statusCode ?? 0, body: JSON.parse(res.body ?? '{}') };
    },
    async receiveAll() {
      const all: Message[] = [];
      for (let i = 0; i < 20; i++) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        if (!out.Messages?.length) break;
        all.push(...out.Messages);
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: out.Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle as string })),
          }),
        );
      }
      return all;
    },
    async drain() {
      const poller = new SqsPoller({ sqs, queueUrl, handler: executor, concurrency: 1, waitTimeSeconds: 0 });
      // receive/deliver rounds until a receive comes back empty twice
      let empty = 0;
      for (let round = 0; round < 50 && empty < 2; round++) empty = (await poller.pollOnce(0, 0)) ? 0 : empty + 1;
    },
    sqsEvent(messages) {
      return {
        Records: messages.map(
          (m) =>
            ({
              messageId: m.MessageId,
              receiptHandle: m.ReceiptHandle,
              body: m.Body,
              attributes: { MessageGroupId: m.Attributes?.MessageGroupId, ApproximateReceiveCount: '1' },
              messageAttributes: {},
              md5OfBody: '',
              eventSource: 'aws:sqs',
              eventSourceARN: 'arn',
              awsRegion: region,
            }) as unknown as SQSRecord,
        ),
      };
    },
  };
  return harness;
}
