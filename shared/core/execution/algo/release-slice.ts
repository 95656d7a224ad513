// The slice timer's consumer: a scheduled child whose time has come is put on the account's FIFO
// lane (group account#SYMBOL, deduplicated by the child's signal id) as the signal the executor runs.
// The timer is a standard SQS queue because FIFO queues refuse a per-message delay; its delay caps at
// 15 minutes, so a child due later is delayed again until its time. A child whose parent no longer
// exists is dropped (said in the answer); one of an ended parent is still forwarded, so the executor
// records it as skipped with the reason, in the account's lane, in order.
import type { Clock } from '../ports';
import type { Signal } from '../../signal/types';
import { childSignal } from './parent';
import type { AlgoParentStore, SliceMessage, SliceScheduler } from './types';

/** What the FIFO lane needs: the same port the webhook sends through. */
export interface SliceLane {
  send(signal: Signal, groupId: string, dedupId: string): Promise<void>;
}

export interface ReleaseSliceDeps {
  parents: Pick<AlgoParentStore, 'get'>;
  lane: SliceLane;
  /** to delay again a child due beyond the queue's 15-minute delay */
  scheduler: SliceScheduler;
  clock: Clock;
}

export type ReleaseOutcome = 'released' | 'delayed' | 'dropped';

/** A timer message's body: the child and when it is due. */
export interface TimedSlice extends SliceMessage {
  dueAt: number;
}

/** Early by less than this is on time (the queue's delay has whole seconds). */
const EARLY_TOLERANCE_MS = 1_000;

export class ReleaseSlice {
  constructor(private readonly deps: ReleaseSliceDeps) {}

  async release(message: TimedSlice): Promise<ReleaseOutcome> {
    const { parents, lane, scheduler, clock } = this.deps;
    if (message.dueAt - clock.now() > EARLY_TOLERANCE_MS) {
      await scheduler.schedule(
        { accountId: message.accountId, symbol: message.symbol, slice: message.slice },
        message.dueAt,
      );
      return 'delayed';
    }
    const parent = await parents.get(message.accountId, message.slice.parentId);
    if (!parent) return 'dropped';
    const signal = childSignal(parent, message.slice.index, clock.now());
    await lane.send(signal, `${signal.accountId}#${signal.symbol.compact}`, signal.signalId);
    return 'released';
  }
}

/** A timer message's body read back, or undefined when it is not one (the consumer reports it). */
export function parseTimedSlice(body: string): TimedSlice | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const v = value as Partial<TimedSlice> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    typeof v.accountId === 'string' &&
    typeof v.symbol === 'string' &&
    typeof v.dueAt === 'number' &&
    typeof v.slice?.parentId === 'string' &&
    Number.isInteger(v.slice.index) &&
    v.slice.index >= 0;
  return ok ? (v as TimedSlice) : undefined;
}
