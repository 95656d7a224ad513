// What the signal path needs from the outside: the account's token hash and status, the dedup
// side of the signal ledger, the FIFO queue and the clock. Files in signal/ import ports from
// here only; the adapters satisfy these structurally through the shared contracts in ../ports/.
import type { Account } from '../domain/account';
import type { AlertLog, AlertRecord, SignalLedger } from '../ports/repositories';

export type { AlertRecord };
// alert test (alert-test.ts) reads what became of its alert and audits its one-time token
export type { AlertLog, AuditLog, OrderRepository, SignalLedger, SignalRecord } from '../ports/repositories';

export type { Clock, SignalQueue } from '../ports/runtime';

/** What authentication needs of an account; the adapter may cache it briefly. */
export interface AccountLookup {
  get(
    accountId: string,
  ): Promise<Pick<Account, 'accountId' | 'webhookTokenHash' | 'status' | 'settings' | 'alertTest'> | undefined>;
  /**
   * Read again past the cache after a token did not match (a token rotated or an alert test's
   * token stored a moment ago); the adapter bounds how often, so wrong tokens cannot flood the table.
   */
  refresh?(
    accountId: string,
  ): Promise<Pick<Account, 'accountId' | 'webhookTokenHash' | 'status' | 'settings' | 'alertTest'> | undefined>;
}

/** The webhook's side of the alert log: one record per call for a known account. */
export type AlertRecorder = Pick<AlertLog, 'record'>;

/** The webhook side of the signal ledger: claim the dedup record (it carries the message). */
export type DedupLedger = Pick<SignalLedger, 'claimDedup'>;
