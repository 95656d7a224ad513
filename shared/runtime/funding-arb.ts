// The funding-arb job's wiring (docs/FUNDING.md "Live"): accounts, the book, the kill switches and
// the legs' entry orders read-only; its rounds (risk table), the legs' dedup records, the audit
// trail and the signal queue written; each leg's exchange's public funding history and mark price.
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoAccountDirectory } from '../adapters/dynamodb/account-repository';
import { DynamoArbRoundStore } from '../adapters/dynamodb/arb-round-store';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { DynamoOrderReader } from '../adapters/dynamodb/order-repository';
import { DynamoPositionReader } from '../adapters/dynamodb/position-book';
import { DynamoRiskStateReader } from '../adapters/dynamodb/risk-store';
import { DynamoSignalLedger } from '../adapters/dynamodb/signal-ledger';
import { CcxtArbMarketData } from '../adapters/exchange/ccxt-arb-market-data';
import type { CcxtExchangeId } from '../adapters/exchange/ccxt-lib';
import { SqsSignalQueue } from '../adapters/sqs/signal-queue';
import { InvalidArgumentError } from '../core/errors';
import { ArbCoordinator } from '../core/funding/arb-coordinator';
import type { ArbMarketData } from '../core/funding/ports';
import { systemClock, type Clock } from '../core/ports/runtime';
import type { FundingArbEnv } from '../platform/funding-arb-config';
import { tableName } from '../platform/resource-names';
import { dynamoClient } from './repositories';

/** "binanceusdm=http://…,bybit=http://…" → per-exchange base URLs (local fakes). */
export function parseApiUrls(text: string | undefined): Partial<Record<CcxtExchangeId, string>> {
  const urls: Partial<Record<CcxtExchangeId, string>> = {};
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [id, url] = part.split('=', 2) as [string, string | undefined];
    if (!url || !/^https?:\/\//.test(url))
      throw new InvalidArgumentError(`ARB_EXCHANGE_API_URLS: "${part}" is not exchange=http(s)://host`);
    urls[id as CcxtExchangeId] = url;
  }
  return urls;
}

export function buildFundingArb(
  env: FundingArbEnv,
  clock: Clock = systemClock,
  market: ArbMarketData = new CcxtArbMarketData({
    clock,
    timeoutMs: env.EXCHANGE_TIMEOUT_MS,
    apiUrls: parseApiUrls(env.ARB_EXCHANGE_API_URLS),
  }),
): ArbCoordinator {
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const sqs = new SQSClient({ region: env.AWS_REGION, ...(env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT } : {}) });
  return new ArbCoordinator({
    accounts: new DynamoAccountDirectory(db, tableName(env.STAGE, 'accounts')),
    positions: new DynamoPositionReader(db, tableName(env.STAGE, 'positions')),
    risk: new DynamoRiskStateReader(db, tableName(env.STAGE, 'risk')),
    rounds: new DynamoArbRoundStore(db, tableName(env.STAGE, 'risk')),
    signals: new DynamoSignalLedger(db, tableName(env.STAGE, 'signals')),
    orders: new DynamoOrderReader(db, tableName(env.STAGE, 'orders')),
    queue: new SqsSignalQueue(sqs, env.SIGNAL_QUEUE_URL),
    audit: new DynamoAuditLog(db, tableName(env.STAGE, 'audit')),
    market,
    clock,
    dedupTtlMs: env.ARB_DEDUP_TTL_HOURS * 3_600_000,
  });
}
