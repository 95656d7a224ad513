// Persistence ports. Every write that makes an operation idempotent is conditional; the adapters
// translate a lost condition into the outcomes below rather than an exception.
import type { Account, AccountStatus, EnsembleSettings } from '../domain/account';
import type { ArbPlan } from '../domain/arb-plan';
import type { AuditEvent, StoredAuditEvent } from '../domain/audit';
import type { Decimal } from '../domain/money';
import type { OrderRecord } from '../domain/order';
import type { StrategySubscription } from '../domain/strategy-subscription';
import type { BookPosition, TradeRecord } from '../domain/trade';
import type { RiskOverrides } from '../risk/config';
import type { RiskState } from '../risk/state';

export interface AccountRepository {
  /** Fails with ConditionalConflictError if the id exists. */
  create(account: Account): Promise<void>;
  get(accountId: string): Promise<Account | undefined>;
  list(): Promise<Account[]>;
  setStatus(accountId: string, status: AccountStatus, at: number): Promise<void>;
  setWebhookTokenHash(accountId: string, tokenHash: string, at: number): Promise<void>;
  /** Sets (or with undefined, clears) a trading halt after an exchange ban. */
  setHalt(accountId: string, until: number | undefined, reason: string | undefined, at: number): Promise<void>;
  /** Replaces the account's strategy subscriptions; ConditionalConflictError if the account does not exist. */
  setStrategies(accountId: string, strategies: StrategySubscription[], at: number): Promise<void>;
  /** Replaces the account's risk overrides (settings.risk); ConditionalConflictError if the account does not exist. */
  setRiskOverrides(accountId: string, overrides: RiskOverrides, at: number): Promise<void>;
  /** Sets settings.requireTime, or with undefined removes it (the stage's default applies); ConditionalConflictError if the account does not exist. */
  setRequireTime(accountId: string, requireTime: boolean | undefined, at: number): Promise<void>;
}

/**
 * The owner's rename and delete (console and CLI), apart from AccountRepository so that its many
 * stand-ins need not grow. Delete is soft: trades, orders, the audit trail and reports keep naming
 * the account; status becomes disabled (no entries), the webhook token hash is cleared (no token
 * matches it, so the webhook refuses the account's alerts with 401), strategies are dropped (the
 * runner sends nothing) and `deletedAt` marks it. Both fail with ConditionalConflictError when the
 * account does not exist.
 */
export interface AccountLifecycle {
  rename(accountId: string, name: string, at: number): Promise<void>;
  softDelete(accountId: string, at: number): Promise<void>;
}

/** The webhook's per-account switches beyond requireTime (DynamoAccountRepository implements both). */
export interface AccountWebhookSettings {
  /** Sets settings.defaultMessage, or with undefined removes it (off); ConditionalConflictError if the account does not exist. */
  setDefaultMessage(accountId: string, on: boolean | undefined, at: number): Promise<void>;
  /** Stores (or with undefined clears) alert test's one-time token hash; ConditionalConflictError if the account does not exist. */
  setAlertTest(
    accountId: string,
    test: { tokenHash: string; expiresAt: number } | undefined,
    at: number,
  ): Promise<void>;
}

/** The account's funding-arbitrage plans (docs/FUNDING.md "Live"; DynamoAccountRepository implements it). */
export interface AccountArbPlans {
  /**
   * Replaces settings.arbPlans; ConditionalConflictError if the account does not exist, or (with
   * `expectedUpdatedAt`) if it was written since it was read: the list is read, changed and written
   * whole, so a write between would otherwise be lost.
   */
  setArbPlans(accountId: string, plans: ArbPlan[], at: number, expectedUpdatedAt?: number): Promise<void>;
}

/** The account's model switches (docs/AI-ensemble.md; DynamoAccountRepository implements it). */
export interface AccountModelSettings {
  /** Replaces settings.ensemble; ConditionalConflictError if the account does not exist. */
  setEnsemble(accountId: string, ensemble: EnsembleSettings, at: number): Promise<void>;
  /** Sets settings.marketSummary, or with undefined removes it (off); ConditionalConflictError if the account does not exist. */
  setMarketSummary(accountId: string, on: boolean | undefined, at: number): Promise<void>;
}

export type SignalStatus = 'received' | 'queued' | 'executing' | 'executed' | 'rejected';

/** Webhook-side record keyed by the dedup key: stops replays for its lifetime. */
export interface DedupRecord {
  accountId: string;
  dedupKey: string;
  /** the signal id issued for this dedup key */
  signalId: string;
  /**
   * 'received' from the claim on: the claim carries the message, so no second write follows the
   * send. 'queued' only on records written before that (the send was confirmed by a second write).
   */
  status: 'received' | 'queued';
  receivedAt: number;
  /** epoch ms after which the record no longer blocks a replay (checked in code) */
  expiresAt: number;
  /**
   * The message as it goes to the queue (body and group), written with the claim itself: a queue
   * that loses it (the local stand-in on restart) or a send that failed is refilled from the table.
   */
  message?: QueuedMessage;
}

export interface QueuedMessage {
  groupId: string;
  body: string;
}

/** Executor-side record keyed by the signal id: one execution per signal. */
export interface SignalRecord {
  accountId: string;
  signalId: string;
  status: SignalStatus;
  symbol?: string;
  intent?: string;
  alertId?: string;
  strategy?: string;
  receivedAt?: number;
  leaseUntil?: number;
  outcome?: string;
  updatedAt: number;
}

/**
 * 'new': first sight; 'retry': seen but never confirmed queued (an earlier attempt failed to
 * enqueue, so the same signal id is queued again); 'duplicate': queued before and not expired.
 */
/**
 * 'new': this claim won. 'duplicate': the executor has already taken the signal (or a legacy
 * record says queued). 'retry': the record exists but nothing shows the message reached the
 * executor (the first send may have failed, or be in the queue still): send it again under the same
 * signal id and dedup id; SQS drops a repeat within its window and the executor's lease after it.
 */
export type DedupClaim = { claim: 'new' | 'retry' | 'duplicate'; signalId: string };
/**
 * 'run': the first attempt at this signal. 'resume': an earlier attempt held the lease and did not
 * finish (it may have left an order, a parent row of a sliced entry, to adopt). 'done': finished.
 * 'busy': another delivery holds the lease.
 */
export type ExecutionClaim = 'run' | 'resume' | 'done' | 'busy';

export interface SignalLedger {
  claimDedup(record: DedupRecord, now: number): Promise<DedupClaim>;
  /**
   * Executor side: take a lease on the signal; 'done' when an earlier delivery finished it, 'resume'
   * when an earlier delivery took the lease first (its record is never deleted, so 'run' proves no
   * attempt before this one).
   */
  beginExecution(seed: SignalRecord, now: number, leaseMs: number): Promise<ExecutionClaim>;
  finishExecution(
    accountId: string,
    signalId: string,
    status: 'executed' | 'rejected',
    outcome: string,
    at: number,
  ): Promise<void>;
  getSignal(accountId: string, signalId: string): Promise<SignalRecord | undefined>;
  listSignals(accountId: string, limit?: number): Promise<SignalRecord[]>;
}

export type PutIntentResult = { created: true } | { created: false; existing: OrderRecord };

export interface OrderRepository {
  /** Writes the intent unless an order with this client id exists; then returns the existing one. */
  putIntent(order: OrderRecord): Promise<PutIntentResult>;
  update(accountId: string, clientOrderId: string, patch: Partial<OrderRecord>): Promise<void>;
  get(accountId: string, clientOrderId: string): Promise<OrderRecord | undefined>;
  listByAccount(accountId: string, limit?: number): Promise<OrderRecord[]>;
}

export interface TradeRepository {
  put(trade: TradeRecord): Promise<void>;
  get(accountId: string, tradeId: string): Promise<TradeRecord | undefined>;
  listByAccount(accountId: string, limit?: number): Promise<TradeRecord[]>;
  /** Writes `trade` only if the stored one still has `expectedUpdatedAt`; ConditionalConflictError otherwise. */
  replace(trade: TradeRecord, expectedUpdatedAt: number): Promise<void>;
}

export interface PositionBook {
  get(accountId: string, symbol: string): Promise<BookPosition | undefined>;
  list(accountId: string): Promise<BookPosition[]>;
  /** Conditional on `expectedVersion` (0 = must not exist); ConditionalConflictError otherwise. */
  save(position: BookPosition, expectedVersion: number): Promise<void>;
}

export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  /** newest first, read tolerantly (readAuditEvent): a record older code wrote is returned, not failed on */
  listByAccount(accountId: string, limit?: number): Promise<StoredAuditEvent[]>;
}

/** One reading of an account's equity by the risk-check job (the equity curve of reports). */
export interface EquitySnapshot {
  accountId: string;
  at: number;
  /** wallet balance + unrealized P&L, quote currency */
  equity: Decimal;
  free: Decimal;
  unrealizedPnl: Decimal;
  openPositions: number;
  /** sum of open notionals, quote currency */
  exposure: Decimal;
  /**
   * The mark and liquidation price of each open position when the job saw them (at `at`): the
   * console's unrealized P&L without calling an exchange. Absent on snapshots written before.
   */
  marks?: PositionMark[];
}

/** One open position's prices as the risk-check job read them (paper: the paper price source). */
export interface PositionMark {
  symbol: string;
  markPrice: Decimal;
  /** absent where the exchange gives none (paper accounts, cross margin with no risk) */
  liquidationPrice?: Decimal;
}

/** The risk engine's per-account memory (kill switches, peak, day start), snapshots and job lease. */
export interface RiskStore {
  getState(accountId: string): Promise<RiskState | undefined>;
  /** Conditional on `expectedVersion` (0 = must not exist); ConditionalConflictError otherwise. */
  saveState(state: RiskState, expectedVersion: number): Promise<void>;
  putSnapshot(snapshot: EquitySnapshot): Promise<void>;
  /** snapshots with from ≤ at ≤ to, oldest first */
  listSnapshots(accountId: string, from: number, to: number): Promise<EquitySnapshot[]>;
  /** the newest snapshot at or before `at` (one read: the console's balance and marks) */
  latestSnapshot(accountId: string, at: number): Promise<EquitySnapshot | undefined>;
  /** true when `owner` now holds the account's lease until `until` (free, expired, or already its own) */
  acquireLease(accountId: string, owner: string, until: number, now: number): Promise<boolean>;
  releaseLease(accountId: string, owner: string): Promise<void>;
}

/** What became of one webhook call for a known account (the console's alert log). */
export type AlertOutcome = 'accepted' | 'duplicate' | 'refused';

/**
 * One webhook call for a known account, accepted or refused. Refused calls are kept so "my alert
 * fired and nothing happened" has an answer (TradingView does not show response bodies). The body
 * is never stored whole: it may hold the token; `action`/`symbol` are what the parser read.
 */
export interface AlertRecord {
  accountId: string;
  /** `<receivedAt, 13 digits>#<requestId>`: time order within the account */
  alertKey: string;
  receivedAt: number;
  requestId: string;
  outcome: AlertOutcome;
  /** the HTTP status the webhook answered */
  httpStatus: number;
  /** refused: the error code (e.g. invalid_signal, stale_signal, unauthorized) */
  code?: string;
  /** refused: the field at fault and the message naming the bound */
  field?: string;
  reason?: string;
  /** accepted/duplicate: the signal it became (its fate is in the signal ledger) */
  signalId?: string;
  action?: string;
  symbol?: string;
  /** 'json' | 'text' | 'tradingview-default' (the message format the parser recognised) */
  format?: string;
  sourceIp?: string;
}

export interface AlertLogPage {
  items: AlertRecord[];
  /** pass back as `cursor` for the next (older) page; absent on the last page */
  nextCursor?: string;
}

export interface AlertLog {
  /** one write per call; never throws into the webhook's answer (the adapter logs and swallows) */
  record(alert: AlertRecord): Promise<void>;
  /** newest first, receivedAt within [from, to]; limit 1..1000 (more throws InvalidArgumentError) */
  list(accountId: string, query: { from?: number; to?: number; limit: number; cursor?: string }): Promise<AlertLogPage>;
}
