// Builders shared by the risk unit tests (test/unit/core/risk, and the entry-risk, account-control
// and risk-report use cases): the BTC perpetual, trades, book positions, accounts, risk contexts and
// the in-memory tables. Plain data with the defaults named in each doc comment; every figure a test
// computes with is either one of those defaults or passed in by the test.
import { DEFAULT_ACCOUNT_SETTINGS, type Account, type AccountSettings } from '../../../../shared/core/domain/account';
import type { BookPosition, PositionSide, TradeRecord } from '../../../../shared/core/domain/trade';
import type { MarketInfo } from '../../../../shared/core/ports/exchange';
import { resolveRiskConfig, type RiskOverrides } from '../../../../shared/core/risk/config';
import { CorrelationCache, type MarketStats } from '../../../../shared/core/risk/stats';
import type { OpenExposure, RiskContext } from '../../../../shared/core/risk/types';
import { ManualClock, T0 } from '../fakes';
import { MemoryAudit, MemoryPositions, MemoryRiskStore, MemoryTrades } from '../memory-repos';

export const MINUTE = 60_000;
export const DAY = 86_400_000;
export const BTC = 'BTC/USDT:USDT';
export const ETH = 'ETH/USDT:USDT';
export const SOL = 'SOL/USDT:USDT';

/** The BTC linear perpetual: contract size 1, amount step and minimum 0.001, price step 0.1, minimum notional 5, 125x. */
export const BTC_PERP: MarketInfo = {
  symbol: BTC,
  base: 'BTC',
  quote: 'USDT',
  settle: 'USDT',
  contractSize: '1',
  amountStep: '0.001',
  priceStep: '0.1',
  minAmount: '0.001',
  minNotional: '5',
  maxLeverage: 125,
};

let tradeSeq = 0;

/**
 * A closed trade of acc-1: a 5x long of 1 BTC entered at 100 (notional 100), opened ten minutes
 * before `closedAt`, no fees or funding, with trade and signal ids numbered in creation order.
 * `extra` replaces any field.
 */
export function closedBtcTrade(realizedPnl: number, closedAt: number, extra: Partial<TradeRecord> = {}): TradeRecord {
  tradeSeq += 1;
  return {
    accountId: 'acc-1',
    tradeId: `t${tradeSeq}`,
    symbol: BTC,
    side: 'long',
    status: 'closed',
    leverage: 5,
    quantity: '0',
    maxQuantity: '1',
    entryPrice: '100',
    exitedQuantity: '1',
    openedAt: closedAt - 10 * MINUTE,
    closedAt,
    fees: '0',
    funding: '0',
    realizedPnl: String(realizedPnl),
    openSignalId: `s${tradeSeq}`,
    updatedAt: closedAt,
    ...extra,
  };
}

/**
 * A closed 1x long on BTC of account `acc` that returned `r` on its notional entryPrice ×
 * maxQuantity (100 × 1 unless `overrides` says otherwise), closed on day `day` after T0 and
 * opened a second before; its trade id is `t<day>`. `overrides` replaces any field.
 */
export function tradeReturning(r: number, day: number, overrides: Partial<TradeRecord> = {}): TradeRecord {
  const entryPrice = overrides.entryPrice ?? '100';
  const maxQuantity = overrides.maxQuantity ?? '1';
  const closedAt = T0 + day * DAY;
  return closedBtcTrade(r * Number(entryPrice) * Number(maxQuantity), closedAt, {
    accountId: 'acc',
    tradeId: `t${day}`,
    leverage: 1,
    maxQuantity,
    entryPrice,
    exitedQuantity: maxQuantity,
    openedAt: closedAt - 1000,
    openSignalId: 's',
    ...overrides,
  });
}

/** acc-1's book row for `symbol` at 5x, version 1, updated at T0; flat (no side, no trade) when `side` is undefined. */
export function bookPosition(
  symbol: string,
  side: PositionSide | undefined,
  quantity: string,
  entryPrice = '100',
): BookPosition {
  return {
    accountId: 'acc-1',
    symbol,
    ...(side ? { side, tradeId: `trade-${symbol}` } : {}),
    quantity,
    entryPrice,
    leverage: 5,
    updatedAt: T0,
    appliedOrderIds: [],
    version: 1,
  };
}

/** acc-1: an active paper account named main with the default settings, created and updated at T0. `over` replaces any field. */
export function accountRecord(over: Partial<Account> = {}): Account {
  return {
    accountId: 'acc-1',
    name: 'main',
    exchange: 'paper',
    testnet: false,
    status: 'active',
    webhookTokenHash: 'x',
    settings: { ...DEFAULT_ACCOUNT_SETTINGS },
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

/** The account of accountRecord with `settings` over the default settings. */
export function accountWithSettings(settings: Partial<AccountSettings> = {}, over: Partial<Account> = {}): Account {
  return accountRecord({ ...over, settings: { ...DEFAULT_ACCOUNT_SETTINGS, ...settings } });
}

export interface RiskContextSetup {
  overrides?: RiskOverrides;
  accountMaxLeverage?: number;
  equity?: string;
  market?: Partial<MarketInfo>;
  open?: OpenExposure[];
  stats?: MarketStats[];
  now: number;
}

/**
 * What the risk checks see: the configuration resolved from `overrides`, an account leverage cap of
 * 20, equity 10 000, BTC_PERP with the `market` changes, nothing open, daily statistics for the
 * symbols in `stats` only (none by default) and an empty correlation cache.
 */
export function riskContext(setup: RiskContextSetup): RiskContext {
  const stats = new Map((setup.stats ?? []).map((s) => [s.symbol, s]));
  return {
    config: resolveRiskConfig(setup.overrides ?? {}),
    accountMaxLeverage: setup.accountMaxLeverage ?? 20,
    equity: setup.equity ?? '10000',
    market: { ...BTC_PERP, ...setup.market },
    open: setup.open ?? [],
    stats: (symbol) => stats.get(symbol),
    correlations: new CorrelationCache(),
    now: setup.now,
  };
}

/** Empty in-memory positions, trades, risk state and audit log, and a manual clock at T0. */
export function memoryRiskTables() {
  return {
    positions: new MemoryPositions(),
    trades: new MemoryTrades(),
    risk: new MemoryRiskStore(),
    audit: new MemoryAudit(),
    clock: new ManualClock(T0),
  };
}

/** `value`, frozen all the way down (a mutation anywhere in it throws in strict mode). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The error of class `type` that `promise` rejects with; any other error is rethrown, and a fulfilled promise is an error. */
export async function rejectionOf<E extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a rejection with ${type.name}`);
}
