// In-memory stand-ins for the core ports, with the semantics the ports document
// (shared/core/ports/repositories.ts, runtime.ts). Every method is a jest.fn so calls can be asserted.
import { createHash } from 'node:crypto';
import { DEFAULT_ACCOUNT_SETTINGS, type Account } from '../../../shared/core/domain/account';
import { TransientError } from '../../../shared/core/errors';
import type {
  DedupClaim,
  DedupRecord,
  ExecutionClaim,
  SignalLedger,
  SignalRecord,
} from '../../../shared/core/ports/repositories';
import type { Clock, SignalQueue } from '../../../shared/core/ports/runtime';
import type { Signal } from '../../../shared/core/signal/types';
import type { AccountLookup } from '../../../shared/core/signal/ports';

/** 2023-11-14T22:13:20.000Z */
export const T0 = 1_700_000_000_000;

export class ManualClock implements Clock {
  constructor(public t: number = T0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export type AccountSummary = Pick<Account, 'accountId' | 'webhookTokenHash' | 'status' | 'settings'>;

/** sha256 hex, computed here rather than with the code under test. */
export const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');

export function accountSummary(
  accountId: string,
  token: string,
  overrides: Partial<AccountSummary> = {},
): AccountSummary {
  return {
    accountId,
    webhookTokenHash: sha256hex(token),
    status: 'active',
    settings: { ...DEFAULT_ACCOUNT_SETTINGS },
    ...overrides,
  };
}

export class MemoryAccountLookup implements AccountLookup {
  private readonly accounts = new Map<string, AccountSummary>();
  constructor(accounts: AccountSummary[] = []) {
    for (const a of accounts) this.accounts.set(a.accountId, a);
  }
  readonly get = jest.fn(async (accountId: string): Promise<AccountSummary | undefined> =>
    this.accounts.get(accountId),
  );
}

/**
 * Dedup records as the DynamoDB ledger keeps them: a claim wins when no record exists or the
 * stored one has expired (expiresAt < now); otherwise 'duplicate' once the executor has taken the
 * signal (its execution record exists) or a legacy record says 'queued', else 'retry'. The stored
 * signal id is always returned.
 */
export class MemorySignalLedger implements SignalLedger {
  readonly dedup = new Map<string, DedupRecord>();
  readonly signals = new Map<string, SignalRecord>();

  private static key = (accountId: string, k: string): string => `${accountId}|${k}`;

  readonly claimDedup = jest.fn(async (record: DedupRecord, now: number): Promise<DedupClaim> => {
    const key = MemorySignalLedger.key(record.accountId, record.dedupKey);
    const existing = this.dedup.get(key);
    if (!existing || existing.expiresAt < now) {
      this.dedup.set(key, { ...record });
      return { claim: 'new', signalId: record.signalId };
    }
    const taken =
      existing.status !== 'received' || this.signals.has(MemorySignalLedger.key(record.accountId, existing.signalId));
    return { claim: taken ? 'duplicate' : 'retry', signalId: existing.signalId };
  });

  readonly beginExecution = jest.fn(
    async (seed: SignalRecord, now: number, leaseMs: number): Promise<ExecutionClaim> => {
      const key = MemorySignalLedger.key(seed.accountId, seed.signalId);
      const existing = this.signals.get(key);
      if (existing && (existing.status === 'executed' || existing.status === 'rejected')) return 'done';
      if (existing && existing.status === 'executing' && (existing.leaseUntil ?? 0) >= now) return 'busy';
      this.signals.set(key, { ...seed, status: 'executing', leaseUntil: now + leaseMs, updatedAt: now });
      return existing ? 'resume' : 'run';
    },
  );

  readonly finishExecution = jest.fn(
    async (
      accountId: string,
      signalId: string,
      status: 'executed' | 'rejected',
      outcome: string,
      at: number,
    ): Promise<void> => {
      const key = MemorySignalLedger.key(accountId, signalId);
      const existing = this.signals.get(key) ?? { accountId, signalId, status, updatedAt: at };
      this.signals.set(key, { ...existing, status, outcome, updatedAt: at });
    },
  );

  readonly getSignal = jest.fn(async (accountId: string, signalId: string): Promise<SignalRecord | undefined> =>
    this.signals.get(MemorySignalLedger.key(accountId, signalId)),
  );

  readonly listSignals = jest.fn(async (accountId: string, limit = 50): Promise<SignalRecord[]> =>
    [...this.signals.values()].filter((s) => s.accountId === accountId).slice(0, limit),
  );

  dedupRecord(accountId: string, dedupKey: string): DedupRecord | undefined {
    return this.dedup.get(MemorySignalLedger.key(accountId, dedupKey));
  }
}

export interface QueuedMessage {
  signal: Signal;
  groupId: string;
  dedupId: string;
}

/**
 * A FIFO queue: a repeated dedup id within the 5-minute window is accepted and silently dropped,
 * as SQS does. `failNext(n)` makes the next n sends fail the way the SQS adapter does.
 */
export class MemorySignalQueue implements SignalQueue {
  static readonly DEDUP_WINDOW_MS = 5 * 60_000;
  readonly messages: QueuedMessage[] = [];
  private readonly lastSeen = new Map<string, number>();
  private failures = 0;

  constructor(private readonly clock: Clock) {}

  failNext(times = 1): void {
    this.failures = times;
  }

  readonly send = jest.fn(async (signal: Signal, groupId: string, dedupId: string): Promise<void> => {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new TransientError('could not enqueue signal: ServiceUnavailable');
    }
    const now = this.clock.now();
    const seen = this.lastSeen.get(dedupId);
    if (seen !== undefined && now - seen < MemorySignalQueue.DEDUP_WINDOW_MS) return;
    this.lastSeen.set(dedupId, now);
    this.messages.push({ signal: structuredClone(signal), groupId, dedupId });
  });
}
