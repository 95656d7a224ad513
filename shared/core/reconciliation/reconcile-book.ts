// Keeps the book equal to the exchange for one account: the exchange is the truth about what is
// held; the book is the truth about why. Each finding is booked through the same BookKeeper as an
// order fill (keyed by a deterministic client order id, so a repeated run books nothing twice) and
// recorded in the audit log. Symbols with an order still in flight are left for the next run: the
// executor may be between "the exchange filled it" and "the book knows it".
import { auditMoney, type AuditPayloads } from '../domain/audit';
import type { OrderRecord } from '../domain/order';
import { isConditional } from '../domain/order';
import { Big, type Decimal } from '../domain/money';
import { SignalRejectedError } from '../errors';
import type { BookPosition, PositionSide } from '../domain/trade';
import { closingSide, isOpen } from '../domain/trade-math';
import type {
  AuditAppender,
  Clock,
  ExchangePosition,
  ExchangeTrade,
  OrderRepository,
  PositionBook,
  ReconcilingExchange,
} from './ports';
import { clientOrderIdFor } from '../signal/ids';
import { refsOf, type BookKeeper, type ProtectionManager } from '../execution';

export interface ReconcileBookDeps {
  positions: Pick<PositionBook, 'list'>;
  orders: Pick<OrderRepository, 'listByAccount' | 'putIntent' | 'update' | 'get'>;
  book: BookKeeper;
  protection: ProtectionManager;
  audit: AuditAppender;
  clock: Clock;
  /** an unbooked order younger than this keeps its symbol out of the reconciliation */
  inFlightMs: number;
}

export interface ReconcileFindings {
  /** positions the book held that the exchange closed without us (by hand, liquidation, unseen stop) */
  closedOutside: number;
  /** partial reductions made outside the system */
  reducedOutside: number;
  /** positions on the exchange the system did not open, recorded as external */
  external: number;
  /** resting protective orders of ours left without a position, cancelled */
  orphansCanceled: number;
  /** symbols skipped because an order was still in flight */
  inFlight: number;
}

export class ReconcileBook {
  constructor(private readonly deps: ReconcileBookDeps) {}

  async run(
    accountId: string,
    exchange: ReconcilingExchange,
    live: readonly ExchangePosition[],
  ): Promise<ReconcileFindings> {
    const findings: ReconcileFindings = {
      closedOutside: 0,
      reducedOutside: 0,
      external: 0,
      orphansCanceled: 0,
      inFlight: 0,
    };
    const now = this.deps.clock.now();
    const recent = await this.deps.orders.listByAccount(accountId, 200);
    const busy = inFlightSymbols(recent, now, this.deps.inFlightMs);
    const bySymbol = new Map(live.map((p) => [p.symbol, p]));
    const book = (await this.deps.positions.list(accountId)).filter(isOpen);
    const booked = new Set(book.map((p) => p.symbol));

    for (const position of book) {
      if (busy.has(position.symbol)) {
        findings.inFlight++;
        continue;
      }
      const held = bySymbol.get(position.symbol);
      const bookQty = new Big(position.quantity);
      const short = !held || held.side !== position.side || new Big(held.quantity).lt(bookQty);
      if (short && (await this.protectiveFillPending(exchange, position))) {
        // One of our stops or targets filled and its booking is on its way (the paper trigger job,
        // or the protective sync): that is not a close made outside the system.
        findings.inFlight++;
        continue;
      }
      if (!held || held.side !== position.side) {
        await this.closedOutside(
          exchange,
          position,
          bookQty,
          held ? 'the exchange holds the other side' : 'the exchange is flat',
        );
        findings.closedOutside++;
        if (held) {
          await this.recordExternal(exchange, accountId, held, await this.deps.book.position(accountId, held.symbol));
          findings.external++;
        }
      } else if (new Big(held.quantity).lt(bookQty)) {
        await this.closedOutside(
          exchange,
          position,
          bookQty.minus(held.quantity),
          `the exchange holds ${held.quantity}, the book ${position.quantity}`,
        );
        findings.reducedOutside++;
      } else if (new Big(held.quantity).gt(bookQty)) {
        // Added to by hand: the book keeps what the system opened; the owner is told.
        await this.alert(
          accountId,
          `${position.symbol}: the exchange holds ${held.quantity}, more than the ${position.quantity} the system opened (added outside it)`,
          'warning',
          { symbol: position.symbol, exchange: held.quantity, book: position.quantity },
        );
      }
    }

    for (const held of live) {
      if (booked.has(held.symbol) || busy.has(held.symbol)) continue;
      await this.recordExternal(exchange, accountId, held, await this.deps.book.position(accountId, held.symbol));
      findings.external++;
    }

    findings.orphansCanceled = await this.cancelOrphans(exchange, accountId, recent, bySymbol, busy);
    return findings;
  }

  /** True when a protective order of the position has filled on the exchange but is not booked yet. */
  private async protectiveFillPending(exchange: ReconcilingExchange, position: BookPosition): Promise<boolean> {
    for (const ref of refsOf(position)) {
      const record = await this.deps.orders.get(position.accountId, ref.clientOrderId);
      if (record?.bookedAt) continue;
      const order = await exchange.fetchOrderByClientId(position.symbol, ref.clientOrderId, { conditional: true });
      if (order && order.status !== 'open' && order.filled !== '' && new Big(order.filled).gt(0)) return true;
    }
    return false;
  }

  /** Books the close the exchange made without us, at the fills it reports (else the last price). */
  private async closedOutside(
    exchange: ReconcilingExchange,
    position: BookPosition & { side: PositionSide },
    quantity: Big,
    why: string,
  ): Promise<void> {
    const { accountId, symbol } = position;
    const exit = await this.exitFills(exchange, position, quantity);
    const record = this.syntheticRecord(
      accountId,
      symbol,
      `reconcile:${position.tradeId}:${position.version}`,
      'reconcile',
      closingSide(position.side),
      quantity.toString(),
      position.leverage,
    );
    if (!(await this.claim(record))) return;
    const full = quantity.eq(position.quantity);
    if (full) await this.deps.protection.cancelAll(exchange, position);
    await this.deps.book.book(record, {
      clientOrderId: record.clientOrderId,
      signalId: record.signalId,
      side: record.side,
      quantity: quantity.toString(),
      price: exit.price,
      fee: exit.fee,
      at: exit.at,
      leverage: position.leverage,
      exitReason: 'manual',
      ...(position.strategy ? { strategy: position.strategy } : {}),
    });
    const message = `${symbol}: ${full ? 'closed' : `reduced by ${quantity.toString()}`} outside the system (${why}); booked at ${exit.price}${exit.estimated ? ' (last price: the exchange reported no fill)' : ''}`;
    await this.deps.audit.append({
      accountId,
      type: 'reconcile',
      at: this.deps.clock.now(),
      message,
      data: {
        symbol,
        quantity: quantity.toString(),
        price: exit.price,
        fee: auditMoney(exit.fee),
        estimated: exit.estimated,
        tradeId: position.tradeId,
        alerted: true,
      },
    });
    await this.alert(accountId, message, 'warning', { symbol, tradeId: position.tradeId ?? '' });
  }

  /** The fills that closed the position outside the system: their volume-weighted price and fees. */
  private async exitFills(
    exchange: ReconcilingExchange,
    position: BookPosition & { side: PositionSide },
    quantity: Big,
  ): Promise<{ price: string; fee: Decimal; at: number; estimated: boolean }> {
    const ours = new Set(position.appliedOrderIds);
    let fills: ExchangeTrade[] = [];
    if (exchange.fetchMyTrades) {
      try {
        fills = (await exchange.fetchMyTrades(position.symbol, position.openedAt ?? 0)).filter(
          (t) => t.side === closingSide(position.side) && !(t.clientOrderId && ours.has(t.clientOrderId)),
        );
      } catch (error) {
        // Upbit lists fills only inside orders: no fills to read, so the last price below (marked
        // estimated) books the close; anything else is a real failure of this run.
        if (!(error instanceof SignalRejectedError && error.code === 'TRADES_UNSUPPORTED')) throw error;
      }
    }
    // The latest fills that add up to the missing quantity.
    let qty = new Big(0);
    let value = new Big(0);
    let fee = new Big(0);
    let at = 0;
    for (const fill of [...fills].reverse()) {
      if (qty.gte(quantity)) break;
      const take = new Big(fill.amount);
      const used = qty.plus(take).gt(quantity) ? quantity.minus(qty) : take;
      qty = qty.plus(used);
      value = value.plus(used.times(fill.price));
      // A fill used in part brings its share of the fee, to 1e-8; a whole fill its fee as charged.
      fee = fee.plus(
        used.eq(take) ? new Big(fill.fee) : new Big(fill.fee).times(used).div(take).round(8, Big.roundHalfUp),
      );
      at = Math.max(at, fill.timestamp);
    }
    if (qty.gt(0)) return { price: value.div(qty).round(12).toString(), fee: fee.toString(), at, estimated: false };
    const last = (await exchange.fetchPrice(position.symbol)).last;
    return { price: String(last), fee: '0', at: this.deps.clock.now(), estimated: true };
  }

  /** A position the system did not open: booked as an external trade so that limits count it. */
  private async recordExternal(
    exchange: ReconcilingExchange,
    accountId: string,
    held: ExchangePosition,
    current: BookPosition,
  ): Promise<void> {
    const record = this.syntheticRecord(
      accountId,
      held.symbol,
      `external:${held.symbol}:${current.version}`,
      'external',
      held.side === 'long' ? 'buy' : 'sell',
      held.quantity,
      held.leverage,
    );
    record.strategy = 'external';
    if (!(await this.claim(record))) return;
    await this.deps.book.book(record, {
      clientOrderId: record.clientOrderId,
      signalId: record.signalId,
      side: record.side,
      quantity: held.quantity,
      price: held.entryPrice,
      fee: '0',
      at: this.deps.clock.now(),
      leverage: held.leverage,
      strategy: 'external',
    });
    const message = `${held.symbol}: a ${held.side} of ${held.quantity} @ ${held.entryPrice} that the system did not open; recorded as external (limits count it; no stop is placed for it)`;
    await this.deps.audit.append({
      accountId,
      type: 'reconcile',
      at: this.deps.clock.now(),
      message,
      data: {
        symbol: held.symbol,
        side: held.side,
        quantity: held.quantity,
        entryPrice: held.entryPrice,
        exchange: exchange.exchangeId,
        alerted: true,
      },
    });
    await this.alert(accountId, message, 'warning', { symbol: held.symbol });
  }

  /** Our resting stops/targets on a symbol the exchange holds nothing of: the position is gone, they must go too. */
  private async cancelOrphans(
    exchange: ReconcilingExchange,
    accountId: string,
    recent: readonly OrderRecord[],
    live: Map<string, ExchangePosition>,
    busy: Set<string>,
  ): Promise<number> {
    const book = new Map((await this.deps.positions.list(accountId)).map((p) => [p.symbol, p]));
    let canceled = 0;
    for (const order of recent) {
      if (!isConditional(order.type) || order.bookedAt || !(order.status === 'open' || order.status === 'intent'))
        continue;
      if (live.has(order.symbol) || busy.has(order.symbol)) continue;
      const position = book.get(order.symbol);
      if (position && isOpen(position) && refsOf(position).some((r) => r.clientOrderId === order.clientOrderId))
        continue;
      await exchange.cancelOrder(order.symbol, order.clientOrderId, { conditional: true });
      await this.deps.orders.update(accountId, order.clientOrderId, {
        status: 'canceled',
        updatedAt: this.deps.clock.now(),
      });
      canceled++;
      await this.deps.audit.append({
        accountId,
        type: 'reconcile',
        at: this.deps.clock.now(),
        message: `${order.symbol}: cancelled ${order.leg} ${order.clientOrderId}, a protective order left without a position`,
        data: { clientOrderId: order.clientOrderId, symbol: order.symbol, leg: order.leg },
      });
    }
    return canceled;
  }

  private syntheticRecord(
    accountId: string,
    symbol: string,
    key: string,
    leg: 'reconcile' | 'external',
    side: OrderRecord['side'],
    amount: string,
    leverage: number,
  ): OrderRecord {
    const now = this.deps.clock.now();
    const signalId = `${leg}-${clientOrderIdFor(`${accountId}\n${key}`, leg).slice(1, 21)}`;
    return {
      accountId,
      clientOrderId: clientOrderIdFor(signalId, leg),
      signalId,
      leg,
      symbol,
      side,
      type: 'market',
      reduceOnly: leg === 'reconcile',
      amount,
      status: 'filled',
      leverage,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** The record is the claim: a repeated run finds it (booked) and does nothing twice. */
  private async claim(record: OrderRecord): Promise<boolean> {
    const put = await this.deps.orders.putIntent(record);
    return put.created || !put.existing.bookedAt;
  }

  private alert(
    accountId: string,
    message: string,
    severity: 'warning' | 'critical',
    data: Omit<AuditPayloads['alert'], 'severity'>,
  ): Promise<void> {
    return this.deps.audit.append({
      accountId,
      type: 'alert',
      at: this.deps.clock.now(),
      message,
      data: { ...data, severity },
    });
  }
}

/**
 * Symbols with an order of ours the book may not reflect yet: an entry or close sent but not
 * booked (recently), or a limit entry still resting (partly filled ones put a position on the
 * exchange before the book has it).
 */
export function inFlightSymbols(orders: readonly OrderRecord[], now: number, inFlightMs: number): Set<string> {
  const busy = new Set<string>();
  for (const o of orders) {
    if (isConditional(o.type) || o.bookedAt || o.status === 'canceled' || o.status === 'rejected') continue;
    if (o.status === 'open' || o.status === 'partially_filled' || now - o.createdAt < inFlightMs) busy.add(o.symbol);
  }
  return busy;
}
