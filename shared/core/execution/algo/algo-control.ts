// The parent rows of sliced entries and what moves them: start (conditional: a redelivery finds the
// row), advance after a child (conditional on the version read, then the next child scheduled),
// cancel (a close, a flatten, a refusal), and the safety net's re-send of an overdue child. Every
// end is audited once: `algo.completed` with the average price, `algo.cancelled` with the reason.
import { TransientError } from '../../errors';
import type { AuditAppender, Clock } from '../ports';
import { afterSlice, averagePrice, cancelParent, overdue } from './parent';
import type { AlgoParent, AlgoParentStore, SliceScheduler } from './types';

export interface AlgoControlDeps {
  parents: AlgoParentStore;
  scheduler: SliceScheduler;
  audit: AuditAppender;
  clock: Clock;
}

/** A lost conditional write is retried on a fresh read this many times before the signal is retried. */
const MAX_ATTEMPTS = 4;

export class AlgoControl {
  constructor(private readonly deps: AlgoControlDeps) {}

  get(accountId: string, parentId: string): Promise<AlgoParent | undefined> {
    return this.deps.parents.get(accountId, parentId);
  }

  /** The running parents of an account's symbol (what `cancelRunning` ends), for a caller to start early. */
  running(accountId: string, symbol: string): Promise<AlgoParent[]> {
    return this.deps.parents.running(accountId, symbol);
  }

  /** Creates the parent's row, or returns the one an earlier delivery created. */
  async start(parent: AlgoParent): Promise<AlgoParent> {
    if (await this.deps.parents.create(parent)) return parent;
    const existing = await this.deps.parents.get(parent.accountId, parent.parentId);
    if (!existing) throw new TransientError(`algo parent ${parent.parentId} vanished after a conditional conflict`);
    return existing;
  }

  /**
   * Child `index` was sent and booked: the row advances (conditional on its version), then the next
   * child is scheduled, or the parent completes. A row someone else already advanced past `index` (a
   * redelivery after this step) is only made sure of its next child.
   */
  async advance(
    parent: AlgoParent,
    index: number,
    child: Parameters<typeof afterSlice>[2],
    signalId: string,
  ): Promise<AlgoParent> {
    let current = parent;
    for (let attempt = 1; ; attempt++) {
      if (current.status !== 'running' || current.nextIndex > index) {
        await this.ensureScheduled(current);
        return current;
      }
      const next = afterSlice(current, index, child, this.deps.clock.now());
      if (await this.deps.parents.update(next, current.version)) {
        if (next.status === 'completed') await this.audit(next, 'algo.completed', signalId);
        else await this.ensureScheduled(next);
        return next;
      }
      const fresh = await this.deps.parents.get(parent.accountId, parent.parentId);
      if (!fresh || attempt >= MAX_ATTEMPTS)
        throw new TransientError(`algo parent ${parent.parentId}: lost the write of slice ${index} ${attempt} times`);
      current = fresh;
    }
  }

  /** The next child of a running parent on the timer, due at its fixed time (the same ids every time). */
  async ensureScheduled(parent: AlgoParent): Promise<void> {
    if (parent.status !== 'running') return;
    await this.deps.scheduler.schedule(
      {
        accountId: parent.accountId,
        symbol: parent.symbol,
        slice: { parentId: parent.parentId, index: parent.nextIndex },
      },
      parent.nextDueAt,
    );
  }

  /** Ends one parent early with the reason (no-op for one already ended). */
  async cancel(parent: AlgoParent, reason: string, signalId?: string): Promise<AlgoParent> {
    let current: AlgoParent | undefined = parent;
    for (let attempt = 1; current && current.status === 'running'; attempt++) {
      const next = cancelParent(current, reason, this.deps.clock.now());
      if (await this.deps.parents.update(next, current.version)) {
        await this.audit(next, 'algo.cancelled', signalId);
        return next;
      }
      if (attempt >= MAX_ATTEMPTS)
        throw new TransientError(`algo parent ${parent.parentId}: lost the cancel write ${attempt} times`);
      current = await this.deps.parents.get(parent.accountId, parent.parentId);
    }
    return current ?? parent;
  }

  /**
   * Cancels the running parents of an account's symbol (those of one side when `side` is given)
   * before a close, a flatten or a reverse executes its own legs: the children still queued then
   * find their parent ended and send nothing.
   */
  async cancelRunning(
    accountId: string,
    symbol: string,
    reason: string,
    signalId: string,
    side?: AlgoParent['positionSide'],
    /** the same Query started earlier by the caller (overlapping its other reads) */
    runningRead?: Promise<AlgoParent[]>,
  ): Promise<string[]> {
    const running = await (runningRead ?? this.deps.parents.running(accountId, symbol));
    const cancelled: string[] = [];
    for (const parent of running) {
      if (side && parent.positionSide !== side) continue;
      await this.cancel(parent, reason, signalId);
      cancelled.push(parent.parentId);
    }
    return cancelled;
  }

  /**
   * The safety net (the risk-check job, per account under its lease): each running parent whose next
   * child is overdue by more than an interval and a minute has it scheduled again, due now. The same
   * child id, so its client order id: at worst a duplicate message, never a duplicate order.
   */
  async resendOverdue(accountId: string): Promise<string[]> {
    const now = this.deps.clock.now();
    const resent: string[] = [];
    for (const parent of await this.deps.parents.running(accountId)) {
      if (!overdue(parent, now)) continue;
      await this.deps.scheduler.schedule(
        { accountId, symbol: parent.symbol, slice: { parentId: parent.parentId, index: parent.nextIndex } },
        now,
      );
      resent.push(`${parent.parentId}#${parent.nextIndex}`);
    }
    return resent;
  }

  private async audit(parent: AlgoParent, type: 'algo.completed' | 'algo.cancelled', signalId?: string): Promise<void> {
    const average = averagePrice(parent);
    const label = parent.kind.toUpperCase();
    const filled = `${parent.filledAmount} of ${parent.totalAmount} ${parent.symbol}`;
    await this.deps.audit.append({
      accountId: parent.accountId,
      type,
      at: this.deps.clock.now(),
      ...(signalId ? { signalId } : {}),
      message:
        type === 'algo.completed'
          ? `${label} ${parent.childOrderIds.length}/${parent.slices} slices: ${filled}${average ? ` @ ${average}` : ''}`
          : `${label} cancelled after ${parent.childOrderIds.length}/${parent.slices} slices (${filled}): ${parent.reason ?? ''}`,
      data: {
        parentId: parent.parentId,
        symbol: parent.symbol,
        kind: parent.kind,
        slices: parent.slices,
        slicesSent: parent.childOrderIds.length,
        totalAmount: parent.totalAmount,
        filledAmount: parent.filledAmount,
        ...(average ? { averagePrice: average } : {}),
        ...(parent.reason ? { reason: parent.reason } : {}),
      },
    });
  }
}
