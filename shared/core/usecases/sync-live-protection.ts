// Scheduled job for live accounts: protective orders rest on the exchange, which does not link
// them, so after a stop or target fills someone must book it and cancel or move its siblings
// (one-cancels-other, break-even). Runs every minute; safe to run while the executor works: every
// write is conditional or keyed by the client order id, so a repeat books nothing twice.
import type { Account } from '../domain/account';
import { isOpen } from '../domain/trade-math';
import type { AccountRepository, AuditLog, OrderRepository, PositionBook } from '../ports/repositories';
import type { Clock, ExchangeFactory, KeyVault } from '../ports/runtime';
import { refsOf, type ProtectionManager } from './protection';

export interface SyncLiveProtectionDeps {
  accounts: Pick<AccountRepository, 'list'>;
  positions: Pick<PositionBook, 'list'>;
  orders: Pick<OrderRepository, 'listByAccount'>;
  vault: KeyVault;
  exchanges: ExchangeFactory;
  protection: ProtectionManager;
  audit: AuditLog;
  clock: Clock;
}

export interface ProtectionSyncReport {
  accounts: number;
  positions: number;
  fills: number;
  canceled: number;
  stopsMoved: number;
  /** resting limit entries that filled and got their protection */
  entriesArmed: number;
  errors: number;
}

export class SyncLiveProtection {
  constructor(private readonly deps: SyncLiveProtectionDeps) {}

  async run(): Promise<ProtectionSyncReport> {
    const report: ProtectionSyncReport = { accounts: 0, positions: 0, fills: 0, canceled: 0, stopsMoved: 0, entriesArmed: 0, errors: 0 };
    const now = this.deps.clock.now();
    // Paused and disabled accounts too: protection is never blocked. Banned ones wait for the ban to end.
    const accounts = (await this.deps.accounts.list()).filter((a) => a.exchange !== 'paper' && a.credentials && !(a.haltedUntil !== undefined && now < a.haltedUntil));
    for (const account of accounts) {
      report.accounts++;
      try {
        await this.syncAccount(account, report);
      } catch (error) {
        // One account's failure (keys revoked, exchange down) must not stop the others.
        report.errors++;
        await this.deps.audit.append({ accountId: account.accountId, type: 'alert', at: this.deps.clock.now(), message: `protection sync failed: ${error instanceof Error ? error.message : String(error)}`, data: { severity: 'warning' } });
      }
    }
    return report;
  }

  private async syncAccount(account: Account, report: ProtectionSyncReport): Promise<void> {
    const guarded = (await this.deps.positions.list(account.accountId)).filter((p) => isOpen(p) && refsOf(p).length > 0);
    // Resting limit entries whose sl/tp wait for the fill (recent orders are enough: entries rest hours, not months).
    const waiting = (await this.deps.orders.listByAccount(account.accountId, 200)).filter((o) => o.protection && !o.bookedAt && (o.status === 'open' || o.status === 'partially_filled'));
    if (!guarded.length && !waiting.length) return;
    const credentials = await this.deps.vault.decrypt(account.accountId, account.credentials as NonNullable<Account['credentials']>);
    const exchange = await this.deps.exchanges.forAccount(account, credentials);
    if (waiting.length) report.entriesArmed += await this.deps.protection.armFilledEntries(exchange, waiting, (symbol) => exchange.loadMarket(symbol));
    for (const position of guarded) {
      report.positions++;
      const market = await exchange.loadMarket(position.symbol);
      const result = await this.deps.protection.sync(exchange, position, market);
      report.fills += result.fills;
      report.canceled += result.canceled;
      if (result.stopMoved) report.stopsMoved++;
    }
  }
}
