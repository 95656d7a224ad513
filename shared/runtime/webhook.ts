// The webhook's wiring: only the tables it touches (accounts read, signals, the alert log), so the
// bundle carries no other repository.
import { SQSClient } from '@aws-sdk/client-sqs';
import { CachedAccountLookup, DynamoAccountReader } from '../adapters/dynamodb/account-repository';
import { DynamoAlertRecorder } from '../adapters/dynamodb/alert-log';
import { DynamoSignalLedger } from '../adapters/dynamodb/signal-ledger';
import { SqsSignalQueue } from '../adapters/sqs/signal-queue';
import { systemClock, type Clock } from '../core/ports/runtime';
import { AcceptWebhook } from '../core/signal/accept-webhook';
import type { WebhookEnv } from '../platform/config';
import { describeRefusal } from '../platform/http';
import { createLogger } from '../platform/logger';
import { tableName } from '../platform/resource-names';
import { dynamoClient } from './dynamo-client';

export function buildAcceptWebhook(env: WebhookEnv, clock: Clock = systemClock): AcceptWebhook {
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const log = createLogger('webhook');
  const sqs = new SQSClient({ region: env.AWS_REGION, ...(env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT } : {}) });
  return new AcceptWebhook({
    accounts: new CachedAccountLookup(
      new DynamoAccountReader(db, tableName(env.STAGE, 'accounts')),
      env.ACCOUNT_CACHE_MS,
      () => clock.now(),
    ),
    ledger: new DynamoSignalLedger(db, tableName(env.STAGE, 'signals')),
    queue: new SqsSignalQueue(sqs, env.SIGNAL_QUEUE_URL),
    // A lost record is logged by its error's name only (the item names no secret, the SDK's message may echo it).
    alerts: new DynamoAlertRecorder(db, tableName(env.STAGE, 'alerts'), (error) =>
      log.warn('alert log write failed', { reason: error instanceof Error ? error.name : 'unknown' }),
    ),
    describeRefusal,
    clock,
    limits: {
      maxBodyBytes: env.MAX_BODY_BYTES,
      maxSignalAgeMs: env.MAX_SIGNAL_AGE_MS,
      maxFutureSkewMs: env.MAX_FUTURE_SKEW_MS,
      dedupTtlMs: env.DEDUP_TTL_HOURS * 3_600_000,
      ipAllowlist: env.IP_ALLOWLIST,
      // Alerts must carry `time` where the stage says so (prod) unless an account says otherwise
      // (settings.requireTime); dev and the local stack accept alerts without it.
      requireTime: env.REQUIRE_TIME === 'true',
    },
  });
}
