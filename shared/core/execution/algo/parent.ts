// A sliced entry's parent row, step by step: which entries are sliced, the row a parent starts
// with, what one child's fill changes, how it ends, and the child signal a scheduled slice becomes.
// Pure: the store, the scheduler and the audit are driven by AlgoControl (algo-control.ts).
import { Big, type Decimal } from '../../domain/money';
import type { AlgoTag } from '../../domain/trade';
import type { ExecutionBounds } from '../../risk/config';
import { normalizeSymbol } from '../../signal/symbols';
import type { Signal } from '../../signal/types';
import type { ProtectionSpec } from '../protection';
import { childSignalId, sliceCount, type AlgoParent, type AlgoSpec } from './types';

/**
 * The algo an entry runs with: the signal's own, else the account's TWAP when the entry's notional
 * (as the risk engine sized it) exceeds `execution.sliceAboveQuote`. A child is never sliced again.
 */
export function algoFor(
  signal: Pick<Signal, 'algo' | 'slice' | 'source' | 'order'>,
  bounds: Pick<ExecutionBounds, 'sliceAboveQuote' | 'sliceHorizonSeconds' | 'sliceIntervalSeconds'>,
  notional: Decimal,
): AlgoSpec | undefined {
  if (signal.slice || signal.source === 'algo') return undefined;
  // A funding-arb leg is followed by its one entry order (the coordinator reads
  // clientOrderIdFor(signalId, 'open')): sliced, its fills would land on children it never reads.
  if (signal.source === 'arb') return undefined;
  if (signal.algo) return signal.algo;
  // A limit entry rests at its price: the threshold slices market entries only.
  if (signal.order?.type === 'limit') return undefined;
  if (!(bounds.sliceAboveQuote > 0) || !new Big(notional).gt(bounds.sliceAboveQuote)) return undefined;
  return {
    kind: 'twap',
    horizonMs: bounds.sliceHorizonSeconds * 1000,
    intervalMs: bounds.sliceIntervalSeconds * 1000,
  };
}

export interface ParentStart {
  signal: Pick<Signal, 'signalId' | 'accountId' | 'intent' | 'strategy'> & { symbol: { unified: string } };
  spec: AlgoSpec;
  /** the whole entry as the risk engine sized it, base units (already on the amount step) */
  totalAmount: Decimal;
  leverage: number;
  protection?: ProtectionSpec;
  now: number;
}

/** The parent's first row: nothing sent yet, slice 0 due now. */
export function startParent({ signal, spec, totalAmount, leverage, protection, now }: ParentStart): AlgoParent {
  const long = signal.intent === 'enter_long';
  const parent: AlgoParent = {
    accountId: signal.accountId,
    parentId: signal.signalId,
    symbol: signal.symbol.unified,
    side: long ? 'buy' : 'sell',
    positionSide: long ? 'long' : 'short',
    kind: spec.kind,
    totalAmount,
    filledAmount: '0',
    filledNotional: '0',
    slices: sliceCount(spec),
    nextIndex: 0,
    intervalMs: spec.intervalMs,
    leverage,
    startedAt: now,
    nextDueAt: now,
    status: 'running',
    childOrderIds: [],
    updatedAt: now,
    version: 0,
  };
  if (spec.maxSlippageBps !== undefined) parent.maxSlippageBps = spec.maxSlippageBps;
  if (signal.strategy) parent.strategy = signal.strategy;
  if (protection) parent.protection = protection;
  return parent;
}

/** When child `index` is due: the schedule is fixed at the start, so a late child never delays the rest. */
export const dueAt = (parent: Pick<AlgoParent, 'startedAt' | 'intervalMs'>, index: number): number =>
  parent.startedAt + index * parent.intervalMs;

/**
 * The row after child `index` was sent and booked: its fill added, the next index and due time, and
 * completed once nothing is left to send (the last slice, or every slice sent).
 */
export function afterSlice(
  parent: AlgoParent,
  index: number,
  child: { clientOrderId: string; filled: Decimal; average?: Decimal; last: boolean },
  now: number,
): AlgoParent {
  const filled = new Big(child.filled);
  const notional = child.average !== undefined ? filled.times(child.average) : new Big(0);
  const next: AlgoParent = {
    ...parent,
    filledAmount: new Big(parent.filledAmount).plus(filled).toString(),
    filledNotional: new Big(parent.filledNotional ?? '0').plus(notional).toString(),
    nextIndex: index + 1,
    nextDueAt: dueAt(parent, index + 1),
    childOrderIds:
      child.clientOrderId === '' || parent.childOrderIds.includes(child.clientOrderId)
        ? parent.childOrderIds
        : [...parent.childOrderIds, child.clientOrderId],
    updatedAt: now,
    version: parent.version + 1,
  };
  const done = child.last || index + 1 >= parent.slices || new Big(next.filledAmount).gte(parent.totalAmount);
  if (done) next.status = 'completed';
  return next;
}

/** The row of a parent ended early: what was filled stays filled (and protected), nothing more is sent. */
export function cancelParent(parent: AlgoParent, reason: string, now: number): AlgoParent {
  return { ...parent, status: 'cancelled', reason, updatedAt: now, version: parent.version + 1 };
}

/** Fill-weighted average price of the children, exact decimal text; undefined when nothing filled. */
export function averagePrice(parent: Pick<AlgoParent, 'filledAmount' | 'filledNotional'>): Decimal | undefined {
  const filled = new Big(parent.filledAmount);
  if (filled.lte(0) || parent.filledNotional === undefined) return undefined;
  return new Big(parent.filledNotional).div(filled).round(12, Big.roundHalfUp).toString();
}

/** What the child's order and the trade it builds carry: the parent and the count so far. */
export const algoTagOf = (parent: AlgoParent, index: number): AlgoTag => ({
  parentId: parent.parentId,
  kind: parent.kind,
  slices: parent.slices,
  filledSlices: index + 1,
});

/**
 * A scheduled slice as the signal the executor runs on the account's FIFO lane: its own id (so its
 * own lease, ledger row and client order id), the parent's side and leverage; sized when it runs.
 */
export function childSignal(
  parent: Pick<AlgoParent, 'accountId' | 'parentId' | 'symbol' | 'positionSide' | 'leverage' | 'strategy'>,
  index: number,
  receivedAt: number,
): Signal {
  const signal: Signal = {
    v: 1,
    signalId: childSignalId(parent.parentId, index),
    accountId: parent.accountId,
    intent: parent.positionSide === 'long' ? 'enter_long' : 'enter_short',
    symbol: normalizeSymbol(parent.symbol),
    leverage: parent.leverage,
    receivedAt,
    source: 'algo',
    slice: { parentId: parent.parentId, index },
  };
  if (parent.strategy) signal.strategy = parent.strategy;
  return signal;
}

/**
 * The safety net's test: a running parent whose next child is overdue by more than one interval and
 * a minute (the timer lost it, or the lane was down). Re-sending is harmless: same ids.
 */
export const overdue = (parent: AlgoParent, now: number): boolean =>
  parent.status === 'running' && now > parent.nextDueAt + parent.intervalMs + 60_000;
