// Exactly-once order placement for one leg: record the intent, send with a deterministic client
// order id, and after any doubt look the order up by that id before ever sending again.
// Binance's client ids are unique only among OPEN orders: a market order that filled frees its id,
// so a late-arriving first request plus a resend makes two fills. A look-up saying "absent" is
// therefore not enough to send an order that adds exposure again (see absenceProof).
import { AmbiguousOrderError, SignalRejectedError, TransientError } from '../errors';
import { auditMoney, type AuditEvent, type AuditPayloads, type ErrorDetails, type OrderRef } from '../domain/audit';
import { Big } from '../domain/money';
import { isConditional, type OrderRecord } from '../domain/order';
import {
  DuplicateClientOrderIdError,
  RateLimitedError,
  type AuditAppender,
  type Clock,
  type ExchangeOrder,
  type ExchangePosition,
  type OrderLookup,
  type OrderRecords,
  type OrderRequest,
  type SendingExchange,
} from './ports';

export type { SendingExchange } from './ports';

export interface OrderSenderDeps {
  orders: OrderRecords;
  audit: AuditAppender;
  clock: Clock;
  /** waits between look-ups after an ambiguous send (ms) */
  lookupBackoffMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

export type LegResult =
  | { kind: 'filled'; record: OrderRecord; order: ExchangeOrder }
  | { kind: 'resting'; record: OrderRecord; order: ExchangeOrder }
  /** this leg was already applied to the book by an earlier delivery */
  | { kind: 'already-booked'; record: OrderRecord };

const DEFAULT_BACKOFF = [200, 500, 1000];
/** Fills are searched from this long before the intent: the exchange's clock may run behind ours. */
const TRADES_SKEW_MS = 10_000;

/** Whether an order that a look-up did not find can be sent (again) without risking a second fill. */
type AbsenceProof = { proven: true } | { proven: false; reason: string };

export class OrderSender {
  private readonly backoff: readonly number[];
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: OrderSenderDeps) {
    this.backoff = deps.lookupBackoffMs ?? DEFAULT_BACKOFF;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The order an earlier delivery recorded under this client id, if any. */
  recorded(accountId: string, clientOrderId: string): Promise<OrderRecord | undefined> {
    return this.deps.orders.get(accountId, clientOrderId);
  }

  /**
   * The signal ended (rejected) while this order was still an intent whose outcome is unknown: an
   * earlier delivery may have sent it. It is closed as failed with a critical alert to check the
   * exchange, so no record stays "intent" (the reconciliation then adopts a position it opened).
   */
  async abandon(accountId: string, clientOrderId: string, why: string): Promise<void> {
    const record = await this.deps.orders.get(accountId, clientOrderId);
    if (record?.status === 'intent') await this.closeUnknown(record, why);
  }

  async place(exchange: SendingExchange, requested: OrderRecord): Promise<LegResult> {
    const { orders } = this.deps;
    // The baseline of the absence proof, recorded with the intent (callers usually pass it).
    const intent =
      requested.reduceOnly || requested.positionBefore !== undefined
        ? requested
        : { ...requested, positionBefore: signedQuantity(await exchange.fetchPosition(requested.symbol)) };
    const put = await orders.putIntent(intent);
    let record = put.created ? intent : put.existing;
    if (!put.created) {
      if (record.bookedAt) return { kind: 'already-booked', record };
      if (record.status === 'rejected') {
        throw new SignalRejectedError(record.error ?? 'order rejected earlier', 'REJECTED_EARLIER');
      }
    } else {
      await this.audit(
        record,
        'order.intent',
        `intent ${record.side} ${record.amount} ${record.symbol} (${record.leg})`,
      );
    }

    let order: ExchangeOrder | undefined;
    if (!put.created) {
      // An earlier delivery may have sent it (cases 10, 12): the exchange is the truth.
      order = await exchange.fetchOrderByClientId(record.symbol, record.clientOrderId, lookupOf(record));
      if (order)
        await this.audit(record, 'order.adopted', `found ${record.clientOrderId} on the exchange; not sent again`);
      if (!order) {
        const proof = await this.absenceProof(exchange, record);
        if (!proof.proven) await this.unresolved(record, proof.reason);
      }
    }
    if (!order) order = await this.send(exchange, record);

    record = await this.recordResult(record, order);
    const resting = order.status === 'open' && (record.type !== 'market' || order.filled === '0');
    return resting ? { kind: 'resting', record, order } : { kind: 'filled', record, order };
  }

  private async send(exchange: SendingExchange, record: OrderRecord): Promise<ExchangeOrder> {
    const request: OrderRequest = {
      symbol: record.symbol,
      side: record.side,
      type: record.type,
      amount: record.amount,
      reduceOnly: record.reduceOnly,
      clientOrderId: record.clientOrderId,
    };
    if (record.triggerPrice) request.triggerPrice = record.triggerPrice;
    if (record.price) request.price = record.price;
    if (record.timeInForce) request.timeInForce = record.timeInForce;
    if (record.trailingPercent !== undefined) request.trailingPercent = record.trailingPercent;
    try {
      return await exchange.createOrder(request);
    } catch (error) {
      if (error instanceof DuplicateClientOrderIdError) {
        const existing = await exchange.fetchOrderByClientId(record.symbol, record.clientOrderId, lookupOf(record));
        if (existing) {
          await this.audit(record, 'order.adopted', `duplicate client id: adopted the existing order ${existing.id}`);
          return existing;
        }
        throw new TransientError(`exchange reports ${record.clientOrderId} as duplicate but cannot find it`, error);
      }
      // Throttled: the exchange executed nothing. The intent stays; the retry looks up, then sends (case 21).
      if (error instanceof RateLimitedError) throw error;
      if (error instanceof SignalRejectedError) await this.fail(record, error);
      // Anything else may have reached the exchange (case 11): resolve before deciding.
      return this.resolveAmbiguous(exchange, record, request, error);
    }
  }

  private async resolveAmbiguous(
    exchange: SendingExchange,
    record: OrderRecord,
    request: OrderRequest,
    cause: unknown,
  ): Promise<ExchangeOrder> {
    let doubt: string | undefined;
    for (const wait of this.backoff) {
      await this.sleep(wait);
      let found: ExchangeOrder | undefined;
      try {
        found = await exchange.fetchOrderByClientId(record.symbol, record.clientOrderId, lookupOf(record));
      } catch {
        continue; // the look-up itself failed: its answer is not "absent"
      }
      if (found) {
        await this.audit(record, 'order.adopted', `after an unclear send, found ${found.id} by client id`);
        return found;
      }
      const proof = await this.absenceProof(exchange, record);
      if (!proof.proven) {
        // Not sent again: a late first request may have filled and freed its id. The next look-up
        // usually finds it (a filled order stays queryable by client id).
        doubt = proof.reason;
        continue;
      }
      doubt = undefined;
      // Confirmed absent: resend once with the same id, so a late arrival of the first is a duplicate.
      try {
        return await exchange.createOrder(request);
      } catch (again) {
        if (again instanceof DuplicateClientOrderIdError) continue;
        if (again instanceof SignalRejectedError) await this.fail(record, again);
      }
    }
    if (doubt !== undefined) await this.unresolved(record, doubt);
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new AmbiguousOrderError(
      `order ${record.clientOrderId} outcome unknown after look-ups: ${message}`,
      record.clientOrderId,
    );
  }

  /**
   * A look-up by client id said "absent". For an order that adds exposure that is proof only if the
   * account's fills since the intent show none of ours (nor any on its side we cannot tell apart)
   * and the position is what it was before the first send. Reduce-only orders cannot add exposure:
   * the look-up alone decides for them, as before.
   */
  private async absenceProof(exchange: SendingExchange, record: OrderRecord): Promise<AbsenceProof> {
    if (record.reduceOnly) return { proven: true };
    if (record.positionBefore === undefined)
      return { proven: false, reason: 'no position was recorded before the first send' };
    try {
      if (exchange.fetchMyTrades) {
        const fills = await exchange.fetchMyTrades(record.symbol, record.createdAt - TRADES_SKEW_MS);
        const ours = fills.find(
          (t) => t.clientOrderId === record.clientOrderId || (t.clientOrderId === undefined && t.side === record.side),
        );
        if (ours)
          return {
            proven: false,
            reason: `a ${ours.side} fill of ${ours.amount} at ${ours.price} since the intent${ours.clientOrderId ? ` under ${ours.clientOrderId}` : ''}`,
          };
      }
      const now = signedQuantity(await exchange.fetchPosition(record.symbol));
      if (!new Big(now).eq(record.positionBefore))
        return {
          proven: false,
          reason: `the position moved from ${record.positionBefore} to ${now} since the first send`,
        };
    } catch (error) {
      return {
        proven: false,
        reason: `the fills or the position could not be read (${error instanceof Error ? error.message : String(error)})`,
      };
    }
    return { proven: true };
  }

  /** Final state for a send the exchange refused for good: the record and its event, then the error. */
  private async fail(record: OrderRecord, error: SignalRejectedError): Promise<never> {
    await this.deps.orders.update(record.accountId, record.clientOrderId, {
      status: 'rejected',
      error: error.message,
      updatedAt: this.deps.clock.now(),
    });
    await this.audit(record, 'order.failed', `rejected: ${error.message}`, { code: error.code, ...error.details });
    throw error;
  }

  /**
   * No proof either way: never a second order. The order record is closed as failed with the doubt,
   * an alert asks the owner to check the exchange (the risk-check job's reconciliation adopts a
   * position that did open), and the signal is rejected with ORDER_UNRESOLVED.
   */
  private async unresolved(record: OrderRecord, doubt: string): Promise<never> {
    throw await this.closeUnknown(record, `not found by client id, and not proven absent: ${doubt}`);
  }

  /** Final state for an order whose outcome cannot be known: failed, with its event and a critical alert. */
  private async closeUnknown(record: OrderRecord, doubt: string): Promise<SignalRejectedError> {
    const error = new SignalRejectedError(
      `order ${record.clientOrderId} (${record.side} ${record.amount} ${record.symbol}) outcome unknown, ${doubt}; not sent again, check the exchange`,
      'ORDER_UNRESOLVED',
      { clientOrderId: record.clientOrderId },
    );
    await this.deps.audit.append({
      accountId: record.accountId,
      type: 'alert',
      at: this.deps.clock.now(),
      signalId: record.signalId,
      message: error.message,
      data: { clientOrderId: record.clientOrderId, leg: record.leg, severity: 'critical' },
    });
    await this.deps.orders.update(record.accountId, record.clientOrderId, {
      status: 'rejected',
      error: error.message,
      updatedAt: this.deps.clock.now(),
    });
    await this.audit(record, 'order.failed', `rejected: ${error.message}`, { code: error.code, ...error.details });
    return error;
  }

  private async recordResult(record: OrderRecord, order: ExchangeOrder): Promise<OrderRecord> {
    const patch = orderResultPatch(order, this.deps.clock.now());
    await this.deps.orders.update(record.accountId, record.clientOrderId, patch);
    const next = { ...record, ...patch };
    if (next.status === 'filled' || next.status === 'partially_filled') {
      await this.audit(next, 'order.filled', `${next.side} ${next.filled} ${next.symbol} @ ${next.averagePrice}`, {
        fee: auditMoney(next.fee),
        ...(next.feeCurrency ? { feeCurrency: next.feeCurrency } : {}),
        signalPrice: next.signalPrice,
      });
    } else {
      await this.audit(
        next,
        'order.sent',
        `${next.type} ${next.side} ${next.amount} ${next.symbol} resting${next.triggerPrice ? ` at ${next.triggerPrice}` : ''}`,
      );
    }
    return next;
  }

  private audit(
    record: OrderRecord,
    type: 'order.intent' | 'order.sent' | 'order.adopted',
    message: string,
  ): Promise<void>;
  private audit(
    record: OrderRecord,
    type: 'order.filled',
    message: string,
    data: Omit<AuditPayloads['order.filled'], keyof OrderRef>,
  ): Promise<void>;
  private audit(
    record: OrderRecord,
    type: 'order.failed',
    message: string,
    data: { code: string } & ErrorDetails,
  ): Promise<void>;
  private audit(
    record: OrderRecord,
    type: 'order.intent' | 'order.sent' | 'order.adopted' | 'order.filled' | 'order.failed',
    message: string,
    data: ErrorDetails = {},
  ): Promise<void> {
    // The overloads pair each type with its payload; every order event also names its order.
    const event = {
      accountId: record.accountId,
      type,
      at: this.deps.clock.now(),
      signalId: record.signalId,
      message,
      data: { clientOrderId: record.clientOrderId, leg: record.leg, ...data },
    } as AuditEvent;
    return this.deps.audit.append(event);
  }
}

const lookupOf = (record: OrderRecord): OrderLookup => ({ conditional: isConditional(record.type) });

/** A position as signed base units: long +, short -, flat "0" (the absence proof's baseline). */
export function signedQuantity(position: ExchangePosition | undefined): string {
  if (!position || new Big(position.quantity).eq(0)) return '0';
  return position.side === 'short'
    ? new Big(position.quantity).times(-1).toString()
    : new Big(position.quantity).toString();
}

/** What the exchange's answer changes on our order record. */
export function orderResultPatch(order: ExchangeOrder, at: number): Partial<OrderRecord> {
  const patch: Partial<OrderRecord> = {
    status: statusOf(order),
    exchangeOrderId: order.id,
    filled: order.filled,
    fee: order.fee,
    feeCurrency: order.feeCurrency,
    updatedAt: at,
  };
  if (order.average) patch.averagePrice = order.average;
  return patch;
}

export function statusOf(order: ExchangeOrder): OrderRecord['status'] {
  switch (order.status) {
    case 'closed':
      return 'filled';
    case 'open':
      return order.filled !== '0' && order.filled !== '' ? 'partially_filled' : 'open';
    case 'canceled':
    case 'expired':
      return order.filled !== '0' ? 'partially_filled' : 'canceled';
    case 'rejected':
      return 'rejected';
  }
}
