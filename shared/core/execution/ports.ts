// What execution needs from the outside, and nothing more: the order half of the exchange (plus
// the account's fills, the order sender's proof before a resend), the few repositories it writes,
// the key vault, the clock, and the risk statistics. Files in execution/ import ports from here
// only; the adapters satisfy these structurally through the shared contracts in ../ports/.
import type { Account } from '../domain/account';
import type { ErrorDetails } from '../domain/audit';
import type { Signal } from '../signal/types';
import type { AccountReconciliation, ExchangeOrder, OrderExecution } from '../ports/exchange';
import type {
  AccountRepository,
  AuditLog,
  OrderRepository,
  PositionBook,
  SignalLedger,
  TradeRepository,
} from '../ports/repositories';
import type { MarketStats } from '../risk/stats';
import type { RegimeView } from '../risk/types';
import type { RegimeReader } from '../ports/regimes';

export type {
  AccountReconciliation,
  ExchangeOrder,
  ExchangePort,
  ExchangePosition,
  MarketFillModel,
  MarketInfo,
  OrderExecution,
  OrderLookup,
  OrderRequest,
} from '../ports/exchange';
export { DuplicateClientOrderIdError, ExchangeBannedError, RateLimitedError } from '../ports/exchange';
export type {
  AccountRepository,
  AuditLog,
  OrderRepository,
  PositionBook,
  RiskStore,
  SignalLedger,
  TradeRepository,
} from '../ports/repositories';
export type { Clock, ExchangeFactory, KeyVault } from '../ports/runtime';

/** What sending needs: the order calls, and the account's fills as proof before a resend. */
export type SendingExchange = OrderExecution & Pick<AccountReconciliation, 'fetchMyTrades'>;

/** The audit trail as execution uses it: it only ever appends. */
export type AuditAppender = Pick<AuditLog, 'append'>;

/** The order records the sender and the protection keep: the intent, its outcome, a look-up. */
export type OrderRecords = Pick<OrderRepository, 'putIntent' | 'update' | 'get'>;

/** The book as the BookKeeper writes it: positions read and saved, trades read and written. */
export type PositionWrites = Pick<PositionBook, 'get' | 'save'>;
export type TradeWrites = Pick<TradeRepository, 'get' | 'put'>;

/** The account reads and the halt an exchange ban sets, all the executor does with accounts. */
export type AccountReads = Pick<AccountRepository, 'get' | 'setHalt'>;

/** The executor's side of the signal ledger: lease, finish, read. */
export type ExecutionLedger = Pick<SignalLedger, 'beginExecution' | 'finishExecution' | 'getSignal'>;

/** Daily statistics per symbol for the risk checks (implemented by risk/stats-source.ts's CachedMarketStats). */
export interface MarketStatsSource {
  /** cached statistics, fetching them when stale; undefined when the market data is unavailable */
  get(symbol: string, now: number): Promise<MarketStats | undefined>;
  /** what is cached now, without fetching (the engine's synchronous lookup) */
  peek(symbol: string): MarketStats | undefined;
}

/** A symbol's market regime for the per-regime limits (risk/regime-source.ts CachedRegimes implements it). */
export interface RegimeSource extends RegimeReader {
  /** what is cached now, without reading (the engine's synchronous lookup) */
  peek(symbol: string): RegimeView | undefined;
}

/** A paper account's resting stops and targets (the paper exchange): the paper-tick job's port. */
export interface TriggerSource {
  /** Checks resting orders (of `symbol` only, when given) against current prices; returns the orders it filled. */
  processPrice(symbol?: string): Promise<ExchangeOrder[]>;
}

/**
 * Conditional orders already read from the exchange in this run (client id → order, or undefined
 * when the exchange has none), so a second step of the same run does not ask again: each look-up
 * costs a request and rate-limit weight.
 */
export type OrderReads = Map<string, ExchangeOrder | undefined>;

/**
 * What an entry gate answers: go on (`note`: what it decided, kept in the signal's outcome), or
 * hold the entry back with the code and reason it is rejected with.
 */
export type EntryVerdict =
  { proceed: true; note?: string } | { proceed: false; code: string; reason: string; details?: ErrorDetails };

/**
 * A filter in front of new exposure (the ensemble vote, docs/AI-ensemble.md). Asked for entries
 * only, never for a close, a reduce, a flatten or a protective order; it can hold an entry back
 * but never change one. Answers within its own bounded time; a thrown DomainError says itself
 * whether a retry helps.
 */
export interface EntryGate {
  check(signal: Signal, account: Account): Promise<EntryVerdict>;
}
