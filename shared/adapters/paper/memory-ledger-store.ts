// In-memory PaperLedgerStore for unit tests and backtests. Same contract as the DynamoDB store:
// saveState is conditional on the version the caller read, putOrder refuses an existing client
// order id. Everything is copied in and out, so a caller never mutates what is stored.
import { ConditionalConflictError } from '../../core/errors';
import type { PaperLedgerStore, PaperOrder, PaperState } from '../../core/ports/paper';

const clone = <T>(v: T): T => structuredClone(v);
const orderKey = (accountId: string, clientOrderId: string) => `${accountId}\u0000${clientOrderId}`;

export class MemoryLedgerStore implements PaperLedgerStore {
  private readonly states = new Map<string, PaperState>();
  private readonly orders = new Map<string, PaperOrder>();

  async getState(accountId: string): Promise<PaperState | undefined> {
    const s = this.states.get(accountId);
    return s ? clone(s) : undefined;
  }

  /**
   * Stores `state` when the stored version equals `expectedVersion` (0: nothing stored yet).
   * The caller sets `state.version` to the new version (expectedVersion + 1).
   */
  async saveState(state: PaperState, expectedVersion: number): Promise<void> {
    const current = this.states.get(state.accountId);
    const currentVersion = current ? current.version : 0;
    if (currentVersion !== expectedVersion || (expectedVersion === 0 && current)) {
      throw new ConditionalConflictError(
        `paper state ${state.accountId}: expected version ${expectedVersion}, found ${current ? currentVersion : 'none'}`,
      );
    }
    this.states.set(state.accountId, clone(state));
  }

  async putOrder(order: PaperOrder): Promise<boolean> {
    const key = orderKey(order.accountId, order.clientOrderId);
    if (this.orders.has(key)) return false;
    this.orders.set(key, clone(order));
    return true;
  }

  async getOrder(accountId: string, clientOrderId: string): Promise<PaperOrder | undefined> {
    const o = this.orders.get(orderKey(accountId, clientOrderId));
    return o ? clone(o) : undefined;
  }

  async updateOrder(order: PaperOrder): Promise<void> {
    this.orders.set(orderKey(order.accountId, order.clientOrderId), clone(order));
  }

  async listOpenOrders(accountId: string): Promise<PaperOrder[]> {
    return [...this.orders.values()]
      .filter((o) => o.accountId === accountId && o.status === 'open')
      .sort((a, b) => a.timestamp - b.timestamp)
      .map(clone);
  }

  async listUnappliedFills(accountId: string): Promise<PaperOrder[]> {
    return [...this.orders.values()]
      .filter((o) => o.accountId === accountId && o.status === 'closed' && !o.applied)
      .sort((a, b) => a.timestamp - b.timestamp)
      .map(clone);
  }
}
