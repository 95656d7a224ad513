// The console API's wiring: the book read through its repositories, the risk table's snapshots
// (balances and marks) and the queue's depth. Read-only adapters where one exists; no exchange,
// no key vault (the API never calls an exchange).
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoAccountDirectory, DynamoAccountRepository } from '../adapters/dynamodb/account-repository';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { DynamoOrderRepository } from '../adapters/dynamodb/order-repository';
import { DynamoPositionReader } from '../adapters/dynamodb/position-book';
import { DynamoRiskStore } from '../adapters/dynamodb/risk-store';
import { DynamoSignalLedger } from '../adapters/dynamodb/signal-ledger';
import { DynamoTradeReader } from '../adapters/dynamodb/trade-repository';
import { SqsQueueGauge } from '../adapters/sqs/queue-gauge';
import { SqsSignalQueue } from '../adapters/sqs/signal-queue';
import { OwnerActions } from '../core/control/operator-actions';
import { ConsoleReads } from '../core/performance/console-reads';
import { systemClock, type Clock } from '../core/ports/runtime';
import type { ConsoleApiEnv } from '../platform/config';
import { tableName } from '../platform/resource-names';
import { dynamoClient } from './dynamo-client';

/**
 * The owner's actions behind POST /actions/{name}: account writes, audit, and the signal ledger
 * and queue for whatever touches an exchange (queued on the account's lane; no exchange here).
 */
export function buildOwnerActions(env: ConsoleApiEnv, clock: Clock = systemClock): OwnerActions {
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const sqs = new SQSClient({ region: env.AWS_REGION, ...(env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT } : {}) });
  return new OwnerActions({
    accounts: new DynamoAccountRepository(db, tableName(env.STAGE, 'accounts')),
    positions: new DynamoPositionReader(db, tableName(env.STAGE, 'positions')),
    orders: new DynamoOrderRepository(db, tableName(env.STAGE, 'orders')),
    risk: new DynamoRiskStore(db, tableName(env.STAGE, 'risk')),
    audit: new DynamoAuditLog(db, tableName(env.STAGE, 'audit')),
    clock,
    ledger: new DynamoSignalLedger(db, tableName(env.STAGE, 'signals')),
    queue: new SqsSignalQueue(sqs, env.SIGNAL_QUEUE_URL),
  });
}

export function buildConsoleReads(env: ConsoleApiEnv, clock: Clock = systemClock): ConsoleReads {
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
    // TODO(lead): alerts: new DynamoAlertLog(db, tableName(env.STAGE, 'alerts')) once the alerts
    // lane's shared/adapters/dynamodb/alert-log.ts lands (and 'DynamoAlertLog' in consoleApi's
    // FUNCTION_REPOSITORIES); until then /alerts answers an empty list.
    queue: new SqsQueueGauge(sqs, env.SIGNAL_QUEUE_URL, env.SIGNAL_DLQ_URL),
    clock,
  });
}
