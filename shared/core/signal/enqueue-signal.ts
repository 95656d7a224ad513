// The one way a signal reaches the executor, shared by the webhook and the strategy runner: claim
// the dedup record, send to the FIFO queue in the account#symbol group with the dedup key as the
// deduplication id, then mark the record queued (keeping the message, so a lost one can be put back).
import type { DedupLedger, SignalQueue } from './ports';
import type { SignalIdentity } from './ids';
import type { Signal } from './types';

export type EnqueueResult = { outcome: 'queued'; signalId: string } | { outcome: 'duplicate'; signalId: string };

export interface EnqueueDeps {
  ledger: DedupLedger;
  queue: SignalQueue;
}

/** FIFO group: one ordered lane per account and symbol (opposite signals serialise, case 24). */
export const messageGroupId = (accountId: string, compactSymbol: string): string => `${accountId}#${compactSymbol}`;

/**
 * `build` receives the signal id the ledger settled on (a retry of a claim that never reached the
 * queue gets the earlier id back). A failed send propagates: the record stays 'received', and the
 * next attempt with the same identity sends the same signal id with the same dedup id.
 */
export async function enqueueSignal(
  deps: EnqueueDeps,
  accountId: string,
  identity: SignalIdentity,
  receivedAt: number,
  build: (signalId: string) => Signal,
): Promise<EnqueueResult> {
  const claim = await deps.ledger.claimDedup(
    { accountId, dedupKey: identity.dedupKey, signalId: identity.signalId, status: 'received', receivedAt, expiresAt: receivedAt + identity.dedupTtlMs },
    receivedAt,
  );
  if (claim.claim === 'duplicate') return { outcome: 'duplicate', signalId: claim.signalId };
  const signal = build(claim.signalId);
  const groupId = messageGroupId(accountId, signal.symbol.compact);
  await deps.queue.send(signal, groupId, identity.dedupKey);
  await deps.ledger.markQueued(accountId, identity.dedupKey, { groupId, body: JSON.stringify(signal) });
  return { outcome: 'queued', signalId: claim.signalId };
}
