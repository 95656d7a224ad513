// The strategy runner's wiring: the four tables it touches (accounts and positions read-only), the signal queue, and its candle
// source (an exchange's public candles in the cloud, the replayed files locally).
import { SQSClient } from '@aws-sdk/client-sqs';
import { CcxtCandleSource } from '../adapters/candles/ccxt-candle-source';
import { ReplayCandleSource } from '../adapters/candles/replay-candle-source';
import { DynamoAccountDirectory } from '../adapters/dynamodb/account-repository';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { DynamoPositionReader } from '../adapters/dynamodb/position-book';
import { DynamoSignalLedger } from '../adapters/dynamodb/signal-ledger';
import { StaticMarketCatalog } from '../adapters/paper/markets';
import { ReplayPriceSource } from '../adapters/prices/replay-price-source';
import { SqsSignalQueue } from '../adapters/sqs/signal-queue';
import type { CandleSource } from '../core/ports/candles';
import { systemClock, type Clock } from '../core/ports/runtime';
import { RunStrategies } from '../core/strategies/run-strategies';
import type { StrategyRunnerEnv } from '../platform/strategy-runner-config';
import { tableName } from '../platform/resource-names';
import { dynamoClient } from './repositories';

/** What the candle source needs from an environment (the strategy runner's, the report job's). */
export type CandleSourceEnv = Pick<
  StrategyRunnerEnv,
  | 'CANDLE_SOURCE'
  | 'CANDLE_EXCHANGE'
  | 'EXCHANGE_API_URL'
  | 'EXCHANGE_TIMEOUT_MS'
  | 'PAPER_REPLAY_DIR'
  | 'PAPER_REPLAY_MS_PER_CANDLE'
>;

export function buildCandleSource(env: CandleSourceEnv, clock: Clock = systemClock): CandleSource {
  if (env.CANDLE_SOURCE === 'replay') {
    return new ReplayCandleSource(
      new ReplayPriceSource({
        ...(env.PAPER_REPLAY_DIR ? { dir: env.PAPER_REPLAY_DIR } : {}),
        msPerCandle: env.PAPER_REPLAY_MS_PER_CANDLE,
        clock,
        markets: new StaticMarketCatalog(),
      }),
    );
  }
  return CcxtCandleSource.create(env.CANDLE_EXCHANGE, {
    timeoutMs: env.EXCHANGE_TIMEOUT_MS,
    ...(env.EXCHANGE_API_URL ? { apiUrl: env.EXCHANGE_API_URL } : {}),
  });
}

export function buildRunStrategies(
  env: StrategyRunnerEnv,
  clock: Clock = systemClock,
  candles: CandleSource = buildCandleSource(env, clock),
): RunStrategies {
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const sqs = new SQSClient({ region: env.AWS_REGION, ...(env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT } : {}) });
  return new RunStrategies({
    accounts: new DynamoAccountDirectory(db, tableName(env.STAGE, 'accounts')),
    positions: new DynamoPositionReader(db, tableName(env.STAGE, 'positions')),
    ledger: new DynamoSignalLedger(db, tableName(env.STAGE, 'signals')),
    queue: new SqsSignalQueue(sqs, env.SIGNAL_QUEUE_URL),
    audit: new DynamoAuditLog(db, tableName(env.STAGE, 'audit')),
    candles,
    clock,
    dedupTtlMs: env.DEDUP_TTL_HOURS * 3_600_000,
  });
}
