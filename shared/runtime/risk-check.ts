// The risk-check job's wiring: the tables, the key vault and the exchanges the executor uses, the
// protective-order manager, and the reconciliation of the book with the exchange.
import { randomBytes } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoFundingReadingStore } from '../adapters/dynamodb/funding-reading-store';
import { ccxtFundingRatesFor } from '../adapters/exchange/ccxt-funding-rates';
import type { FundingRatesFor } from '../core/ports/funding-rates';
import { FundingRecorder } from '../core/reconciliation/funding-recorder';
import { tableName } from '../platform/resource-names';
import { dynamoClient } from './dynamo-client';
import type { KeyVault } from '../core/ports/runtime';
import { ReconcileBook } from '../core/reconciliation/reconcile-book';
import { RiskCheck } from '../core/reconciliation/risk-check';
import { VolatilityIndexReader } from '../core/reconciliation/volatility-index';
import type { ExecutorEnv } from '../platform/config';
import { buildExchangeFactory, buildKeyVault, buildOrderPlacement, type TradingRuntime } from './executor';
import { buildAlgoControl } from './algo';

/** A run takes well under a minute; the lease outlives a crashed run by this much at most. */
const LEASE_MS = 5 * 60_000;
/** An unbooked entry or close younger than this keeps its symbol out of the reconciliation. */
const IN_FLIGHT_MS = 3 * 60_000;

export function buildRiskCheck(
  env: ExecutorEnv,
  runtime: TradingRuntime,
  vault: KeyVault = buildKeyVault(env),
  options: {
    logger?: Logger;
    /** the funding-rate sources (tests); absent: RISK_FUNDING_RATES decides */
    fundingRates?: FundingRatesFor;
  } = {},
): RiskCheck {
  const { repos, clock } = runtime;
  const { protection } = buildOrderPlacement(runtime);
  const slices = buildAlgoControl(env, repos.audit, clock);
  const reconcile = new ReconcileBook({
    positions: repos.positions,
    orders: repos.orders,
    book: runtime.book,
    protection,
    audit: repos.audit,
    clock,
    inFlightMs: IN_FLIGHT_MS,
  });
  return new RiskCheck({
    accounts: repos.accounts,
    positions: repos.positions,
    orders: repos.orders,
    trades: repos.trades,
    risk: repos.risk,
    vault,
    exchanges: buildExchangeFactory(env, runtime),
    protection,
    reconcile,
    audit: repos.audit,
    clock,
    // One owner per container: a second overlapping run in the same container waits for the first.
    owner: `risk-check-${randomBytes(6).toString('hex')}`,
    leaseMs: LEASE_MS,
    // the price watcher's moves hold the lease for well under a second (docs/WATCHER.md)
    leaseWait: { attempts: 4, ms: 250, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    marketSpeed: env.RISK_MARKET_SPEED,
    ...(slices ? { slices } : {}),
    volatilityIndex: new VolatilityIndexReader({
      onSkip: (message, data) => options.logger?.warn(message, data),
    }),
    ...(env.RISK_FUNDING_RATES === 'exchange' || options.fundingRates
      ? { funding: buildFundingRecorder(env, runtime, options) }
      : {}),
  });
}

/**
 * The funding rates of the held markets, recorded for the console (docs/FUNDING.md "In the
 * console"): one keyless source per exchange and network, kept for the container's life (markets
 * loaded once), the readings on the risk table's `funding#<source>` partitions.
 */
function buildFundingRecorder(
  env: ExecutorEnv,
  runtime: TradingRuntime,
  options: { logger?: Logger; fundingRates?: FundingRatesFor },
): FundingRecorder {
  const { logger } = options;
  // The error's class and message only: a public request carries no key.
  const describe = (error: unknown) =>
    error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : 'error';
  const sources =
    options.fundingRates ??
    ccxtFundingRatesFor({
      clock: runtime.clock,
      timeoutMs: Math.min(env.EXCHANGE_TIMEOUT_MS, env.RISK_FUNDING_TIME_BOX_MS),
      ...(env.EXCHANGE_API_URL ? { apiUrl: env.EXCHANGE_API_URL } : {}),
      onError: (exchange, symbol, error) =>
        logger?.warn('funding rate read failed: the console keeps the last reading', {
          exchange,
          symbol,
          error: describe(error),
        }),
    });
  return new FundingRecorder({
    sources,
    store: new DynamoFundingReadingStore(
      dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
      tableName(env.STAGE, 'risk'),
    ),
    clock: runtime.clock,
    timeBoxMs: env.RISK_FUNDING_TIME_BOX_MS,
    onError: (source, error) => logger?.warn('funding rates not recorded this run', { source, error: describe(error) }),
  });
}
