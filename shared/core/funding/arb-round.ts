// The state of one funding-arbitrage round as the coordinator stores it: the pair (leg-balance's
// state machine) and an outbox of every signal the round sends. A signal is written into the
// outbox, with its deterministic id, in the same conditional write that decides it; only then is it
// enqueued. A crash between the two leaves an unqueued entry that the next run sends under the same
// id, and the signal ledger's dedup record turns a second send into nothing.
import type { AuditEvent } from '../domain/audit';
import type { Decimal } from '../domain/money';
import type { Intent } from '../signal/types';
import type { ArbSide } from './arbitrage-decision';
import type { LegId, PairState } from './leg-balance';

export type ArbOrderKind = 'entry' | 'reduce' | 'cancel' | 'exit';

export interface ArbOrder {
  /** arb:<planId>:<round>:<leg>[:r<n>|:c|:x<n>] */
  signalId: string;
  leg: LegId;
  accountId: string;
  kind: ArbOrderKind;
  intent: Intent;
  /** base amount (entry, reduce) */
  amount?: Decimal;
  /** cancel: the entry order to cancel */
  clientOrderId?: string;
  /** reduce: why (leg-balance's reason) */
  reason?: 'balance' | 'unwind';
  /** when it was decided: the signal's receivedAt, so a late resend is the same signal (and an entry expires) */
  createdAt: number;
  queued: boolean;
}

export type ArbRoundStatus = 'open' | 'exiting' | 'ended';

export interface ArbRound {
  /** the plan's perp account: the row's partition */
  accountId: string;
  planId: string;
  round: number;
  symbol: string;
  perpAccountId: string;
  otherAccountId: string;
  side: ArbSide;
  /** base amount of each leg's entry */
  amount: Decimal;
  enteredAt: number;
  horizonMs: number;
  /** each entry's catastrophe stop, percent (the plan's at entry: a resend carries the same stop) */
  stopPct: number;
  status: ArbRoundStatus;
  pair: PairState;
  outbox: ArbOrder[];
  /**
   * The decision's audit events, written with it and appended before its sends; removed with the
   * queued mark. At least once: a crash between the append and that write appends them again,
   * where appending after the decision's write alone could lose them.
   */
  pendingAudit?: AuditEvent[];
  exitReason?: string;
  /** exit attempts so far (a close the exchange refused is sent again under the next id) */
  exitAttempts: number;
  endedAt?: number;
  /**
   * `arb remove` fenced the plan off at this time (epoch ms, the CLI's clock, as the plan's
   * createdAt): a plan created at or before it is a copy a run read before the removal and never
   * enters. A plan added again later under the same id is newer and may.
   */
  removedAt?: number;
  /** optimistic lock: 0 = never written */
  version: number;
  updatedAt: number;
}

export const legSignalId = (planId: string, round: number, leg: LegId, suffix?: string): string =>
  `arb:${planId}:${round}:${leg}${suffix ? `:${suffix}` : ''}`;
