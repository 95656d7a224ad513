// Everything the executor and the paper-trigger job need, built once per container.
import { KMSClient } from '@aws-sdk/client-kms';
import { CcxtCandleSource } from '../adapters/candles/ccxt-candle-source';
import { ReplayCandleSource } from '../adapters/candles/replay-candle-source';
import { RoutingExchangeFactory } from '../adapters/exchange/exchange-factory';
import { liveExchangeBuilder } from '../adapters/exchange/live-exchanges';
import { KmsKeyVault } from '../adapters/keyvault/kms-key-vault';
import { LocalKeyVault } from '../adapters/keyvault/local-key-vault';
import { StaticMarketCatalog } from '../adapters/paper/markets';
import type { CandleSource } from '../core/ports/candles';
import type { PriceSource } from '../core/ports/paper';
import { ReplayPriceSource } from '../adapters/prices/replay-price-source';
import { DEFAULT_RISK_CONFIG } from '../core/risk/config';
import { RiskEngine } from '../core/risk/engine';
import { CorrelationCache } from '../core/risk/stats';
import type { MarketStatsSource } from '../core/execution';
import { CachedMarketStats } from '../core/risk/stats-source';
import { CachedRegimes } from '../core/risk/regime-source';
import { EntryRisk } from '../core/execution/entry-risk';
import { systemClock, type Clock, type KeyVault } from '../core/ports/runtime';
import { AuditHold } from '../core/execution/audit-hold';
import { BookKeeper } from '../core/execution/book-keeper';
import { ExecuteSignal } from '../core/execution/execute-signal';
import { OrderSender } from '../core/execution/order-sender';
import { ProtectionManager } from '../core/execution/protection';
import { SettlePaperTriggers } from '../core/execution/settle-paper-triggers';
import type { ExecutorEnv, TradingEnv } from '../platform/config';
import { terminalStorageError } from '../platform/terminal-errors';
import { buildPriceSource, paperExchangeFactory, type PaperExchangeFor } from './paper';
import { buildRepositories, dynamoClient, type Repositories } from './repositories';
import { ConfigError } from '../core/errors';
import { DynamoUsageMeter } from '../adapters/dynamodb/usage-meter';
import { tableName } from '../platform/resource-names';
import type { EnsembleEnv } from '../platform/ensemble-config';
import type { AdvisorFor, LlmEnv } from './no-providers';
import { deferredEntryGate } from './entry-gate';
import { dynamoTokenBudget } from './token-budget';
import { buildAlgoControl } from './algo';

export interface TradingRuntime {
  repos: Repositories;
  book: BookKeeper;
  paperExchange: PaperExchangeFor;
  prices: PriceSource;
  clock: Clock;
}

export function buildTradingRuntime(env: TradingEnv, clock: Clock = systemClock, prices?: PriceSource): TradingRuntime {
  const repos = buildRepositories(
    dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
    env.STAGE,
  );
  const markets = new StaticMarketCatalog();
  const priceSource = prices ?? buildPriceSource(env, clock, markets);
  const book = new BookKeeper({
    positions: repos.positions,
    trades: repos.trades,
    orders: repos.orders,
    audit: repos.audit,
    clock,
  });
  return {
    repos,
    book,
    paperExchange: paperExchangeFactory(repos.paper, priceSource, markets, clock),
    prices: priceSource,
    clock,
  };
}

/** Daily candles for the risk statistics: the replay the paper exchange fills from, or an exchange's public API. */
function riskCandleSource(env: ExecutorEnv, prices: PriceSource): CandleSource {
  if (env.RISK_CANDLE_SOURCE === 'replay' && prices instanceof ReplayPriceSource) return new ReplayCandleSource(prices);
  if (env.RISK_CANDLE_SOURCE === 'exchange') {
    return CcxtCandleSource.create(env.RISK_CANDLE_EXCHANGE, {
      timeoutMs: env.EXCHANGE_TIMEOUT_MS,
      ...(env.EXCHANGE_API_URL ? { apiUrl: env.EXCHANGE_API_URL } : {}),
    });
  }
  // No market data: the checks that need it are skipped and say so in the audit; ATR sizing refuses.
  return { closedCandles: () => Promise.reject(new ConfigError('no risk candle source')), spanMs: () => 86_400_000 };
}

/** Market statistics and correlations are cached per container: built once, shared by every signal. */
export function buildMarketStats(
  env: ExecutorEnv,
  runtime: TradingRuntime,
  candles: CandleSource = riskCandleSource(env, runtime.prices),
): MarketStatsSource {
  return CachedMarketStats.forConfig(candles, DEFAULT_RISK_CONFIG, env.RISK_STATS_TTL_MS);
}

/** Regimes for the per-regime limits, from the same candle source, cached per container like the statistics. */
function buildRegimes(env: ExecutorEnv, candles: CandleSource): CachedRegimes {
  return new CachedRegimes({ candles, ttlMs: env.RISK_STATS_TTL_MS });
}

export function buildEntryRisk(env: ExecutorEnv, runtime: TradingRuntime, stats?: MarketStatsSource): EntryRisk {
  const { repos, clock } = runtime;
  // One candle source (one ccxt instance, one market load) for the statistics and the regimes.
  const candles = riskCandleSource(env, runtime.prices);
  return new EntryRisk({
    positions: repos.positions,
    trades: repos.trades,
    risk: repos.risk,
    stats: stats ?? buildMarketStats(env, runtime, candles),
    regimes: buildRegimes(env, candles),
    correlations: new CorrelationCache(),
    engine: new RiskEngine(),
    audit: repos.audit,
    clock,
    marketSpeed: env.RISK_MARKET_SPEED,
  });
}

export function buildKeyVault(env: ExecutorEnv): KeyVault {
  if (env.KEY_VAULT === 'kms')
    return new KmsKeyVault(new KMSClient({ region: env.AWS_REGION }), env.KMS_KEY_ID as string);
  return LocalKeyVault.open(env.LOCAL_KEY_FILE as string);
}

/** Order placement and the protective orders built on it: the executor and the risk-check job share the wiring. */
export function buildOrderPlacement(runtime: TradingRuntime): { sender: OrderSender; protection: ProtectionManager } {
  const { repos, clock } = runtime;
  const sender = new OrderSender({ orders: repos.orders, audit: repos.audit, clock });
  return {
    sender,
    protection: new ProtectionManager({ sender, book: runtime.book, orders: repos.orders, audit: repos.audit, clock }),
  };
}

export function buildExecuteSignal(
  env: ExecutorEnv,
  runtime: TradingRuntime,
  vault: KeyVault = buildKeyVault(env),
  /**
   * the ensemble filter (docs/AI-ensemble.md): absent or no models listed, no gate. Models listed:
   * one real Advisor per model from the stage's LLM_* settings (`llm`); `advisorFor` replaces them in tests.
   */
  options: { ensemble?: EnsembleEnv; llm?: LlmEnv; advisorFor?: AdvisorFor } = {},
): ExecuteSignal {
  const { repos, clock } = runtime;
  // One candle source (one ccxt instance, one market load) for the statistics, the regimes and the
  // ensemble's indicator context.
  const candles = riskCandleSource(env, runtime.prices);
  // Its vote is written at once (it comes before any order), not held with the signal's events.
  // Its models are built on the first entry it is asked about (entry-gate.ts: not at every cold start).
  const entryGate = options.ensemble
    ? deferredEntryGate(options.ensemble, options, {
        candles,
        audit: repos.audit,
        clock,
        budget: () =>
          dynamoTokenBudget(
            dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
            env.STAGE,
          ),
      })
    : undefined;
  // One audit log for every part of the execution, able to hold a signal's events until its
  // fill is protected (execute-signal.ts, "PROTECTION FIRST").
  const audit = new AuditHold(repos.audit);
  const book = new BookKeeper({ positions: repos.positions, trades: repos.trades, orders: repos.orders, audit, clock });
  const sender = new OrderSender({ orders: repos.orders, audit, clock });
  const algo = buildAlgoControl(env, audit, clock);
  const risk = new EntryRisk({
    positions: repos.positions,
    trades: repos.trades,
    risk: repos.risk,
    stats: buildMarketStats(env, runtime, candles),
    regimes: buildRegimes(env, candles),
    correlations: new CorrelationCache(),
    engine: new RiskEngine(),
    audit,
    clock,
    marketSpeed: env.RISK_MARKET_SPEED,
  });
  return new ExecuteSignal({
    accounts: repos.accounts,
    ledger: repos.signals,
    audit,
    vault,
    exchanges: buildExchangeFactory(env, runtime),
    sender,
    book,
    protection: new ProtectionManager({ sender, book, orders: repos.orders, audit, clock }),
    risk,
    clock,
    leaseMs: env.SIGNAL_LEASE_MS,
    terminal: terminalStorageError,
    ...(env.SLIPPAGE_MAX_BPS > 0
      ? { slippage: { maxBps: env.SLIPPAGE_MAX_BPS, onExceed: env.SLIPPAGE_ON_EXCEED } }
      : {}),
    auditHold: audit,
    orders: repos.orders,
    ...(entryGate ? { entryGate } : {}),
    ...(algo ? { algo } : {}),
  });
}

/**
 * Paper accounts on the paper exchange; every live exchange through the ccxt adapter. `sleep` waits
 * out a Retry-After (default setTimeout; tests record it instead).
 */
export function buildExchangeFactory(
  env: ExecutorEnv,
  runtime: TradingRuntime,
  options: { sleep?: (ms: number) => Promise<void> } = {},
): RoutingExchangeFactory {
  const live = liveExchangeBuilder({
    clock: runtime.clock,
    timeoutMs: env.EXCHANGE_TIMEOUT_MS,
    marketsTtlMs: env.MARKETS_TTL_MS,
    maxRetryAfterMs: env.MAX_RETRY_AFTER_MS,
    testnetOnly: env.EXCHANGE_TESTNET === 'true',
    ...(env.EXCHANGE_API_URL ? { apiUrl: env.EXCHANGE_API_URL } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  return new RoutingExchangeFactory({
    paper: runtime.paperExchange,
    binanceusdm: live,
    okx: live,
    bybit: live,
    bitget: live,
    upbit: live,
  });
}

export function buildSettlePaperTriggers(runtime: TradingRuntime): SettlePaperTriggers {
  const { repos, clock } = runtime;
  return new SettlePaperTriggers({
    accounts: repos.accounts,
    triggersFor: runtime.paperExchange,
    orders: repos.orders,
    book: runtime.book,
    audit: repos.audit,
    clock,
  });
}

/** The tenants' usage counters the executor adds to once a signal's outcome is recorded (a write, no read). */
export function buildUsageMeter(env: ExecutorEnv): DynamoUsageMeter {
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  return new DynamoUsageMeter(db, tableName(env.STAGE, 'tenants'));
}
