// In-memory repositories with the same conditional semantics as the DynamoDB adapters, for unit
// tests of use cases (no network).
import { ConditionalConflictError } from '../../../shared/core/errors';
import type { Account, AccountStatus } from '../../../shared/core/domain/account';
import type { ArbPlan } from '../../../shared/core/domain/arb-plan';
import type { AuditEvent } from '../../../shared/core/domain/audit';
import type { OrderRecord } from '../../../shared/core/domain/order';
import type { StrategySubscription } from '../../../shared/core/domain/strategy-subscription';
import type { BookPosition, TradeRecord } from '../../../shared/core/domain/trade';
import type {
  AccountLifecycle,
  AccountRepository,
  AuditLog,
  EquitySnapshot,
  OrderRepository,
  PositionBook,
  PutIntentResult,
  RiskStore,
  TradeRepository,
} from '../../../shared/core/ports/repositories';
import type { RiskOverrides } from '../../../shared/core/risk/config';
import type { RiskState } from '../../../shared/core/risk/state';

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
  async replace(trade: TradeRecord, expectedUpdatedAt: number) {
    if (this.rows.get(trade.tradeId)?.updatedAt !== expectedUpdatedAt) throw new ConditionalConflictError('updatedAt');
    this.rows.set(trade.tradeId, { ...trade });
  }
}

export class MemoryPositions implements PositionBook {
  readonly rows = new Map<string, BookPosition>();
  /** Test setup: stores the rows as they are, with no version check. */
  seed(...positions: BookPosition[]): void {
    for (const p of positions) this.rows.set(`${p.accountId}|${p.symbol}`, p);
  }
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

/**
 * Accounts as the DynamoDB repository keeps them: create refuses an existing id, every update needs
 * the account to exist (setStrategies / setRiskOverrides: ConditionalConflictError, as documented;
 * the others: a plain error, as the SDK's condition failure). Rows are copied in and out.
 */
export class MemoryAccounts implements AccountRepository, AccountLifecycle {
  readonly rows = new Map<string, Account>();

  constructor(accounts: Account[] = []) {
    for (const a of accounts) this.rows.set(a.accountId, structuredClone(a));
  }

  private must(accountId: string, conflict: boolean): Account {
    const row = this.rows.get(accountId);
    if (row) return row;
    if (conflict) throw new ConditionalConflictError(`account ${accountId} does not exist`);
    throw new Error(`no account ${accountId}`);
  }

  async create(account: Account) {
    if (this.rows.has(account.accountId)) throw new ConditionalConflictError(`account ${account.accountId} exists`);
    this.rows.set(account.accountId, structuredClone(account));
  }
  async get(accountId: string) {
    const row = this.rows.get(accountId);
    return row && structuredClone(row);
  }
  async list() {
    return [...this.rows.values()].map((a) => structuredClone(a)).sort((a, b) => a.createdAt - b.createdAt);
  }
  async setStatus(accountId: string, status: AccountStatus, at: number) {
    const row = this.must(accountId, false);
    this.rows.set(accountId, { ...row, status, updatedAt: at });
  }
  async rename(accountId: string, name: string, at: number) {
    const row = this.must(accountId, true);
    this.rows.set(accountId, { ...row, name, updatedAt: at });
  }
  async softDelete(accountId: string, at: number) {
    const row = this.must(accountId, true);
    const { strategies: _dropped, ...settings } = row.settings;
    this.rows.set(accountId, {
      ...row,
      status: 'disabled',
      webhookTokenHash: '',
      settings,
      deletedAt: at,
      updatedAt: at,
    });
  }
  async setWebhookTokenHash(accountId: string, tokenHash: string, at: number) {
    const row = this.must(accountId, false);
    this.rows.set(accountId, { ...row, webhookTokenHash: tokenHash, updatedAt: at });
  }
  async setHalt(accountId: string, until: number | undefined, reason: string | undefined, at: number) {
    const { haltedUntil: _u, haltReason: _r, ...row } = this.must(accountId, false);
    this.rows.set(
      accountId,
      until === undefined
        ? { ...row, updatedAt: at }
        : { ...row, haltedUntil: until, haltReason: reason ?? 'halted', updatedAt: at },
    );
  }
  async setStrategies(accountId: string, strategies: StrategySubscription[], at: number) {
    const row = this.must(accountId, true);
    this.rows.set(accountId, {
      ...row,
      settings: { ...row.settings, strategies: structuredClone(strategies) },
      updatedAt: at,
    });
  }
  async setRequireTime(accountId: string, requireTime: boolean | undefined, at: number) {
    const row = this.must(accountId, true);
    const { requireTime: _previous, ...settings } = row.settings;
    this.rows.set(accountId, {
      ...row,
      settings: requireTime === undefined ? settings : { ...settings, requireTime },
      updatedAt: at,
    });
  }
  async setArbPlans(accountId: string, plans: ArbPlan[], at: number, expectedUpdatedAt?: number) {
    const row = this.must(accountId, true);
    if (expectedUpdatedAt !== undefined && row.updatedAt !== expectedUpdatedAt)
      throw new ConditionalConflictError(`account ${accountId} changed since it was read: try again`);
    this.rows.set(accountId, {
      ...row,
      settings: { ...row.settings, arbPlans: structuredClone(plans) },
      updatedAt: at,
    });
  }
  async setRiskOverrides(accountId: string, overrides: RiskOverrides, at: number) {
    const row = this.must(accountId, true);
    this.rows.set(accountId, {
      ...row,
      settings: { ...row.settings, risk: structuredClone(overrides) },
      updatedAt: at,
    });
  }
}

/**
 * The risk table: saveState is conditional on the stored version (expectedVersion 0 = no state
 * yet) and throws ConditionalConflictError otherwise; leases are free, expired (until < now) or
 * already the owner's. States are copied in and out.
 */
export class MemoryRiskStore implements RiskStore {
  readonly states = new Map<string, RiskState>();
  readonly snapshots: EquitySnapshot[] = [];
  readonly leases = new Map<string, { owner: string; until: number }>();

  async getState(accountId: string) {
    const row = this.states.get(accountId);
    return row && structuredClone(row);
  }
  async saveState(state: RiskState, expectedVersion: number) {
    const current = this.states.get(state.accountId);
    if ((current?.version ?? 0) !== expectedVersion || (expectedVersion === 0 && current)) {
      throw new ConditionalConflictError(`risk state of ${state.accountId} changed since version ${expectedVersion}`);
    }
    this.states.set(state.accountId, structuredClone(state));
  }
  async putSnapshot(snapshot: EquitySnapshot) {
    const i = this.snapshots.findIndex((s) => s.accountId === snapshot.accountId && s.at === snapshot.at);
    if (i >= 0) this.snapshots[i] = { ...snapshot };
    else this.snapshots.push({ ...snapshot });
  }
  async listSnapshots(accountId: string, from: number, to: number) {
    return this.snapshots
      .filter((s) => s.accountId === accountId && s.at >= from && s.at <= to)
      .sort((a, b) => a.at - b.at);
  }
  async latestSnapshot(accountId: string, at: number) {
    return (await this.listSnapshots(accountId, 0, at)).at(-1);
  }
  async acquireLease(accountId: string, owner: string, until: number, now: number) {
    const lease = this.leases.get(accountId);
    if (lease && lease.until >= now && lease.owner !== owner) return false;
    this.leases.set(accountId, { owner, until });
    return true;
  }
  async releaseLease(accountId: string, owner: string) {
    if (this.leases.get(accountId)?.owner === owner) this.leases.delete(accountId);
  }
}
