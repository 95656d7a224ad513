// The one way a signal reaches the executor, shared by the webhook and the strategy runner: claim
// the dedup record carrying the message, then send it to the FIFO queue in the account#symbol group
// with the dedup key as the deduplication id. Two round trips: nothing is written after the send,
// because the record already holds what a lost message needs to be put back (bin/local/requeue.ts)
// and the executor's record, not this one, says the message arrived (DedupClaim).
import type { DedupLedger, SignalQueue } from './ports';
import type { SignalIdentity } from './ids';
import type { Signal } from './types';

/**
 * `resent`: the dedup record was there already and the executor had not taken the signal, so it
 * was sent again under the same ids; whether the first send went through is unknown.
 */
export type EnqueueResult =
  { outcome: 'queued'; signalId: string; resent?: true } | { outcome: 'duplicate'; signalId: string };

export interface EnqueueDeps {
  ledger: DedupLedger;
  queue: SignalQueue;
}

/** FIFO group: one ordered lane per account and symbol (opposite signals serialise, case 24). */
export const messageGroupId = (accountId: string, compactSymbol: string): string => `${accountId}#${compactSymbol}`;

/**
 * `build` receives the signal id to send: the identity's for a new claim, the earlier one for a
 * retry. A failed send propagates: the record stays 'received' with its message, and the next
 * attempt with the same identity sends the same signal id with the same dedup id. `onClaim` hears
 * what the claim decided before the send starts (the webhook's alert log writes beside the send).
 */
export async function enqueueSignal(
  deps: EnqueueDeps,
  accountId: string,
  identity: SignalIdentity,
  receivedAt: number,
  build: (signalId: string) => Signal,
  onClaim?: (outcome: 'accepted' | 'duplicate', signalId: string) => void,
): Promise<EnqueueResult> {
  const signal = build(identity.signalId);
  const groupId = messageGroupId(accountId, signal.symbol.compact);
  const claim = await deps.ledger.claimDedup(
    {
      accountId,
      dedupKey: identity.dedupKey,
      signalId: identity.signalId,
      status: 'received',
      receivedAt,
      expiresAt: receivedAt + identity.dedupTtlMs,
      message: { groupId, body: JSON.stringify(signal) },
    },
    receivedAt,
  );
  onClaim?.(claim.claim === 'duplicate' ? 'duplicate' : 'accepted', claim.signalId);
  if (claim.claim === 'duplicate') return { outcome: 'duplicate', signalId: claim.signalId };
  await deps.queue.send(
    claim.signalId === signal.signalId ? signal : build(claim.signalId),
    groupId,
    identity.dedupKey,
  );
  return claim.claim === 'retry'
    ? { outcome: 'queued', signalId: claim.signalId, resent: true }
    : { outcome: 'queued', signalId: claim.signalId };
}
