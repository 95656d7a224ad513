// In-memory repositories with the same conditional semantics as the DynamoDB adapters, for unit
// tests of use cases (no network).
import { ConditionalConflictError } from '../../../shared/core/errors';
import type { AuditEvent } from '../../../shared/core/domain/audit';
import type { OrderRecord } from '../../../shared/core/domain/order';
import type { BookPosition, TradeRecord } from '../../../shared/core/domain/trade';
import type { AuditLog, OrderRepository, PositionBook, PutIntentResult, TradeRepository } from '../../../shared/core/ports/repositories';

export class MemoryOrders implements OrderRepository {
  readonly rows = new Map<string, OrderRecord>();
  async putIntent(order: OrderRecord): Promise<PutIntentResult> {
    const existing = this.rows.get(order.clientOrderId);
    if (existing) return { created: false, existing: { ...existing } };
    this.rows.set(order.clientOrderId, { ...order });
    return { created: true };
  }
  async update(_accountId: string, id: string, patch: Partial<OrderRecord>): Promise<void> {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no order ${id}`);
    this.rows.set(id, { ...row, ...patch });
  }
  async get(_accountId: string, id: string) {
    const row = this.rows.get(id);
    return row && { ...row };
  }
  async listByAccount(accountId: string) {
    return [...this.rows.values()].filter((o) => o.accountId === accountId);
  }
}

export class MemoryTrades implements TradeRepository {
  readonly rows = new Map<string, TradeRecord>();
  async put(trade: TradeRecord) {
    this.rows.set(trade.tradeId, { ...trade });
  }
  async get(_accountId: string, id: string) {
    const row = this.rows.get(id);
    return row && { ...row };
  }
  async listByAccount(accountId: string) {
    return [...this.rows.values()].filter((t) => t.accountId === accountId);
  }
}

export class MemoryPositions implements PositionBook {
  readonly rows = new Map<string, BookPosition>();
  async get(accountId: string, symbol: string) {
    const row = this.rows.get(`${accountId}|${symbol}`);
    return row && structuredClone(row);
  }
  async list(accountId: string) {
    return [...this.rows.values()].filter((p) => p.accountId === accountId);
  }
  async save(position: BookPosition, expectedVersion: number) {
    const current = this.rows.get(`${position.accountId}|${position.symbol}`);
    if ((current?.version ?? 0) !== expectedVersion) throw new ConditionalConflictError('version');
    this.rows.set(`${position.accountId}|${position.symbol}`, structuredClone(position));
  }
}

export class MemoryAudit implements AuditLog {
  readonly events: AuditEvent[] = [];
  async append(event: AuditEvent) {
    this.events.push(event);
  }
  async listByAccount(accountId: string) {
    return this.events.filter((e) => e.accountId === accountId);
  }
}
