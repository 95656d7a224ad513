// The parents' table and the slice timer as tests need them: the store's writes conditional as the
// DynamoDB adapter's (create refuses an existing id, update needs the version read), rows copied in
// and out; the scheduler writes down what it was asked, in order, for the test to deliver.
import type {
  AlgoParent,
  AlgoParentStore,
  SliceMessage,
  SliceScheduler,
} from '../../../../../shared/core/execution/algo/types';

export class MemoryAlgoParents implements AlgoParentStore {
  readonly rows = new Map<string, AlgoParent>();
  /** a seam: runs before each update is applied (a test throws from it to stop the process there) */
  beforeUpdate?: (parent: AlgoParent) => void;
  /** a seam: runs after a create is applied (a test throws from it: the row written, the process gone) */
  afterCreate?: (parent: AlgoParent) => void;

  /**
   * `reads`: every read appended in order (`get <parentId>`, `running <symbol>`), so a test counts
   * what a path costs; a test may pass an array other fakes write to as well, to see the order.
   */
  constructor(readonly reads: string[] = []) {}

  async get(accountId: string, parentId: string) {
    this.reads.push(`get ${parentId}`);
    const row = this.rows.get(`${accountId}|${parentId}`);
    return row && structuredClone(row);
  }
  async create(parent: AlgoParent) {
    const key = `${parent.accountId}|${parent.parentId}`;
    if (this.rows.has(key)) return false;
    this.rows.set(key, structuredClone(parent));
    this.afterCreate?.(parent);
    return true;
  }
  async update(parent: AlgoParent, expectedVersion: number) {
    this.beforeUpdate?.(parent);
    const key = `${parent.accountId}|${parent.parentId}`;
    if (this.rows.get(key)?.version !== expectedVersion) return false;
    this.rows.set(key, structuredClone(parent));
    return true;
  }
  async running(accountId: string, symbol?: string) {
    this.reads.push(`running ${symbol ?? '*'}`);
    return [...this.rows.values()]
      .filter(
        (p) => p.accountId === accountId && p.status === 'running' && (symbol === undefined || p.symbol === symbol),
      )
      .map((p) => structuredClone(p));
  }
}

export class RecordingScheduler implements SliceScheduler {
  readonly scheduled: { child: SliceMessage; dueAt: number }[] = [];
  async schedule(child: SliceMessage, dueAt: number) {
    this.scheduled.push({ child: structuredClone(child), dueAt });
  }
}
