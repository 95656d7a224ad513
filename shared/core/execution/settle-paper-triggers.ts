// Paper accounts' resting stop-loss / take-profit orders trigger on price updates: this job asks
// each paper exchange to check its triggers and books what filled, exactly as the executor books
// a market fill. Stops fire for paused and disabled accounts too: protection is never blocked.
import type { Account } from '../domain/account';
import type { AccountRepository, AuditAppender, Clock, ExchangeOrder, OrderRecords, TriggerSource } from './ports';
import { fillFrom, type BookKeeper } from './book-keeper';
import { orderResultPatch } from './order-sender';

export interface SettlePaperTriggersDeps {
  accounts: Pick<AccountRepository, 'list'>;
  triggersFor: (account: Account) => TriggerSource;
  orders: Pick<OrderRecords, 'get' | 'update'>;
  book: BookKeeper;
  audit: AuditAppender;
  clock: Clock;
}

export interface SettlementReport {
  accounts: number;
  fills: number;
  foreign: number;
}

export class SettlePaperTriggers {
  constructor(private readonly deps: SettlePaperTriggersDeps) {}

  /** Every paper account's resting orders, or (the price watcher, on a tick) only those of `symbol`. */
  async run(symbol?: string): Promise<SettlementReport> {
    const report: SettlementReport = { accounts: 0, fills: 0, foreign: 0 };
    const accounts = (await this.deps.accounts.list()).filter((a) => a.exchange === 'paper');
    for (const account of accounts) {
      report.accounts++;
      const filled = await this.deps.triggersFor(account).processPrice(symbol);
      for (const order of filled) {
        if (await this.settle(account, order)) report.fills++;
        else report.foreign++;
      }
    }
    return report;
  }

  private async settle(account: Account, order: ExchangeOrder): Promise<boolean> {
    const { orders, book, audit, clock } = this.deps;
    const record = await orders.get(account.accountId, order.clientOrderId);
    if (!record) {
      await audit.append({
        accountId: account.accountId,
        type: 'protective.triggered',
        at: clock.now(),
        message: `order ${order.clientOrderId} filled but was not placed by this system`,
        data: { clientOrderId: order.clientOrderId, symbol: order.symbol },
      });
      return false;
    }
    const before = await book.position(account.accountId, record.symbol);
    await orders.update(account.accountId, record.clientOrderId, orderResultPatch(order, clock.now()));
    await book.book(
      record,
      fillFrom(record, order, record.leg.startsWith('tp') ? 'take_profit' : 'stop_loss', before.leverage),
    );
    // The paper exchange cancels the sibling (one-cancels-other); keep our record of it in step.
    const after = await book.position(account.accountId, record.symbol);
    if (after.quantity === '0') {
      for (const sibling of [before.stopLoss, before.trailingStop, ...(before.takeProfits ?? [])]) {
        if (sibling && sibling.clientOrderId !== record.clientOrderId)
          await orders.update(account.accountId, sibling.clientOrderId, { status: 'canceled', updatedAt: clock.now() });
      }
    }
    await audit.append({
      accountId: account.accountId,
      type: 'protective.triggered',
      at: clock.now(),
      signalId: record.signalId,
      message: `${record.leg.startsWith('tp') ? 'take-profit' : 'stop-loss'} filled: ${record.side} ${order.filled} ${record.symbol} @ ${order.average}`,
      data: { clientOrderId: record.clientOrderId, trigger: record.triggerPrice, fill: order.average },
    });
    return true;
  }
}
