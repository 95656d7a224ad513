// Protective orders of an open position: a stop-loss (or trailing stop) and a take-profit ladder,
// resting on the exchange as reduce-only conditional orders sized to what actually filled. After
// a protective fill, `sync` books it and keeps the rest consistent: the exchange does not link the
// legs, so a filled stop cancels the targets, and a first target may move the stop to break-even.
import { InvariantError, SignalRejectedError } from '../errors';
import { Big, floorToStep, roundToStep } from '../domain/money';
import {
  isConditional,
  type OrderLeg,
  type OrderRecord,
  type OrderType,
  type PendingProtection,
} from '../domain/order';
import type { BookPosition, PositionSide, Protection, ProtectiveOrderRef } from '../domain/trade';
import { closingSide, isOpen, levelSitsBelow } from '../domain/trade-math';
import type { AuditAppender, Clock, ExchangeOrder, MarketInfo, OrderReads, OrderRecords } from './ports';
import { clientOrderIdFor } from '../signal/ids';
import type { PriceLevel, Signal, TakeProfitLevel } from '../signal/types';
import { fillFrom, type BookKeeper } from './book-keeper';
import { orderResultPatch, type OrderSender } from './order-sender';
import type { SendingExchange } from './ports';

export interface ProtectionSpec extends PendingProtection {
  sl?: PriceLevel;
  tps: TakeProfitLevel[];
}

export interface PlannedProtective {
  leg: OrderLeg;
  type: OrderType;
  /** base units */
  amount: string;
  triggerPrice?: string;
  trailingPercent?: number;
  /** a plain stop standing in for a trailing stop the exchange does not have */
  emulated?: boolean;
}

/** Who asked for the protection: the ids and annotations its order records carry. */
export interface ProtectionOrigin {
  accountId: string;
  signalId: string;
  strategy?: string;
  leverage: number;
}

const TP_LEGS: readonly OrderLeg[] = ['tp', 'tp2', 'tp3', 'tp4', 'tp5'];

export function protectionSpecOf(
  signal: Pick<Signal, 'sl' | 'tp' | 'tpLevels' | 'breakEven' | 'trailPct'>,
): ProtectionSpec | undefined {
  const tps = signal.tpLevels ?? (signal.tp ? [{ level: signal.tp, sharePct: 100 }] : []);
  if (!signal.sl && !tps.length && signal.trailPct === undefined) return undefined;
  const spec: ProtectionSpec = { tps, breakEven: signal.breakEven ?? false };
  if (signal.sl) spec.sl = signal.sl;
  if (signal.trailPct !== undefined) spec.trailPct = signal.trailPct;
  return spec;
}

export function triggerPrice(
  level: PriceLevel,
  leg: 'sl' | 'tp',
  side: PositionSide,
  entry: Big,
  priceStep: string,
): string {
  if (level.kind === 'price') return roundToStep(level.value, priceStep).toString();
  const factor = levelSitsBelow(leg, side)
    ? new Big(1).minus(new Big(level.value).div(100))
    : new Big(1).plus(new Big(level.value).div(100));
  return roundToStep(entry.times(factor), priceStep).toString();
}

/**
 * The orders that protect `quantity` (what filled, not what was asked). Target shares are rounded
 * down to the lot step; the last level takes the remainder so the ladder closes the whole position;
 * a level too small for the market merges into the next one.
 */
export function planProtection(
  spec: ProtectionSpec,
  side: PositionSide,
  quantity: string,
  entryPrice: string,
  market: MarketInfo,
  nativeTrailing = true,
): PlannedProtective[] {
  const entry = new Big(entryPrice);
  const total = floorToStep(quantity, market.amountStep);
  const planned: PlannedProtective[] = [];
  if (spec.sl)
    planned.push({
      leg: 'sl',
      type: 'stop_market',
      amount: total.toString(),
      triggerPrice: triggerPrice(spec.sl, 'sl', side, entry, market.priceStep),
    });
  if (spec.trailPct !== undefined) {
    planned.push(
      nativeTrailing
        ? { leg: 'trail', type: 'trailing_stop_market', amount: total.toString(), trailingPercent: spec.trailPct }
        : // No native trailing stop: a plain stop at the trailing distance, moved by the risk-check job.
          {
            leg: 'trail',
            type: 'stop_market',
            amount: total.toString(),
            triggerPrice: triggerPrice({ kind: 'percent', value: spec.trailPct }, 'sl', side, entry, market.priceStep),
            trailingPercent: spec.trailPct,
            emulated: true,
          },
    );
  }

  let assigned = new Big(0);
  let carry = new Big(0);
  spec.tps.forEach((tp, i) => {
    const last = i === spec.tps.length - 1;
    const share = last
      ? total.minus(assigned)
      : floorToStep(total.times(tp.sharePct).div(100), market.amountStep).plus(carry);
    if (!last && share.lt(market.minAmount)) {
      carry = share;
      return;
    }
    carry = new Big(0);
    if (share.lte(0)) return;
    assigned = assigned.plus(share);
    planned.push({
      leg: TP_LEGS[planned.filter((p) => p.leg.startsWith('tp')).length] as OrderLeg,
      type: 'take_profit_market',
      amount: share.toString(),
      triggerPrice: triggerPrice(tp.level, 'tp', side, entry, market.priceStep),
    });
  });
  return planned;
}

export interface ProtectionManagerDeps {
  sender: OrderSender;
  book: BookKeeper;
  orders: Pick<OrderRecords, 'get' | 'update'>;
  audit: AuditAppender;
  clock: Clock;
}

export interface SyncReport {
  fills: number;
  canceled: number;
  stopMoved: boolean;
}

export class ProtectionManager {
  constructor(private readonly deps: ProtectionManagerDeps) {}

  /** Places the position's protective orders and records them on the book; fills at once are booked. */
  async arm(
    exchange: SendingExchange,
    origin: ProtectionOrigin,
    position: BookPosition & { side: PositionSide },
    market: MarketInfo,
    spec: ProtectionSpec,
  ): Promise<string[]> {
    if (!(exchange.capabilities?.conditionalOrders ?? true)) {
      throw new SignalRejectedError(
        `${exchange.exchangeId} cannot rest stop-loss or take-profit orders`,
        'PROTECTION_UNSUPPORTED',
      );
    }
    const plan = planProtection(
      spec,
      position.side,
      position.quantity,
      position.entryPrice,
      market,
      exchange.capabilities?.trailingStop ?? true,
    );
    const ids = plan.map((item) => clientOrderIdFor(origin.signalId, item.leg));
    const held = refsOf(position).map((r) => r.clientOrderId);
    // A redelivery of the same signal after its protection was armed: cancelling and placing again
    // under the same client ids would cancel the resting stop and then adopt the cancelled order.
    if (held.length > 0 && held.length === ids.length && ids.every((id) => held.includes(id))) return ids;
    await this.cancelAll(exchange, position);
    const { protection, placed } = await this.placePlan(exchange, origin, position, plan, spec);
    await this.deps.book.setProtection(position.accountId, position.symbol, protection);
    return placed;
  }

  /**
   * A position that grew (a sliced entry's next child filled): its protection re-planned on the
   * whole position and average entry, the new orders placed BEFORE the old ones are cancelled, so
   * the position is never without a stop (as resizeAfterReduce does for a reduce). Nothing resting
   * yet: armed as any entry (armOrFlatten). Keyed by `origin.signalId` (the child's): a redelivery
   * adopts what it placed and finishes the swap. A refusal of a new order leaves the old ones resting
   * (they still cover what they covered) and goes up for the caller to report.
   */
  async resizeAfterIncrease(
    exchange: SendingExchange,
    origin: ProtectionOrigin,
    position: BookPosition & { side: PositionSide },
    market: MarketInfo,
    spec: ProtectionSpec,
  ): Promise<string[]> {
    const old = refsOf(position);
    if (old.length === 0) return this.armOrFlatten(exchange, origin, position, market, spec);
    const plan = planProtection(
      spec,
      position.side,
      position.quantity,
      position.entryPrice,
      market,
      exchange.capabilities?.trailingStop ?? true,
    );
    const ids = plan.map((item) => clientOrderIdFor(origin.signalId, item.leg));
    if (ids.length === old.length && ids.every((id) => old.some((r) => r.clientOrderId === id))) return ids;
    const { protection, placed } = await this.placePlan(exchange, origin, position, plan, spec);
    const replaced = old.filter((r) => !ids.includes(r.clientOrderId));
    for (const ref of replaced) await this.cancelRef(exchange, position, ref);
    await this.deps.book.setProtection(position.accountId, position.symbol, protection);
    if (replaced.length)
      await this.deps.audit.append({
        accountId: position.accountId,
        type: 'order.canceled',
        at: this.deps.clock.now(),
        signalId: origin.signalId,
        message: `replaced ${replaced.length} protective order(s) on ${position.symbol}: re-sized to ${position.quantity}`,
        data: { clientOrderIds: replaced.map((r) => r.clientOrderId) },
      });
    return placed;
  }

  /** Places a plan's orders (a fill at once is booked) and returns the book's refs for them. */
  private async placePlan(
    exchange: SendingExchange,
    origin: ProtectionOrigin,
    position: BookPosition & { side: PositionSide },
    plan: PlannedProtective[],
    spec: ProtectionSpec,
  ): Promise<{ protection: Protection; placed: string[] }> {
    const protection: Protection = { takeProfits: [], ...(spec.breakEven ? { breakEven: true } : {}) };
    // Both asked: the fixed stop in stopLoss, the trail in trailingStop, so each is re-sized,
    // moved and cancelled with the position. A trail alone stays in stopLoss, as the book has
    // always held it: positions written before trailingStop existed read the same way.
    const trailSlot: StopSlot = plan.some((p) => p.leg === 'sl') ? 'trailingStop' : 'stopLoss';
    const placed: string[] = [];
    for (const item of plan) {
      const record = protectiveRecord(origin, position, item, this.deps.clock.now());
      const result = await this.deps.sender.place(exchange, record);
      if (result.kind === 'filled') {
        // Price was already through the trigger: the exchange filled it at once. Book it.
        await this.deps.book.book(result.record, fillFrom(record, result.order, exitReasonOf(record.leg)));
      }
      const ref: ProtectiveOrderRef = {
        clientOrderId: record.clientOrderId,
        triggerPrice: item.triggerPrice ?? '',
        amount: item.amount,
      };
      if (item.trailingPercent !== undefined) ref.trailingPercent = item.trailingPercent;
      if (item.emulated) ref.emulatedTrail = true;
      if (item.leg.startsWith('tp')) protection.takeProfits?.push(ref);
      else if (item.leg === 'sl') protection.stopLoss = ref;
      else protection[trailSlot] = ref;
      placed.push(record.clientOrderId);
    }
    return { protection, placed };
  }

  /**
   * Arms protection; if the exchange refuses it for good, closes the position at market rather
   * than leave it without its stop, and rethrows the refusal (PROTECTION_FAILED) with the cause.
   */
  async armOrFlatten(
    exchange: SendingExchange,
    origin: ProtectionOrigin,
    position: BookPosition & { side: PositionSide },
    market: MarketInfo,
    spec: ProtectionSpec,
  ): Promise<string[]> {
    try {
      return await this.arm(exchange, origin, position, market, spec);
    } catch (error) {
      if (!(error instanceof SignalRejectedError)) throw error;
      await this.cancelAll(exchange, await this.deps.book.position(position.accountId, position.symbol));
      const now = await this.deps.book.position(position.accountId, position.symbol);
      if (isOpen(now)) await this.flatten(exchange, origin, now);
      throw new SignalRejectedError(
        `protective order refused (${error.code}: ${error.message}); the position was closed at market`,
        'PROTECTION_FAILED',
        { cause: error.code },
      );
    }
  }

  /**
   * Resting limit entries that have filled since: book the fill, then arm the protection the
   * signal asked for on what filled. Run by the risk-check job; each step is keyed by the
   * client order id, so a repeat does nothing twice.
   */
  async armFilledEntries(
    exchange: SendingExchange,
    entries: readonly OrderRecord[],
    marketOf: (symbol: string) => Promise<MarketInfo>,
  ): Promise<number> {
    let armed = 0;
    for (const entry of entries) {
      if (!entry.protection || entry.bookedAt || entry.leg !== 'open') continue;
      const order = await exchange.fetchOrderByClientId(entry.symbol, entry.clientOrderId);
      if (!order || order.status === 'open') continue; // still resting (or partly filled): wait for the end
      await this.deps.orders.update(
        entry.accountId,
        entry.clientOrderId,
        orderResultPatch(order, this.deps.clock.now()),
      );
      if (order.filled === '' || new Big(order.filled).lte(0)) continue; // cancelled or expired empty
      await this.deps.book.book(entry, fillFrom(entry, order, 'signal'));
      const position = await this.deps.book.position(entry.accountId, entry.symbol);
      if (!isOpen(position)) continue;
      const origin = {
        accountId: entry.accountId,
        signalId: entry.signalId,
        leverage: position.leverage,
        ...(entry.strategy ? { strategy: entry.strategy } : {}),
      };
      try {
        await this.armOrFlatten(
          exchange,
          origin,
          position,
          await marketOf(entry.symbol),
          entry.protection as ProtectionSpec,
        );
        armed++;
      } catch (error) {
        await this.deps.audit.append({
          accountId: entry.accountId,
          type: 'alert',
          at: this.deps.clock.now(),
          signalId: entry.signalId,
          message: `protection for the filled limit entry ${entry.clientOrderId} failed: ${error instanceof Error ? error.message : String(error)}`,
          data: { severity: 'critical' },
        });
      }
    }
    return armed;
  }

  private async flatten(
    exchange: SendingExchange,
    origin: ProtectionOrigin,
    position: BookPosition & { side: PositionSide },
  ): Promise<void> {
    await this.closeAtMarket(exchange, origin, position, 'flatten');
  }

  /**
   * Closes the whole position with a reduce-only market order keyed by `origin.signalId` and `leg`
   * (a retry adopts the same order), after cancelling its protective orders; books the fill.
   */
  async closeAtMarket(
    exchange: SendingExchange,
    origin: ProtectionOrigin,
    position: BookPosition & { side: PositionSide },
    leg: OrderLeg = 'flatten',
    exitReason: 'signal' | 'manual' = 'signal',
  ): Promise<ExchangeOrder | undefined> {
    await this.cancelAll(exchange, position);
    const record = closingRecord(
      origin,
      position,
      { leg, type: 'market', amount: position.quantity },
      this.deps.clock.now(),
    );
    const result = await this.deps.sender.place(exchange, record);
    if (result.kind === 'filled' && result.order.filled !== '0' && result.order.filled !== '') {
      await this.deps.book.book(result.record, fillFrom(record, result.order, exitReason));
      return result.order;
    }
    return undefined;
  }

  /**
   * The stop the book remembers is gone from the exchange (cancelled by hand, expired, lost in a
   * maintenance): place it again at the same trigger on what is held now. If the price is already
   * through the trigger, the stop would have fired: close at market instead. Returns what was done.
   * `slot` names the stop: the fixed one (or a lone trail), or the trail beside a fixed stop. A
   * native trailing stop has no trigger to place again at: 'none'.
   */
  async rearmStop(
    exchange: SendingExchange,
    position: BookPosition & { side: PositionSide },
    market: MarketInfo,
    last: number,
    reads?: OrderReads,
    slot: StopSlot = 'stopLoss',
  ): Promise<'present' | 'rearmed' | 'closed' | 'none'> {
    const ref = position[slot];
    if (!ref || !ref.triggerPrice) return 'none';
    const order = reads?.has(ref.clientOrderId)
      ? reads.get(ref.clientOrderId)
      : await exchange.fetchOrderByClientId(position.symbol, ref.clientOrderId, { conditional: true });
    if (order && (order.status === 'open' || filledSomething(order))) return 'present'; // resting, or filled (sync books it)
    const oldRecord = await this.deps.orders.get(position.accountId, ref.clientOrderId);
    const origin = {
      accountId: position.accountId,
      signalId: oldRecord?.signalId ?? `rearm-${position.tradeId ?? position.symbol}`,
      leverage: position.leverage,
      ...(position.strategy ? { strategy: position.strategy } : {}),
    };
    const crossed = position.side === 'long' ? last <= Number(ref.triggerPrice) : last >= Number(ref.triggerPrice);
    const leg: OrderLeg = slot === 'trailingStop' ? `trail-r${position.version}` : `sl-r${position.version}`;
    if (crossed) {
      await this.closeAtMarket(exchange, origin, position, leg);
      return 'closed';
    }
    const amount = floorToStep(position.quantity, market.amountStep).toString();
    const record = protectiveRecord(
      origin,
      position,
      { leg, type: 'stop_market', amount, triggerPrice: ref.triggerPrice },
      this.deps.clock.now(),
    );
    const result = await this.deps.sender.place(exchange, record);
    if (result.kind === 'filled') await this.deps.book.book(result.record, fillFrom(record, result.order, 'stop_loss'));
    await this.deps.orders
      .update(position.accountId, ref.clientOrderId, { status: 'canceled', updatedAt: this.deps.clock.now() })
      .catch(() => undefined);
    const next: ProtectiveOrderRef = { ...ref, clientOrderId: record.clientOrderId, amount };
    await this.deps.book.setProtection(position.accountId, position.symbol, {
      ...protectionOf(position),
      [slot]: next,
    });
    return 'rearmed';
  }

  /**
   * An open position that asked for a stop (the protection recorded on its opening order) and has
   * none on the book: the process died between the fill and the stop, or arming failed and was
   * never retried. Arms the recorded protection on what is held now; closes at market when the
   * price is already through the stop, when no stop can be derived (no entry price, a trigger at
   * or below zero, nothing left to protect on the lot step), or when the exchange refuses it.
   * Keyed by the trade and the book version: a repeat of the same run places nothing twice.
   */
  async armMissing(
    exchange: SendingExchange,
    position: BookPosition & { side: PositionSide; tradeId: string },
    market: MarketInfo,
    last: number,
    spec: ProtectionSpec,
  ): Promise<{ action: 'armed' | 'closed' | 'flattened'; trigger?: string; reason?: string }> {
    const origin = {
      accountId: position.accountId,
      signalId: `arm-${position.tradeId}-v${position.version}`,
      leverage: position.leverage,
      ...(position.strategy ? { strategy: position.strategy } : {}),
    };
    const stop = derivableStop(spec, position, market);
    if (typeof stop !== 'string') {
      await this.closeAtMarket(exchange, origin, position, 'flatten');
      return { action: 'flattened', reason: stop.reason };
    }
    const crossed = position.side === 'long' ? last <= Number(stop) : last >= Number(stop);
    if (crossed) {
      await this.closeAtMarket(exchange, origin, position, 'flatten');
      return { action: 'closed', trigger: stop };
    }
    try {
      await this.armOrFlatten(exchange, origin, position, market, spec);
    } catch (error) {
      if (error instanceof SignalRejectedError && error.code === 'PROTECTION_FAILED')
        return { action: 'flattened', trigger: stop, reason: error.message };
      throw error;
    }
    return { action: 'armed', trigger: stop };
  }

  /**
   * Moves an emulated trailing stop behind `best` (the best price since entry): the new stop is
   * placed before the old one is cancelled. Only ever tightens; returns the new trigger when moved.
   * The trail sits in trailingStop beside a fixed stop, or in stopLoss when it is the only stop.
   */
  async trailStop(
    exchange: SendingExchange,
    position: BookPosition & { side: PositionSide },
    market: MarketInfo,
    best: number,
  ): Promise<string | undefined> {
    const slot = emulatedTrailSlot(position);
    const ref = slot && position[slot];
    if (!slot || !ref || ref.trailingPercent === undefined) return undefined;
    const trigger = triggerPrice(
      { kind: 'percent', value: ref.trailingPercent },
      'sl',
      position.side,
      new Big(best),
      market.priceStep,
    );
    const current = new Big(ref.triggerPrice);
    const tighter = position.side === 'long' ? new Big(trigger).gt(current) : new Big(trigger).lt(current);
    if (!tighter) return undefined;
    const ticks = new Big(trigger).div(market.priceStep).round(0).toNumber();
    const report: SyncReport = { fills: 0, canceled: 0, stopMoved: false };
    const amount = floorToStep(position.quantity, market.amountStep).toString();
    const moved = await this.replaceStop(exchange, position, position, ref, trigger, amount, `trail-${ticks}`, report);
    if (!moved) return undefined;
    await this.deps.book.setProtection(position.accountId, position.symbol, {
      ...protectionOf(position),
      [slot]: { ...moved, trailingPercent: ref.trailingPercent, emulatedTrail: true },
    });
    return trigger;
  }

  /**
   * The owner moves the stop to `trigger` (or, with `trigger` undefined, re-sizes it to what is held
   * after a partial close). The new stop, keyed by the owner's signal, is placed BEFORE the old one
   * is cancelled, so the position never rests without a stop; if the exchange refuses the new one,
   * the old one stays and the refusal goes up. A position without a stop gets one. A trailing stop
   * is not turned into a fixed one (moving a stop the trail moves would fight it). A redelivery
   * finds its stop already on the book and places nothing twice. Beside a fixed stop, a trailing
   * stop is left where it is (the owner moves the fixed one).
   */
  async moveStop(
    exchange: SendingExchange,
    origin: ProtectionOrigin,
    position: BookPosition & { side: PositionSide },
    market: MarketInfo,
    trigger: string | undefined,
  ): Promise<{ placed?: string; canceled?: string }> {
    return this.replaceSlot(exchange, origin, position, market, trigger, 'stopLoss');
  }

  /** moveStop for either stop slot; the trail beside a fixed stop is only ever re-sized. */
  private async replaceSlot(
    exchange: SendingExchange,
    origin: ProtectionOrigin,
    position: BookPosition & { side: PositionSide },
    market: MarketInfo,
    trigger: string | undefined,
    slot: StopSlot,
  ): Promise<{ placed?: string; canceled?: string }> {
    const old = position[slot];
    const leg: OrderLeg = slot === 'trailingStop' ? 'trail-resize' : trigger === undefined ? 'sl-resize' : 'sl';
    const id = clientOrderIdFor(origin.signalId, leg);
    if (old?.clientOrderId === id) return { placed: id };
    const trailing = old?.trailingPercent !== undefined;
    if (trailing && trigger !== undefined) {
      throw new SignalRejectedError(
        `the stop of ${position.symbol} is a trailing stop (${old?.trailingPercent} %): it is not replaced by a fixed one`,
        'TRAILING_STOP',
        { clientOrderId: old?.clientOrderId },
      );
    }
    const amount = floorToStep(position.quantity, market.amountStep).toString();
    if (trigger === undefined && (!old || old.amount === amount)) return {};
    const item: PlannedProtective =
      old && trailing && !old.emulatedTrail
        ? { leg, type: 'trailing_stop_market', amount, trailingPercent: old.trailingPercent as number }
        : {
            leg,
            type: 'stop_market',
            amount,
            triggerPrice: trigger ?? old?.triggerPrice ?? '',
            ...(old?.emulatedTrail ? { trailingPercent: old.trailingPercent as number, emulated: true } : {}),
          };
    const record = protectiveRecord(origin, position, item, this.deps.clock.now());
    const result = await this.deps.sender.place(exchange, record);
    if (result.kind === 'filled')
      await this.deps.book.book(result.record, fillFrom(record, result.order, 'stop_loss', position.leverage));
    if (old) await this.cancelRef(exchange, position, old);
    const next: ProtectiveOrderRef = { clientOrderId: id, triggerPrice: item.triggerPrice ?? '', amount };
    if (old?.trailingPercent !== undefined) next.trailingPercent = old.trailingPercent;
    if (old?.emulatedTrail) next.emulatedTrail = true;
    const protection = { ...protectionOf(position), [slot]: next };
    await this.deps.book.setProtection(position.accountId, position.symbol, protection);
    await this.deps.audit.append({
      accountId: position.accountId,
      type: 'order.sent',
      at: this.deps.clock.now(),
      signalId: origin.signalId,
      message:
        trigger === undefined
          ? `${slot === 'trailingStop' ? 'trailing stop' : 'stop'} re-sized to ${amount} ${position.symbol} after a partial close`
          : `stop moved by the owner ${old?.triggerPrice ?? '(none)'} → ${trigger} for ${amount} ${position.symbol}`,
      data: { clientOrderId: id, leg, ...(old ? { from: old.clientOrderId } : {}), to: id },
    });
    // Already through the trigger: the new stop filled at once; sync cancels what is left if flat.
    if (result.kind === 'filled') await this.sync(exchange, { ...position, ...protection }, market);
    return { placed: id, ...(old ? { canceled: old.clientOrderId } : {}) };
  }

  /**
   * After a partial close (an alert's reduce_long/reduce_short or the owner's reduce): the stop kept
   * resting through the fill is re-sized to what is held now (moveStop: the new one is placed
   * before the old one is cancelled), so is a trailing stop beside it, then the take-profits are
   * trimmed to it. Targets are reduce-only, so one larger than the position would only close what
   * is left; they are trimmed from the furthest so the book says what each can really fill: the
   * nearer ones keep their amount,
   * the one the remainder runs out in is re-sized (new before old), those beyond it are cancelled
   * (so is a trimmed one under the market's minimum: the stop still covers all of it).
   * A refusal by the exchange does not leave the position bare: the old stop rests (reduce-only, it
   * closes whatever is left) and stays on the book, where the risk-check job checks it every run,
   * and a critical alert says the stop was not re-sized (a target that could not be trimmed: a
   * warning, as a reduce-only target closes at most what is left). A transient error goes up: the retry adopts
   * the filled reduce and re-sizes; each new order is keyed by the reduce's signal, so nothing twice.
   */
  async resizeAfterReduce(
    exchange: SendingExchange,
    origin: ProtectionOrigin,
    position: BookPosition & { side: PositionSide },
    market: MarketInfo,
  ): Promise<{ placed: string[]; failed?: string }> {
    const placed: string[] = [];
    let step: 'stop' | 'trail' | 'targets' = 'stop';
    try {
      const moved = await this.moveStop(exchange, origin, position, market, undefined);
      if (moved.placed) placed.push(moved.placed);
      step = 'trail';
      // Read again: the stop's re-size rewrote the protection this trail is written beside.
      let now = await this.deps.book.position(position.accountId, position.symbol);
      if (isOpen(now) && now.trailingStop) {
        const trail = await this.replaceSlot(exchange, origin, now, market, undefined, 'trailingStop');
        if (trail.placed) placed.push(trail.placed);
        now = await this.deps.book.position(position.accountId, position.symbol);
      }
      step = 'targets';
      if (isOpen(now)) placed.push(...(await this.trimTargets(exchange, origin, now, market)));
      return { placed };
    } catch (error) {
      if (!(error instanceof SignalRejectedError)) throw error;
      const cause = `${error.code}: ${error.message}`;
      const stop = step === 'trail' ? position.trailingStop : position.stopLoss;
      const left = `the ${position.side} ${position.quantity} ${position.symbol} left after a partial close`;
      const what = step === 'trail' ? 'trailing stop' : 'stop';
      const message =
        step === 'targets'
          ? `take-profits NOT trimmed to ${left} (${cause}); the stop was re-sized, the targets are reduce-only: they close at most what is left`
          : stop
            ? `${what} NOT re-sized to ${left} (${cause}); the previous ${what} ${stop.triggerPrice || `trailing ${stop.trailingPercent} %`} for ${stop.amount ?? 'all'} still rests (reduce-only: it closes what is left) and the risk-check job watches it`
            : `protection NOT re-sized to ${left} (${cause})`;
      await this.deps.audit.append({
        accountId: position.accountId,
        type: 'alert',
        at: this.deps.clock.now(),
        signalId: origin.signalId,
        message,
        data: {
          symbol: position.symbol,
          side: position.side,
          quantity: position.quantity,
          severity: step === 'targets' ? 'warning' : 'critical',
          ...(stop ? { clientOrderId: stop.clientOrderId } : {}),
        },
      });
      return { placed, failed: message };
    }
  }

  /** The targets trimmed, nearest first, to add up to no more than what the position holds. */
  private async trimTargets(
    exchange: SendingExchange,
    origin: ProtectionOrigin,
    position: BookPosition & { side: PositionSide },
    market: MarketInfo,
  ): Promise<string[]> {
    const targets = position.takeProfits ?? [];
    let left = floorToStep(position.quantity, market.amountStep);
    const kept: ProtectiveOrderRef[] = [];
    const placed: string[] = [];
    let changed = false;
    const canceled: string[] = [];
    for (const [i, old] of targets.entries()) {
      // A ref without an amount (written before target ladders) was the one target for all of it.
      const amount = old.amount === undefined || new Big(old.amount).gt(left) ? left : new Big(old.amount);
      left = left.minus(amount);
      if (old.amount !== undefined && amount.eq(old.amount)) {
        kept.push(old);
        continue;
      }
      changed = true;
      if (amount.lte(0) || amount.lt(market.minAmount)) {
        await this.cancelRef(exchange, position, old);
        canceled.push(old.clientOrderId);
        continue;
      }
      const leg = (await this.deps.orders.get(position.accountId, old.clientOrderId))?.leg ?? TP_LEGS[i] ?? 'tp';
      const record = protectiveRecord(
        origin,
        position,
        { leg, type: 'take_profit_market', amount: amount.toString(), triggerPrice: old.triggerPrice },
        this.deps.clock.now(),
      );
      const result = await this.deps.sender.place(exchange, record);
      if (result.kind === 'filled')
        await this.deps.book.book(result.record, fillFrom(record, result.order, 'take_profit', position.leverage));
      await this.cancelRef(exchange, position, old);
      kept.push({ clientOrderId: record.clientOrderId, triggerPrice: old.triggerPrice, amount: amount.toString() });
      placed.push(record.clientOrderId);
      await this.deps.audit.append({
        accountId: position.accountId,
        type: 'order.sent',
        at: this.deps.clock.now(),
        signalId: origin.signalId,
        message: `take-profit @ ${old.triggerPrice} re-sized ${old.amount ?? '(all)'} → ${amount.toString()} ${position.symbol} after a partial close`,
        data: { clientOrderId: record.clientOrderId, leg, from: old.clientOrderId, to: record.clientOrderId },
      });
    }
    if (!changed) return placed;
    await this.deps.book.setProtection(position.accountId, position.symbol, {
      ...protectionOf(position),
      takeProfits: kept,
    });
    if (canceled.length)
      await this.deps.audit.append({
        accountId: position.accountId,
        type: 'order.canceled',
        at: this.deps.clock.now(),
        signalId: origin.signalId,
        message: `canceled ${canceled.length} take-profit(s) beyond the ${position.quantity} ${position.symbol} left after a partial close`,
        data: { clientOrderIds: canceled },
      });
    return placed;
  }

  /**
   * The owner moves a take-profit to `trigger`: `which` names it (absent: the only one; a position
   * without a target gets one for all it holds). The new target is placed before the old one is
   * cancelled, keyed by the owner's signal, so a redelivery places nothing twice.
   */
  async moveTarget(
    exchange: SendingExchange,
    origin: ProtectionOrigin,
    position: BookPosition & { side: PositionSide },
    market: MarketInfo,
    trigger: string,
    which?: string,
  ): Promise<{ placed: string; canceled?: string }> {
    const targets = position.takeProfits ?? [];
    const id = clientOrderIdFor(origin.signalId, 'tp');
    if (targets.some((t) => t.clientOrderId === id)) return { placed: id };
    const old = which === undefined ? targets[0] : targets.find((t) => t.clientOrderId === which);
    if (which !== undefined && !old)
      throw new SignalRejectedError(
        `${which} is not a take-profit of the ${position.symbol} position (targets: ${targets.map((t) => t.clientOrderId).join(', ') || 'none'})`,
        'UNKNOWN_ORDER',
        { clientOrderId: which },
      );
    if (which === undefined && targets.length > 1)
      throw new SignalRejectedError(
        `the ${position.symbol} position has ${targets.length} take-profits: name one (${targets.map((t) => t.clientOrderId).join(', ')})`,
        'AMBIGUOUS_TARGET',
      );
    const amount = old?.amount ?? floorToStep(position.quantity, market.amountStep).toString();
    const record = protectiveRecord(
      origin,
      position,
      { leg: 'tp', type: 'take_profit_market', amount, triggerPrice: trigger },
      this.deps.clock.now(),
    );
    const result = await this.deps.sender.place(exchange, record);
    if (result.kind === 'filled')
      await this.deps.book.book(result.record, fillFrom(record, result.order, 'take_profit', position.leverage));
    if (old) await this.cancelRef(exchange, position, old);
    const next: ProtectiveOrderRef = { clientOrderId: id, triggerPrice: trigger, amount };
    const protection = {
      ...protectionOf(position),
      takeProfits: old ? targets.map((t) => (t === old ? next : t)) : [...targets, next],
    };
    await this.deps.book.setProtection(position.accountId, position.symbol, protection);
    await this.deps.audit.append({
      accountId: position.accountId,
      type: 'order.sent',
      at: this.deps.clock.now(),
      signalId: origin.signalId,
      message: `take-profit moved by the owner ${old?.triggerPrice ?? '(none)'} → ${trigger} for ${amount} ${position.symbol}`,
      data: { clientOrderId: id, leg: 'tp', ...(old ? { from: old.clientOrderId } : {}), to: id },
    });
    // Already through the trigger: filled at once; sync shrinks the stop (or cancels it when flat).
    if (result.kind === 'filled') await this.sync(exchange, { ...position, ...protection }, market);
    return { placed: id, ...(old ? { canceled: old.clientOrderId } : {}) };
  }

  /**
   * The owner cancels one resting order. The last stop of an open position is refused unless `force`
   * (then an alert says the position is unprotected): a silent cancel would leave it without one.
   * One of two stops (a fixed stop and a trail) may go: the other still guards the position.
   * An order already ended (filled, cancelled) is reported as such, nothing sent.
   */
  async cancelOrder(
    exchange: SendingExchange,
    position: BookPosition,
    record: OrderRecord,
    force: boolean,
  ): Promise<'canceled' | 'already-ended'> {
    const stops = [position.stopLoss, position.trailingStop].filter((r): r is ProtectiveOrderRef => !!r);
    const lastStop = stops.length === 1 && stops[0]?.clientOrderId === record.clientOrderId;
    if (lastStop && isOpen(position) && !force)
      throw new SignalRejectedError(
        `${record.clientOrderId} is the stop of the open ${position.side} ${position.quantity} ${position.symbol}: cancelling it would leave the position unprotected; move it (move-stop), close the position, or cancel with force`,
        'STOP_PROTECTS_POSITION',
        { clientOrderId: record.clientOrderId },
      );
    if (record.status !== 'open' && record.status !== 'intent' && record.status !== 'partially_filled')
      return 'already-ended';
    const ref = refsOf(position).find((r) => r.clientOrderId === record.clientOrderId);
    if (ref) await this.cancelRef(exchange, position, ref);
    else {
      await exchange.cancelOrder(record.symbol, record.clientOrderId, { conditional: isConditional(record.type) });
      await this.deps.orders.update(record.accountId, record.clientOrderId, {
        status: 'canceled',
        updatedAt: this.deps.clock.now(),
      });
    }
    if (ref) {
      const protection = protectionOf(position);
      const rest: Protection = {
        takeProfits: (protection.takeProfits ?? []).filter((t) => t.clientOrderId !== ref.clientOrderId),
        ...(protection.breakEven ? { breakEven: true } : {}),
      };
      if (protection.stopLoss && protection.stopLoss.clientOrderId !== ref.clientOrderId)
        rest.stopLoss = protection.stopLoss;
      if (protection.trailingStop && protection.trailingStop.clientOrderId !== ref.clientOrderId)
        rest.trailingStop = protection.trailingStop;
      await this.deps.book.setProtection(position.accountId, position.symbol, rest);
    }
    await this.deps.audit.append({
      accountId: record.accountId,
      type: 'order.canceled',
      at: this.deps.clock.now(),
      message: `canceled by the owner: ${record.leg} ${record.side} ${record.amount} ${record.symbol}${record.triggerPrice ? ` @ ${record.triggerPrice}` : ''}`,
      data: { clientOrderIds: [record.clientOrderId] },
    });
    if (lastStop && isOpen(position))
      await this.deps.audit.append({
        accountId: record.accountId,
        type: 'alert',
        at: this.deps.clock.now(),
        message: `the ${position.side} ${position.quantity} ${position.symbol} has NO stop: the owner cancelled it with force`,
        data: { severity: 'warning', clientOrderId: record.clientOrderId },
      });
    return 'canceled';
  }

  /** Cancels one protective order on the exchange and marks its record cancelled. */
  private async cancelRef(exchange: SendingExchange, position: BookPosition, ref: ProtectiveOrderRef): Promise<void> {
    await exchange.cancelOrder(position.symbol, ref.clientOrderId, { conditional: true });
    await this.deps.orders
      .update(position.accountId, ref.clientOrderId, { status: 'canceled', updatedAt: this.deps.clock.now() })
      .catch(() => undefined);
  }

  /** Cancels every protective order the book knows for the position (before a close or reverse). */
  async cancelAll(exchange: SendingExchange, position: BookPosition): Promise<void> {
    const refs = refsOf(position);
    for (const ref of refs) {
      await exchange.cancelOrder(position.symbol, ref.clientOrderId, { conditional: true });
      await this.deps.orders
        .update(position.accountId, ref.clientOrderId, { status: 'canceled', updatedAt: this.deps.clock.now() })
        .catch(() => undefined);
    }
    if (refs.length) {
      await this.deps.book.setProtection(position.accountId, position.symbol, {});
      await this.deps.audit.append({
        accountId: position.accountId,
        type: 'order.canceled',
        at: this.deps.clock.now(),
        message: `canceled ${refs.length} protective order(s) on ${position.symbol}`,
        data: { clientOrderIds: refs.map((r) => r.clientOrderId) },
      });
    }
  }

  /**
   * Books protective fills the exchange reports, then restores consistency: flat → cancel what is
   * left (one-cancels-other); a target filled → the stop shrinks to the remainder and, when asked,
   * moves to the entry price. The new stop is placed before the old one is cancelled, so the
   * position is never without a stop.
   */
  async sync(
    exchange: SendingExchange,
    position: BookPosition,
    market: MarketInfo,
    reads?: OrderReads,
  ): Promise<SyncReport> {
    const report: SyncReport = { fills: 0, canceled: 0, stopMoved: false };
    const refs = refsOf(position);
    if (!refs.length) return report;
    const fired = new Set<string>();
    let lastTarget = 0; // index of the furthest target filled: names the replacement stop's leg
    for (const ref of refs) {
      const record = await this.deps.orders.get(position.accountId, ref.clientOrderId);
      if (!record) continue;
      if (record.bookedAt) {
        fired.add(ref.clientOrderId);
        if (record.leg.startsWith('tp')) lastTarget = Math.max(lastTarget, TP_LEGS.indexOf(record.leg) + 1);
        continue;
      }
      const order = await exchange.fetchOrderByClientId(position.symbol, ref.clientOrderId, { conditional: true });
      reads?.set(ref.clientOrderId, order);
      if (!order || !filledSomething(order)) continue;
      await this.deps.orders.update(
        record.accountId,
        record.clientOrderId,
        orderResultPatch(order, this.deps.clock.now()),
      );
      await this.deps.book.book(record, fillFrom(record, order, exitReasonOf(record.leg), position.leverage));
      await this.deps.audit.append({
        accountId: record.accountId,
        type: 'protective.triggered',
        at: this.deps.clock.now(),
        signalId: record.signalId,
        message: `${describeLeg(record.leg)} filled: ${record.side} ${order.filled} ${record.symbol} @ ${order.average}`,
        data: { clientOrderId: record.clientOrderId, trigger: record.triggerPrice, fill: order.average },
      });
      fired.add(ref.clientOrderId);
      report.fills++;
      if (record.leg.startsWith('tp')) lastTarget = Math.max(lastTarget, TP_LEGS.indexOf(record.leg) + 1);
    }
    if (!fired.size) return report;

    const after = await this.deps.book.position(position.accountId, position.symbol);
    const remaining = refs.filter((r) => !fired.has(r.clientOrderId));
    if (!isOpen(after)) {
      for (const ref of remaining) {
        await exchange.cancelOrder(position.symbol, ref.clientOrderId, { conditional: true });
        await this.deps.orders.update(position.accountId, ref.clientOrderId, {
          status: 'canceled',
          updatedAt: this.deps.clock.now(),
        });
        report.canceled++;
      }
      await this.deps.book.setProtection(position.accountId, position.symbol, {});
      if (report.canceled) {
        await this.deps.audit.append({
          accountId: position.accountId,
          type: 'order.canceled',
          at: this.deps.clock.now(),
          message: `position flat: canceled ${report.canceled} sibling protective order(s)`,
          data: { clientOrderIds: remaining.map((r) => r.clientOrderId) },
        });
      }
      return report;
    }

    const takeProfits = (position.takeProfits ?? []).filter((r) => !fired.has(r.clientOrderId));
    let stopLoss = position.stopLoss && !fired.has(position.stopLoss.clientOrderId) ? position.stopLoss : undefined;
    const firstTargetFired = position.takeProfits?.[0] && fired.has(position.takeProfits[0].clientOrderId);
    if (stopLoss && !stopLoss.trailingPercent) {
      const moveToEntry = position.breakEven && firstTargetFired;
      const trigger = moveToEntry
        ? roundToStep(position.entryPrice, market.priceStep).toString()
        : stopLoss.triggerPrice;
      const amount = floorToStep(after.quantity, market.amountStep).toString();
      if (trigger !== stopLoss.triggerPrice || amount !== stopLoss.amount) {
        const replaced = await this.replaceStop(
          exchange,
          position,
          after as BookPosition & { side: PositionSide },
          stopLoss,
          trigger,
          amount,
          `sl-be${lastTarget}` as OrderLeg,
          report,
        );
        if (replaced) {
          stopLoss = replaced;
          report.stopMoved = trigger !== position.stopLoss?.triggerPrice;
        }
      }
    }
    const protection: Protection = {
      takeProfits,
      ...(position.breakEven && !firstTargetFired ? { breakEven: true } : {}),
    };
    if (stopLoss) protection.stopLoss = stopLoss;
    // The trail beside a fixed stop follows the price, not the targets: break-even leaves it be.
    if (position.trailingStop && !fired.has(position.trailingStop.clientOrderId))
      protection.trailingStop = position.trailingStop;
    await this.deps.book.setProtection(position.accountId, position.symbol, protection);
    return report;
  }

  private async replaceStop(
    exchange: SendingExchange,
    position: BookPosition,
    after: BookPosition & { side: PositionSide },
    old: ProtectiveOrderRef,
    trigger: string,
    amount: string,
    leg: OrderLeg,
    report: SyncReport,
  ): Promise<ProtectiveOrderRef | undefined> {
    const oldRecord = await this.deps.orders.get(position.accountId, old.clientOrderId);
    if (!oldRecord || oldRecord.leg === leg) return undefined;
    const record = protectiveRecord(
      {
        accountId: oldRecord.accountId,
        signalId: oldRecord.signalId,
        leverage: after.leverage,
        ...(oldRecord.strategy ? { strategy: oldRecord.strategy } : {}),
      },
      after,
      { leg, type: 'stop_market', amount, triggerPrice: trigger },
      this.deps.clock.now(),
    );
    try {
      const result = await this.deps.sender.place(exchange, record);
      if (result.kind === 'filled')
        await this.deps.book.book(result.record, fillFrom(record, result.order, 'stop_loss'));
    } catch (error) {
      // The old stop still rests: keep it rather than leave the position unprotected.
      await this.deps.audit.append({
        accountId: position.accountId,
        type: 'order.failed',
        at: this.deps.clock.now(),
        message: `could not move the stop to ${trigger}; the previous stop ${old.triggerPrice} stays`,
        data: { error: error instanceof Error ? error.message : String(error) },
      });
      return undefined;
    }
    await exchange.cancelOrder(position.symbol, old.clientOrderId, { conditional: true });
    await this.deps.orders.update(position.accountId, old.clientOrderId, {
      status: 'canceled',
      updatedAt: this.deps.clock.now(),
    });
    report.canceled++;
    await this.deps.audit.append({
      accountId: position.accountId,
      type: 'order.sent',
      at: this.deps.clock.now(),
      message: `stop moved ${old.triggerPrice} → ${trigger} for ${amount} ${position.symbol}`,
      data: { clientOrderId: record.clientOrderId, leg: record.leg, from: old.clientOrderId, to: record.clientOrderId },
    });
    return { clientOrderId: record.clientOrderId, triggerPrice: trigger, amount };
  }
}

/** The trigger of the stop (or trailing stop) `spec` puts on the position, or why there is none. */
export function derivableStop(
  spec: ProtectionSpec,
  position: BookPosition & { side: PositionSide },
  market: MarketInfo,
): string | { reason: string } {
  if (!new Big(position.entryPrice || '0').gt(0))
    return { reason: `no entry price on the book (${position.entryPrice})` };
  if (floorToStep(position.quantity, market.amountStep).lte(0))
    return { reason: `${position.quantity} is below the lot step ${market.amountStep}` };
  const plan = planProtection(spec, position.side, position.quantity, position.entryPrice, market, false);
  const stop = plan.find((p) => p.leg === 'sl') ?? plan.find((p) => p.leg === 'trail');
  if (!stop?.triggerPrice) return { reason: 'the recorded protection has no stop' };
  if (!new Big(stop.triggerPrice).gt(0)) return { reason: `the stop trigger ${stop.triggerPrice} is not a price` };
  return stop.triggerPrice;
}

/** True when the recorded protection asks for a stop or a trailing stop (not only targets). */
export const wantsStop = (spec: Pick<ProtectionSpec, 'sl' | 'trailPct'> | undefined): spec is ProtectionSpec =>
  !!spec && (spec.sl !== undefined || spec.trailPct !== undefined);

/** The book's two stop slots: the stop (fixed, or a lone trail) and the trail beside a fixed stop. */
export type StopSlot = 'stopLoss' | 'trailingStop';

/** The slot holding the position's emulated trailing stop (the risk-check job moves it), if any. */
export function emulatedTrailSlot(position: BookPosition): StopSlot | undefined {
  if (position.trailingStop?.emulatedTrail) return 'trailingStop';
  if (position.stopLoss?.emulatedTrail) return 'stopLoss';
  return undefined;
}

/** The protection the book holds for the position, as setProtection takes it. */
function protectionOf(position: BookPosition): Protection {
  return {
    takeProfits: position.takeProfits ?? [],
    ...(position.stopLoss ? { stopLoss: position.stopLoss } : {}),
    ...(position.trailingStop ? { trailingStop: position.trailingStop } : {}),
    ...(position.breakEven ? { breakEven: true } : {}),
  };
}

/** Every protective order the book holds for the position: stop, trailing stop, targets. */
export function refsOf(position: BookPosition): ProtectiveOrderRef[] {
  return [position.stopLoss, position.trailingStop, ...(position.takeProfits ?? [])].filter(
    (r): r is ProtectiveOrderRef => !!r,
  );
}

function protectiveRecord(
  origin: ProtectionOrigin,
  position: BookPosition & { side?: PositionSide },
  item: PlannedProtective,
  now: number,
): OrderRecord {
  if (!isConditional(item.type)) throw new InvariantError(`protective order ${item.leg} must be conditional`);
  return closingRecord(origin, position, item, now);
}

/** The intent of a reduce-only order that closes (part of) the position, keyed by signal and leg. */
function closingRecord(
  origin: ProtectionOrigin,
  position: BookPosition & { side?: PositionSide },
  item: PlannedProtective,
  now: number,
): OrderRecord {
  const record: OrderRecord = {
    accountId: origin.accountId,
    clientOrderId: clientOrderIdFor(origin.signalId, item.leg),
    signalId: origin.signalId,
    leg: item.leg,
    symbol: position.symbol,
    side: closingSide(position.side as PositionSide),
    type: item.type,
    reduceOnly: true,
    amount: item.amount,
    status: 'intent',
    leverage: origin.leverage,
    createdAt: now,
    updatedAt: now,
  };
  if (item.triggerPrice) record.triggerPrice = item.triggerPrice;
  // An emulated trail is a plain stop on the exchange: the distance lives on the book's ref only.
  if (item.trailingPercent !== undefined && !item.emulated) record.trailingPercent = item.trailingPercent;
  if (origin.strategy) record.strategy = origin.strategy;
  return record;
}

const filledSomething = (order: ExchangeOrder): boolean =>
  order.filled !== '0' && order.filled !== '' && order.status !== 'open';

const exitReasonOf = (leg: OrderLeg): 'stop_loss' | 'take_profit' =>
  leg.startsWith('tp') ? 'take_profit' : 'stop_loss';

const describeLeg = (leg: OrderLeg): string =>
  leg.startsWith('tp') ? `take-profit ${leg}` : leg === 'trail' ? 'trailing stop' : 'stop-loss';
