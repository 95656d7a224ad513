// The console API's wiring: the book read through its repositories, the risk table's snapshots
// (balances and marks) and the queue's depth. Read-only adapters where one exists; no key vault.
// Its one outside call is public market data (the chart's candles): it never trades.
//
// Everything a request reads or writes is built for the actor's tenant (docs/TENANCY.md): its own
// DynamoDB client carrying the tenant guard (a command naming another tenant's key is refused
// unsent) and, in the cloud, signing with the tenant data role's session for that tenant (IAM
// refuses the same). The accounts are the tenant's index, never a Scan. One scope per tenant is
// kept for the warm function's life.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountReader, DynamoAccountWriter } from '../adapters/dynamodb/account-repository';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { createDocumentClient } from '../adapters/dynamodb/document-client';
import { DynamoOrderRepository } from '../adapters/dynamodb/order-repository';
import { DynamoPaperLedgerStore } from '../adapters/dynamodb/paper-ledger-store';
import { DynamoPositionReader } from '../adapters/dynamodb/position-book';
import { DynamoRiskStore } from '../adapters/dynamodb/risk-store';
import { DynamoSignalLedger } from '../adapters/dynamodb/signal-ledger';
import { DynamoTenantAccountIndex } from '../adapters/dynamodb/tenant-account-index';
import { DynamoLivePriceReader } from '../adapters/dynamodb/live-price-store';
import { DynamoFundingReadingReader } from '../adapters/dynamodb/funding-reading-store';
import { guardTenant, type PartitionKeys, type PublicReadPartitions } from '../adapters/dynamodb/tenant-guard';
import { DynamoTradeReader } from '../adapters/dynamodb/trade-repository';
import { SqsQueueGauge } from '../adapters/sqs/queue-gauge';
import { stsAssumeRole, stsAssumeTenantRole } from '../adapters/sts/sts-assume-role';
import {
  ambientCredentials,
  assumedRoleCredentials,
  assumedTenantCredentials,
  type CredentialsProvider,
  type TenantCredentials,
} from '../adapters/sts/tenant-credentials';
import { DynamoAccountSlotReader, DynamoTenantAdminStore } from '../adapters/dynamodb/tenant-admin-store';
import { TenantAdmin } from '../core/tenancy/tenant-admin';
import { BoundedCandleSource } from '../adapters/candles/bounded-candle-source';
import { paperMarkets } from '../adapters/paper/markets';
import type { CcxtExchangeId } from '../adapters/exchange/ccxt-lib';
import type { ExchangeId } from '../core/domain/account';
import { TIMEFRAME_MS } from '../core/domain/strategy-subscription';
import type { TenantId } from '../core/domain/tenant';
import { ConfigError } from '../core/errors';
import type { CandleSource } from '../core/ports/candles';
import type { QueueDepth } from '../core/performance/ports';
import { TenantScopedAccountReads, TenantScopedAccounts } from '../core/tenancy/tenant-accounts';
import { SqsSignalQueue } from '../adapters/sqs/signal-queue';
import { OwnerActions, type AlertTest } from '../core/control/operator-actions';
import { DynamoAlertLog } from '../adapters/dynamodb/alert-log';
import { fetchAlertSender } from '../adapters/http/alert-sender';
import { AlertTester } from '../core/signal/alert-test';
import { ConsoleReads } from '../core/performance/console-reads';
import { systemClock, type Clock } from '../core/ports/runtime';
import type { ConsoleApiEnv } from '../platform/config';
import { STAGES, TABLE_NAMES, tableName } from '../platform/resource-names';
import { TABLE_SPECS } from '../platform/tables';
import { PUBLIC_READ_PARTITIONS } from '../platform/table-access';
import { buildTenancy, buildUsageReport, plansOf } from './tenancy';
import type { UsageReport } from '../core/tenancy/usage-report';
import type { PlanGuard } from '../core/tenancy/plan-guard';

/** One tenant's reads and actions: all a console request of that tenant can reach. */
export interface ConsoleTenantScope {
  reads: ConsoleReads;
  actions: OwnerActions;
  /** GET /usage: the tenant's plan, limits and counters, on the tenant's own client */
  usage: UsageReport;
}

/** Each table's partition key by its physical name: what the tenant guard checks. */
export function partitionKeys(stage: string): PartitionKeys {
  return Object.fromEntries(TABLE_NAMES.map((t) => [tableName(stage, t), TABLE_SPECS[t].partitionKey]));
}

/** The public market-data partitions a tenant's reads may name, by physical table name (the live prices). */
export function publicReadPartitions(stage: string): PublicReadPartitions {
  const byTable: Record<string, string[]> = {};
  for (const { table, prefix } of PUBLIC_READ_PARTITIONS) (byTable[tableName(stage, table)] ??= []).push(prefix);
  return byTable;
}

/**
 * Whose credentials a tenant's client signs with: the tenant data role's session in the cloud
 * (TENANT_DATA_ROLE_ARN, required in the deployed stages: without it the API would run on the
 * function's own role, which holds no tenant data), the process's own locally.
 */
export function tenantCredentials(env: ConsoleApiEnv, clock: Clock = systemClock): TenantCredentials {
  if (env.TENANT_DATA_ROLE_ARN)
    return assumedTenantCredentials(stsAssumeTenantRole(env.AWS_REGION), env.TENANT_DATA_ROLE_ARN, clock);
  if ((STAGES as readonly string[]).includes(env.STAGE))
    throw new ConfigError('invalid configuration: TENANT_DATA_ROLE_ARN (required in a deployed stage)');
  return ambientCredentials;
}

/** The tenant's own DynamoDB client: the guard on it, the tenant's credentials under it. */
export function tenantDocumentClient(
  env: ConsoleApiEnv,
  tenantId: TenantId,
  credentials: TenantCredentials,
): DynamoDBDocumentClient {
  const provider = credentials(tenantId);
  const db = createDocumentClient({
    region: env.AWS_REGION,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    ...(provider ? { credentials: provider } : {}),
  });
  guardTenant(db, tenantId, partitionKeys(env.STAGE), publicReadPartitions(env.STAGE));
  return db;
}

const sqsClient = (env: ConsoleApiEnv) =>
  new SQSClient({ region: env.AWS_REGION, ...(env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT } : {}) });

/** The most tenants whose scope a warm function keeps (the oldest built is let go first). */
export const MAX_TENANT_SCOPES = 256;

/**
 * The scope of each tenant, built on its first request and kept: one DynamoDB client (and in the
 * cloud one role session) per tenant, the SQS client and the chart's candles shared (the queue is
 * written per account lane; candles are public market data).
 */
export function consoleScopes(
  env: ConsoleApiEnv,
  clock: Clock = systemClock,
  options: { candles?: (exchange: ExchangeId) => CandleSource; credentials?: TenantCredentials } = {},
): (tenantId: TenantId) => ConsoleTenantScope {
  const credentials = options.credentials ?? tenantCredentials(env, clock);
  const plans = plansOf(env.PLANS);
  const sqs = sqsClient(env);
  const candles = options.candles ?? (env.CANDLE_SOURCE === 'exchange' ? exchangeCandles(env, clock) : undefined);
  const scopes = new Map<TenantId, ConsoleTenantScope>();
  return (tenantId) => {
    let scope = scopes.get(tenantId);
    if (!scope) {
      const db = tenantDocumentClient(env, tenantId, credentials);
      // the plan's meta and usage items are the tenant's own partition: the same guarded client
      const tenancy = buildTenancy(db, env.STAGE, plans, clock);
      scope = {
        reads: buildConsoleReads(env, tenantId, clock, { db, ...(candles ? { candles } : {}) }),
        actions: buildOwnerActions(env, tenantId, clock, { db, sqs, plans: tenancy.guard }),
        usage: buildUsageReport(tenancy, scopedAccounts(env, tenantId, db), clock),
      };
      if (scopes.size >= MAX_TENANT_SCOPES) scopes.delete(scopes.keys().next().value as TenantId);
      scopes.set(tenantId, scope);
    }
    return scope;
  };
}

/** The deployment's queue depth (no tenant's data, but every tenant's activity): the admin's only. */
export function buildQueueDepth(env: ConsoleApiEnv): () => Promise<QueueDepth | null> {
  const gauge = new SqsQueueGauge(sqsClient(env), env.SIGNAL_QUEUE_URL, env.SIGNAL_DLQ_URL);
  return () => gauge.read().catch(() => null);
}

/**
 * The admin's credentials: the admin data role's session in the cloud (ADMIN_DATA_ROLE_ARN,
 * required in the deployed stages: the function's own role holds no DynamoDB grant), the
 * process's own locally.
 */
export function adminCredentials(env: ConsoleApiEnv, clock: Clock = systemClock): CredentialsProvider | undefined {
  if (env.ADMIN_DATA_ROLE_ARN)
    return assumedRoleCredentials(stsAssumeRole(env.AWS_REGION), env.ADMIN_DATA_ROLE_ARN, 'deployment-admin', clock);
  if ((STAGES as readonly string[]).includes(env.STAGE))
    throw new ConfigError('invalid configuration: ADMIN_DATA_ROLE_ARN (required in a deployed stage)');
  return undefined;
}

/**
 * The deployment admin's view (GET /admin/tenants, /admin/usage, PUT /admin/tenants/{id}/plan):
 * its own client, signed as the admin data role (the tenants table's plan, members, index and
 * usage; of the accounts only the live-slot fields), never a tenant's scope. Built on the first
 * admin request: a tenant's request never makes it.
 */
export function buildTenantAdmin(
  env: ConsoleApiEnv,
  clock: Clock = systemClock,
  options: { credentials?: CredentialsProvider } = {},
): () => TenantAdmin {
  // at the cold start: a deployed stage without the role fails there, not at the admin's first page
  const credentials = options.credentials ?? adminCredentials(env, clock);
  let admin: TenantAdmin | undefined;
  return () => {
    if (!admin) {
      const db = createDocumentClient({
        region: env.AWS_REGION,
        ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
        ...(credentials ? { credentials } : {}),
      });
      const store = new DynamoTenantAdminStore(db, tableName(env.STAGE, 'tenants'));
      admin = new TenantAdmin({
        directory: store,
        meter: store,
        accounts: new DynamoAccountSlotReader(db, tableName(env.STAGE, 'accounts')),
        plans: plansOf(env.PLANS),
        clock,
      });
    }
    return admin;
  };
}

/**
 * The owner's actions behind POST /actions/{name}: account writes, audit, and the signal ledger
 * and queue for whatever touches an exchange (queued on the account's lane; no exchange here).
 */
export function buildOwnerActions(
  env: ConsoleApiEnv,
  tenantId: TenantId,
  clock: Clock = systemClock,
  options: { db?: DynamoDBDocumentClient; sqs?: SQSClient; plans?: PlanGuard } = {},
): OwnerActions {
  const db = options.db ?? tenantDocumentClient(env, tenantId, tenantCredentials(env, clock));
  const sqs = options.sqs ?? sqsClient(env);
  const accounts = scopedAccounts(env, tenantId, db);
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
    plans: options.plans ?? buildTenancy(db, env.STAGE, plansOf(env.PLANS), clock).guard,
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

/** The tenant's accounts: its index lists them, an id of another tenant reads as missing. */
function scopedAccounts(env: ConsoleApiEnv, tenantId: TenantId, db: DynamoDBDocumentClient) {
  return new TenantScopedAccounts(
    tenantId,
    new DynamoAccountWriter(db, tableName(env.STAGE, 'accounts')),
    new DynamoTenantAccountIndex(db, tableName(env.STAGE, 'tenants')),
  );
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

/**
 * One tenant's reads. No queue gauge: the queue's depth counts every tenant's signals (a tenant
 * would read the others' activity from it), so /health shows a tenant its own accounts'
 * reconciliation only, and the depth is the admin's (GET /admin/queue).
 */
export function buildConsoleReads(
  env: ConsoleApiEnv,
  tenantId: TenantId,
  clock: Clock = systemClock,
  options: { candles?: (exchange: ExchangeId) => CandleSource; db?: DynamoDBDocumentClient } = {},
): ConsoleReads {
  const db = options.db ?? tenantDocumentClient(env, tenantId, tenantCredentials(env, clock));
  return new ConsoleReads({
    accounts: new TenantScopedAccountReads(
      tenantId,
      new DynamoAccountReader(db, tableName(env.STAGE, 'accounts')),
      new DynamoTenantAccountIndex(db, tableName(env.STAGE, 'tenants')),
    ),
    trades: new DynamoTradeReader(db, tableName(env.STAGE, 'trades')),
    positions: new DynamoPositionReader(db, tableName(env.STAGE, 'positions')),
    orders: new DynamoOrderRepository(db, tableName(env.STAGE, 'orders')),
    audit: new DynamoAuditLog(db, tableName(env.STAGE, 'audit')),
    risk: new DynamoRiskStore(db, tableName(env.STAGE, 'risk')),
    signals: new DynamoSignalLedger(db, tableName(env.STAGE, 'signals')),
    alerts: new DynamoAlertLog(db, tableName(env.STAGE, 'alerts')),
    // the price watcher's latest ticks (when it runs): public market data, through the same guarded client
    livePrices: new DynamoLivePriceReader(db, tableName(env.STAGE, 'risk'), clock),
    // the funding rates the risk-check job records: public market data, through the same guarded client
    funding: new DynamoFundingReadingReader(db, tableName(env.STAGE, 'risk')),
    // the compare's backtest rounds sizes to the market's lot (the paper exchange's Binance filters)
    markets: (symbol) => paperMarkets.get(symbol),
    ...(env.WEBHOOK_URL ? { webhookUrl: env.WEBHOOK_URL } : {}),
    ...(options.candles
      ? { candles: options.candles }
      : env.CANDLE_SOURCE === 'exchange'
        ? { candles: exchangeCandles(env, clock) }
        : {}),
    clock,
  });
}
