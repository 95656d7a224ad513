// Persistence ports. Every write that makes an operation idempotent is conditional; the adapters
// translate a lost condition into the outcomes below rather than an exception.
import type { Account, AccountStatus } from '../domain/account';
import type { AuditEvent } from '../domain/audit';
import type { OrderRecord } from '../domain/order';
import type { BookPosition, TradeRecord } from '../domain/trade';

export interface AccountRepository {
  /** Fails with ConditionalConflictError if the id exists. */
  create(account: Account): Promise<void>;
  get(accountId: string): Promise<Account | undefined>;
  list(): Promise<Account[]>;
  setStatus(accountId: string, status: AccountStatus, at: number): Promise<void>;
}

export type SignalStatus = 'received' | 'queued' | 'executing' | 'executed' | 'rejected';

export interface SignalRecord {
  accountId: string;
  signalId: string;
  status: SignalStatus;
  receivedAt: number;
  /** epoch ms after which the record no longer blocks a replay (checked in code) */
  expiresAt: number;
  symbol?: string;
  intent?: string;
  alertId?: string;
  leaseUntil?: number;
  outcome?: string;
  updatedAt: number;
}

export type DedupClaim = 'new' | 'retry' | 'duplicate';
export type ExecutionClaim = 'run' | 'done' | 'busy';

export interface SignalLedger {
  /**
   * Webhook side. 'new': first sight; 'retry': seen but never confirmed queued (an earlier attempt
   * failed to enqueue); 'duplicate': already queued or executed and not expired.
   */
  claimForQueue(record: SignalRecord): Promise<DedupClaim>;
  markQueued(accountId: string, signalId: string, at: number): Promise<void>;
  /** Executor side: take a lease; 'done' when an earlier delivery finished it. */
  beginExecution(accountId: string, signalId: string, now: number, leaseMs: number, seed: Partial<SignalRecord>): Promise<ExecutionClaim>;
  finishExecution(accountId: string, signalId: string, status: 'executed' | 'rejected', outcome: string, at: number): Promise<void>;
  get(accountId: string, signalId: string): Promise<SignalRecord | undefined>;
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
}

export interface PositionBook {
  get(accountId: string, symbol: string): Promise<BookPosition | undefined>;
  list(accountId: string): Promise<BookPosition[]>;
  /** Conditional on `expectedVersion` (0 = must not exist); ConditionalConflictError otherwise. */
  save(position: BookPosition, expectedVersion: number): Promise<void>;
  remove(accountId: string, symbol: string, expectedVersion: number): Promise<void>;
}

export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  listByAccount(accountId: string, limit?: number): Promise<AuditEvent[]>;
}
