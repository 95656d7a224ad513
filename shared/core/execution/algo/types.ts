// Execution algorithms: an entry sent as several child orders over time (TWAP, or adaptive slices
// sized from the order book) instead of one order. The contract between the signal, the executor,
// the parent's store, the durable slice scheduler and the backtest. docs/EXECUTION-ALGOS.md.
//
// The parent is the entry signal: the risk engine sizes the whole entry once, the parent keeps the
// total, each slice is a child signal on the same FIFO lane (account#SYMBOL), so a close or a flatten
// queued behind a slice is executed in order and cancels the slices still to come. Every child has a
// deterministic signal id (`childSignalId`) and so a deterministic client order id: a redelivered or
// rescheduled slice adopts its order instead of sending a second one.
import type { Decimal } from '../../domain/money';
import type { OrderSide } from '../../domain/order';
import type { PositionSide } from '../../domain/trade';
import type { ProtectionSpec } from '../protection';

export type { AlgoKind, AlgoSpec, SliceRef } from '../../signal/algo';
export { ALGO_BOUNDS, childSignalId, sliceCount } from '../../signal/algo';
import type { AlgoKind, SliceRef } from '../../signal/algo';

export type AlgoStatus = 'running' | 'completed' | 'cancelled';

/** The parent's durable state: one row per sliced entry. */
export interface AlgoParent {
  accountId: string;
  /** the entry signal's id */
  parentId: string;
  symbol: string;
  side: OrderSide;
  positionSide: PositionSide;
  kind: AlgoKind;
  /** the whole entry, base units, rounded down to the market's amount step */
  totalAmount: Decimal;
  /** what the children filled so far */
  filledAmount: Decimal;
  /** Σ filled × average price of the children, quote currency: the parent's average price (added by twap-exec) */
  filledNotional?: Decimal;
  slices: number;
  /** the next child to send */
  nextIndex: number;
  intervalMs: number;
  maxSlippageBps?: number;
  leverage: number;
  /** the entry signal's strategy: its children's orders and trade carry it (added by twap-exec) */
  strategy?: string;
  /** the protection the entry asked for, armed on the filled amount and resized as it grows */
  protection?: ProtectionSpec;
  startedAt: number;
  /** when the next child is due (the safety net re-sends a child overdue by more than an interval) */
  nextDueAt: number;
  status: AlgoStatus;
  /** why it ended early (a close, a flatten, a refusal of the risk engine) */
  reason?: string;
  /** client order ids of the children sent, in order */
  childOrderIds: string[];
  updatedAt: number;
  /** optimistic concurrency: every write is conditional on the version read */
  version: number;
}

export interface AlgoParentStore {
  get(accountId: string, parentId: string): Promise<AlgoParent | undefined>;
  /** false when a parent with this id already exists (a redelivery) */
  create(parent: AlgoParent): Promise<boolean>;
  /** false when the stored version is no longer `expectedVersion` (someone else wrote first) */
  update(parent: AlgoParent, expectedVersion: number): Promise<boolean>;
  /** running parents of one account and symbol (a close cancels them) */
  running(accountId: string, symbol?: string): Promise<AlgoParent[]>;
}

/** Schedules a child signal durably (not a sleeping function): delivered on the FIFO lane at `dueAt`. */
export interface SliceScheduler {
  schedule(child: SliceMessage, dueAt: number): Promise<void>;
}

/** What is scheduled: enough to rebuild the child signal from its parent's row. */
export interface SliceMessage {
  accountId: string;
  /** the account#SYMBOL lane, as the webhook's messages */
  symbol: string;
  slice: SliceRef;
}
