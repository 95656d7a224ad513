// What the strategy runner needs from the outside: closed candles, the accounts and their book
// positions, the dedup side of the signal ledger and the FIFO queue (a strategy's signal goes the
// webhook's way), the audit trail and the clock. Files in strategies/ import ports from here only.
import type { SignalLedger } from '../ports/repositories';

export type { CandleSource } from '../ports/candles';
export type { AccountRepository, AuditLog, PositionBook } from '../ports/repositories';
export type { Clock, SignalQueue } from '../ports/runtime';

/** The runner's side of the signal ledger: claim the dedup record (it carries the message). */
export type DedupLedger = Pick<SignalLedger, 'claimDedup'>;
