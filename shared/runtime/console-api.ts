// The console API's wiring: the book read through its repositories, the risk table's snapshots
// (balances and marks) and the queue's depth. Read-only adapters where one exists; no key vault.
// Its one outside call is public market data (the chart's candles): it never trades.
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoAccountDirectory, DynamoAccountRepository } from '../adapters/dynamodb/account-repository';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { DynamoOrderRepository } from '../adapters/dynamodb/order-repository';
import { DynamoPaperLedgerStore } from '../adapters/dynamodb/paper-ledger-store';
import { DynamoPositionReader } from '../adapters/dynamodb/position-book';
import { DynamoRiskStore } from '../adapters/dynamodb/risk-store';
import { DynamoSignalLedger } from '../adapters/dynamodb/signal-ledger';
import { DynamoTradeReader } from '../adapters/dynamodb/trade-repository';
import { SqsQueueGauge } from '../adapters/sqs/queue-gauge';
import { BoundedCandleSource } from '../adapters/candles/bounded-candle-source';
import type { CcxtExchangeId } from '../adapters/exchange/ccxt-lib';
import type { ExchangeId } from '../core/domain/account';
import { TIMEFRAME_MS } from '../core/domain/strategy-subscription';
import type { CandleSource } from '../core/ports/candles';
import { SqsSignalQueue } from '../adapters/sqs/signal-queue';
import { OwnerActions, type AlertTest } from '../core/control/operator-actions';
import { DynamoAlertLog } from '../adapters/dynamodb/alert-log';
import { fetchAlertSender } from '../adapters/http/alert-sender';
import { AlertTester } from '../core/signal/alert-test';
import { ConsoleReads } from '../core/performance/console-reads';
import { systemClock, type Clock } from '../core/ports/runtime';
import type { ConsoleApiEnv } from '../platform/config';
import { tableName } from '../platform/resource-names';
import { dynamoClient } from './dynamo-client';
import { buildConsolePlanGuard } from './tenancy';

/**
 * The owner's actions behind POST /actions/{name}: account writes, audit, and the signal ledger
 * and queue for whatever touches an exchange (queued on the account's lane; no exchange here).
 */
export function buildOwnerActions(env: ConsoleApiEnv, clock: Clock = systemClock): OwnerActions {
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const sqs = new SQSClient({ region: env.AWS_REGION, ...(env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT } : {}) });
  const accounts = new DynamoAccountRepository(db, tableName(env.STAGE, 'accounts'));
  const orders = new DynamoOrderRepository(db, tableName(env.STAGE, 'orders'));
  const audit = new DynamoAuditLog(db, tableName(env.STAGE, 'audit'));
  const ledger = new DynamoSignalLedger(db, tableName(env.STAGE, 'signals'));
  return new OwnerActions({
    accounts,
    positions: new DynamoPositionReader(db, tableName(env.STAGE, 'positions')),
    orders,
    risk: new DynamoRiskStore(db, tableName(env.STAGE, 'risk')),
    audit,
    clock,
    ledger,
    queue: new SqsSignalQueue(sqs, env.SIGNAL_QUEUE_URL),
    paper: new DynamoPaperLedgerStore(db, tableName(env.STAGE, 'paper')),
    plans: buildConsolePlanGuard(env, clock),
    ...(env.WEBHOOK_URL
      ? {
          alertTest: alertTestThrough(
            new AlertTester({
              accounts,
              alerts: new DynamoAlertLog(db, tableName(env.STAGE, 'alerts')),
              signals: ledger,
              orders,
              audit,
              clock,
              send: fetchAlertSender,
              webhookUrl: env.WEBHOOK_URL,
            }),
          ),
        }
      : {}),
  });
}

/** How long the console waits for a test alert's end before answering with where it got to. */
const CONSOLE_ALERT_TEST_MS = 8_000;

/** The console's test alert: AlertTester's outcome as an action's answer. */
function alertTestThrough(tester: AlertTester): AlertTest {
  return async (accountId, body) => {
    const result = await tester.execute({
      accountId,
      ...(body !== undefined ? { body } : {}),
      timeoutMs: CONSOLE_ALERT_TEST_MS,
    });
    return {
      status: 200,
      accountIds: [accountId],
      ...(result.signalId ? { signalIds: [result.signalId] } : {}),
      message: `test alert ${result.outcome}${result.reason ? `: ${result.reason}` : ''}`,
      detail: { ...result },
    };
  };
}

/**
 * The console's candles in the cloud: each exchange's public OHLCV through ccxt (no keys, never an
 * order), a paper account's from CANDLE_EXCHANGE (the market the paper prices follow), each read
 * bounded by a timeout and cached briefly. One source per exchange for the container's life.
 */
export function exchangeCandles(
  env: ConsoleApiEnv,
  clock: Clock = systemClock,
  create: (id: CcxtExchangeId) => CandleSource = (id) => lazyCcxtCandles(id, env.CANDLE_TIMEOUT_MS),
): (exchange: ExchangeId) => CandleSource {
  const sources = new Map<CcxtExchangeId, CandleSource>();
  return (exchange) => {
    const id = exchange === 'paper' ? env.CANDLE_EXCHANGE : exchange;
    let source = sources.get(id);
    if (!source) {
      source = new BoundedCandleSource(create(id), {
        timeoutMs: env.CANDLE_TIMEOUT_MS,
        ttlMs: env.CANDLE_CACHE_MS,
        clock,
      });
      sources.set(id, source);
    }
    return source;
  };
}

/** ccxt loaded on the first chart, not at every cold start of the function (most requests chart nothing). */
function lazyCcxtCandles(id: CcxtExchangeId, timeoutMs: number): CandleSource {
  let source: Promise<CandleSource> | undefined;
  const load = (): Promise<CandleSource> =>
    (source ??= import('../adapters/candles/ccxt-candle-source').then((m) =>
      m.CcxtCandleSource.create(id, { timeoutMs }),
    ));
  return {
    spanMs: (timeframe) => TIMEFRAME_MS[timeframe],
    closedCandles: async (symbol, timeframe, limit, now) => (await load()).closedCandles(symbol, timeframe, limit, now),
  };
}

export function buildConsoleReads(
  env: ConsoleApiEnv,
  clock: Clock = systemClock,
  options: { candles?: (exchange: ExchangeId) => CandleSource } = {},
): ConsoleReads {
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const sqs = new SQSClient({ region: env.AWS_REGION, ...(env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT } : {}) });
  return new ConsoleReads({
    accounts: new DynamoAccountDirectory(db, tableName(env.STAGE, 'accounts')),
    trades: new DynamoTradeReader(db, tableName(env.STAGE, 'trades')),
    positions: new DynamoPositionReader(db, tableName(env.STAGE, 'positions')),
    orders: new DynamoOrderRepository(db, tableName(env.STAGE, 'orders')),
    audit: new DynamoAuditLog(db, tableName(env.STAGE, 'audit')),
    risk: new DynamoRiskStore(db, tableName(env.STAGE, 'risk')),
    signals: new DynamoSignalLedger(db, tableName(env.STAGE, 'signals')),
    alerts: new DynamoAlertLog(db, tableName(env.STAGE, 'alerts')),
    queue: new SqsQueueGauge(sqs, env.SIGNAL_QUEUE_URL, env.SIGNAL_DLQ_URL),
    ...(options.candles
      ? { candles: options.candles }
      : env.CANDLE_SOURCE === 'exchange'
        ? { candles: exchangeCandles(env, clock) }
        : {}),
    clock,
  });
}
