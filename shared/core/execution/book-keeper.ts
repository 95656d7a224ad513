// Applies fills to the book (positions and trades). Each step is idempotent: the position row
// remembers the orders it already reflects, trades are keyed by the opening order, and the order
// record is marked booked last, so a crash anywhere is repaired by simply running again.
import { ConditionalConflictError } from '../errors';
import { auditMoney, type AuditEventOf, type TradePayload } from '../domain/audit';
import { settleCurrencyOf } from '../domain/currency';
import { toDecimal } from '../domain/money';
import type { OrderRecord } from '../domain/order';
import { applyFill, flatPosition, type BookUpdate, type Fill, type TradeEntry } from '../domain/trade-math';
import type { BookPosition, Protection, TradeRecord } from '../domain/trade';
import type { AuditAppender, Clock, ExchangeOrder, OrderRecords, PositionWrites, TradeWrites } from './ports';

export interface BookKeeperDeps {
  positions: PositionWrites;
  trades: TradeWrites;
  orders: Pick<OrderRecords, 'update'>;
  audit: AuditAppender;
  clock: Clock;
}

const MAX_ATTEMPTS = 5;

/** The fill an exchange reported for one of our orders, in the book's terms. */
export function fillFrom(
  record: OrderRecord,
  order: ExchangeOrder,
  exitReason: NonNullable<Fill['exitReason']>,
  fallbackLeverage = 1,
): Fill {
  const fill: Fill = {
    clientOrderId: record.clientOrderId,
    signalId: record.signalId,
    side: record.side,
    quantity: order.filled,
    price: order.average ?? record.triggerPrice ?? '0',
    fee: toDecimal(order.fee),
    at: order.timestamp,
    leverage: record.leverage ?? fallbackLeverage,
    exitReason,
  };
  if (record.strategy) fill.strategy = record.strategy;
  if (record.algo) fill.algo = record.algo;
  if (record.arb) fill.arb = record.arb;
  return fill;
}

export class BookKeeper {
  constructor(private readonly deps: BookKeeperDeps) {}

  async position(accountId: string, symbol: string): Promise<BookPosition> {
    return (await this.deps.positions.get(accountId, symbol)) ?? flatPosition(accountId, symbol, this.deps.clock.now());
  }

  /** Applies a filled order once, whatever happened to earlier attempts. */
  async book(order: OrderRecord, fill: Fill): Promise<BookUpdate> {
    for (let attempt = 1; ; attempt++) {
      const position = await this.position(order.accountId, order.symbol);
      const openTrade = position.tradeId ? await this.deps.trades.get(order.accountId, position.tradeId) : undefined;
      const update = applyFill(position, openTrade, fill);
      for (const trade of update.trades) await this.deps.trades.put(trade);
      try {
        if (update.position !== position) {
          await this.deps.positions.save({ ...update.position, version: position.version + 1 }, position.version);
        }
      } catch (error) {
        if (error instanceof ConditionalConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      await this.deps.orders.update(order.accountId, order.clientOrderId, { bookedAt: this.deps.clock.now() });
      await this.auditTrades(order, update);
      return { ...update, position: { ...update.position, version: position.version + 1 } };
    }
  }

  /** Marks an order handled without touching the book (a close of a position the book never held). */
  async markApplied(order: OrderRecord): Promise<void> {
    await this.deps.orders.update(order.accountId, order.clientOrderId, { bookedAt: this.deps.clock.now() });
  }

  /**
   * Records which protective orders guard the open position (refs only; they rest on the exchange).
   * A trailing stop left alone (its fixed stop filled or was cancelled) takes the stop slot: the
   * book then reads as a trail-only position, which every stop path already handles.
   */
  async setProtection(accountId: string, symbol: string, protection: Protection): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const position = await this.position(accountId, symbol);
      const next: BookPosition = { ...position, updatedAt: this.deps.clock.now(), version: position.version + 1 };
      delete next.stopLoss;
      delete next.trailingStop;
      delete next.takeProfits;
      delete next.breakEven;
      const stopLoss = protection.stopLoss ?? protection.trailingStop;
      if (stopLoss) next.stopLoss = stopLoss;
      if (protection.stopLoss && protection.trailingStop) next.trailingStop = protection.trailingStop;
      if (protection.takeProfits?.length) next.takeProfits = protection.takeProfits;
      if (protection.breakEven) next.breakEven = true;
      try {
        await this.deps.positions.save(next, position.version);
        return;
      } catch (error) {
        if (error instanceof ConditionalConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private async auditTrades(order: OrderRecord, update: BookUpdate): Promise<void> {
    const at = this.deps.clock.now();
    if (update.closed) await this.deps.audit.append(tradeEvent('trade.closed', order, update.closed, at));
    if (update.opened) await this.deps.audit.append(tradeEvent('trade.opened', order, update.opened, at));
    for (const entry of update.entries)
      await this.deps.audit.append(entryEvent(order.accountId, entry, at, order.signalId));
  }
}

/**
 * The audit line of one fill or funding settlement: the trade's fees, funding and realizedPnl are
 * the exact sums of these (decimal text), so the trail adds up to the book without float noise.
 */
export function entryEvent(
  accountId: string,
  entry: TradeEntry,
  at: number,
  signalId?: string,
): AuditEventOf<'trade.booked'> {
  const event: AuditEventOf<'trade.booked'> = {
    accountId,
    type: 'trade.booked',
    at,
    message: `trade ${entry.tradeId} ${entry.cause}: fee ${entry.fee}, funding ${entry.funding}, P&L ${entry.realizedPnl}`,
    data: { ...entry },
  };
  return signalId ? { ...event, signalId } : event;
}

function tradeEvent(
  type: 'trade.opened' | 'trade.closed',
  order: OrderRecord,
  trade: TradeRecord,
  at: number,
): AuditEventOf<'trade.opened'> | AuditEventOf<'trade.closed'> {
  const header = { accountId: order.accountId, at, signalId: order.signalId };
  // The currency travels with the event: the notifier names it (USDT on the USDⓈ-M futures, KRW on Upbit).
  // Built without a throw: this runs between a fill and its stop.
  const currency = settleCurrencyOf(trade.symbol);
  const data: TradePayload = {
    tradeId: trade.tradeId,
    symbol: trade.symbol,
    ...(currency ? { currency } : {}),
    realizedPnl: auditMoney(trade.realizedPnl) ?? String(trade.realizedPnl),
    fees: trade.fees,
    funding: trade.funding,
    ...(trade.roiPct !== undefined ? { roiPct: trade.roiPct } : {}),
  };
  return type === 'trade.opened'
    ? {
        ...header,
        type,
        message: `opened ${trade.side} ${trade.quantity} ${trade.symbol} @ ${trade.entryPrice} x${trade.leverage}`,
        data,
      }
    : {
        ...header,
        type,
        message: `closed ${trade.side} ${trade.symbol} @ ${trade.exitPrice}: P&L ${trade.realizedPnl} (${trade.roiPct ?? 0}% ROI, fees ${trade.fees})`,
        data,
      };
}
