// The real webhook path in-process for hostile-input tests and the fuzz bench: the Lambda handler
// (middy, Powertools logger, metrics) over AcceptWebhook, with its ports (accounts, the DynamoDB
// ledger, the SQS queue, the clock) replaced at the port boundary by plain in-memory objects. No
// jest here: bench/fuzz.ts runs it under plain node.
import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createWebhookHandler } from '../../functions/webhook/app';
import { DEFAULT_ACCOUNT_SETTINGS, type AccountSettings } from '../../shared/core/domain/account';
import type { DedupClaim, DedupRecord, SignalLedger } from '../../shared/core/ports/repositories';
import type { Clock, SignalQueue } from '../../shared/core/ports/runtime';
import type { Signal } from '../../shared/core/signal/types';
import { AcceptWebhook, type WebhookLimits } from '../../shared/core/signal/accept-webhook';
import type { AccountLookup } from '../../shared/core/signal/ports';
import { Metrics } from '../../shared/platform/metrics';

/** 2023-11-14T22:13:20.000Z */
export const FUZZ_T0 = 1_700_000_000_000;
export const FUZZ_ACCOUNT = 'acc-fuzz';
export const FUZZ_TOKEN = 'Zm9vYmFyLXRva2VuLWZvci1mdXp6aW5n';
export const FUZZ_IP = '52.89.214.238';
export const FUZZ_MAX_LEVERAGE = 20;

export const FUZZ_LIMITS: WebhookLimits = {
  maxBodyBytes: 8192,
  maxSignalAgeMs: 60_000,
  maxFutureSkewMs: 5_000,
  dedupTtlMs: 7 * 86_400_000,
  ipAllowlist: [FUZZ_IP],
};

export interface Queued {
  signal: Signal;
  groupId: string;
  dedupId: string;
}

export interface PostResult {
  status: number;
  body: Record<string, unknown>;
  /** what this request put on the queue */
  queued: Queued[];
}

export interface WebhookUnderTest {
  post(body: string, options?: { base64?: boolean; pathAccount?: string; ip?: string }): Promise<PostResult>;
  clock: { t: number };
  queue: Queued[];
}

const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Dedup records with the DynamoDB ledger's claim semantics (a record wins when absent or expired;
 * a live one is a duplicate once the executor has taken its signal, else a retry). The executor is
 * modelled as keeping up: it takes each signal the moment it is queued.
 */
class InMemoryLedger implements Pick<SignalLedger, 'claimDedup'> {
  private readonly records = new Map<string, DedupRecord>();
  readonly taken = new Set<string>();
  async claimDedup(record: DedupRecord, now: number): Promise<DedupClaim> {
    const key = `${record.accountId}|${record.dedupKey}`;
    const existing = this.records.get(key);
    if (!existing || existing.expiresAt < now) {
      this.records.set(key, { ...record });
      return { claim: 'new', signalId: record.signalId };
    }
    return {
      claim: existing.status === 'received' && !this.taken.has(existing.signalId) ? 'retry' : 'duplicate',
      signalId: existing.signalId,
    };
  }
}

/**
 * The webhook handler for one account (FUZZ_ACCOUNT / FUZZ_TOKEN, maxLeverage 20) with `settings`
 * merged in. The queue keeps each signal as the SQS adapter would send it: through JSON.
 */
export function webhookUnderTest(
  options: { settings?: Partial<AccountSettings>; limits?: Partial<WebhookLimits> } = {},
): WebhookUnderTest {
  const clock = { t: FUZZ_T0 };
  const queue: Queued[] = [];
  const settings: AccountSettings = {
    ...DEFAULT_ACCOUNT_SETTINGS,
    maxLeverage: FUZZ_MAX_LEVERAGE,
    ...options.settings,
  };
  const accounts: AccountLookup = {
    get: async (accountId) =>
      accountId === FUZZ_ACCOUNT
        ? { accountId, webhookTokenHash: sha256hex(FUZZ_TOKEN), status: 'active', settings }
        : undefined,
  };
  const ledger = new InMemoryLedger();
  const signalQueue: SignalQueue = {
    send: async (signal, groupId, dedupId) => {
      queue.push({ signal: JSON.parse(JSON.stringify(signal)) as Signal, groupId, dedupId });
      ledger.taken.add(signal.signalId);
    },
  };
  const useCase = new AcceptWebhook({
    accounts,
    ledger: ledger as unknown as SignalLedger,
    queue: signalQueue,
    clock: { now: () => clock.t } satisfies Clock,
    limits: { ...FUZZ_LIMITS, ...options.limits },
  });
  // Logs off (thousands of rejections), metrics off (no writer): the handler's code still runs.
  const handler = createWebhookHandler(
    useCase,
    new Logger({ serviceName: 'webhook', logLevel: 'SILENT' }),
    new Metrics({ service: 'webhook', stage: 'test' }),
  );
  const context = { awsRequestId: 'fuzz', functionName: 'webhook' } as Context;

  return {
    clock,
    queue,
    async post(body, o = {}) {
      const before = queue.length;
      const event = {
        body: o.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
        isBase64Encoded: o.base64 ?? false,
        requestContext: { http: { sourceIp: o.ip ?? FUZZ_IP } },
        headers: {
          'content-type': body.trimStart().startsWith('{') ? 'application/json' : 'text/plain; charset=utf-8',
        },
        ...(o.pathAccount !== undefined ? { pathParameters: { account: o.pathAccount } } : {}),
      } as unknown as APIGatewayProxyEventV2;
      const result = await handler(event, context);
      return {
        status: result.statusCode ?? 0,
        body: JSON.parse(result.body ?? '{}') as Record<string, unknown>,
        queued: queue.slice(before),
      };
    },
  };
}
