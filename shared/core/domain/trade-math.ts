// Pure money math of the book: how one fill changes a position and its trade. No I/O, exact
// decimals; the executor and the paper-trigger settlement both call it, so P&L is computed once.
import { Big } from './money';
import type { OrderSide } from './order';
import type { BookPosition, PositionSide, TradeRecord } from './trade';
import { InvariantError } from '../errors';

export interface Fill {
  clientOrderId: string;
  signalId: string;
  side: OrderSide;
  /** base units filled */
  quantity: string;
  /** average fill price */
  price: string;
  /** fee in the quote currency */
  fee: number;
  at: number;
  leverage: number;
  strategy?: string;
  exitReason?: TradeRecord['exitReason'];
}

export interface BookUpdate {
  position: BookPosition;
  /** trades created or changed by this fill (a reversing fill touches two) */
  trades: TradeRecord[];
  opened?: TradeRecord;
  closed?: TradeRecord;
}

const MAX_APPLIED_IDS = 50;

/** The order side that reduces a position. */
export const closingSide = (side: PositionSide): OrderSide => (side === 'long' ? 'sell' : 'buy');

/** A long's stop-loss and a short's take-profit sit below the entry; the other two above. */
export const levelSitsBelow = (leg: 'sl' | 'tp', side: PositionSide): boolean => (leg === 'sl') === (side === 'long');

export function flatPosition(accountId: string, symbol: string, at: number): BookPosition {
  return { accountId, symbol, quantity: '0', entryPrice: '0', leverage: 1, updatedAt: at, appliedOrderIds: [], version: 0 };
}

export const isOpen = (p: BookPosition | undefined): p is BookPosition & { side: PositionSide; tradeId: string } =>
  !!p && !!p.side && new Big(p.quantity).gt(0);

/** Trade ids sort by time inside an account's partition and are derived from the opening order. */
export const tradeIdFor = (openedAt: number, clientOrderId: string): string =>
  `${String(openedAt).padStart(13, '0')}-${clientOrderId}`;

/**
 * Funding payments of an open trade (negative amount = paid) counted once: those after the last one
 * already counted. Paid funding is a cost: it raises `funding` and lowers `realizedPnl`.
 */
export function applyFunding(trade: TradeRecord, payments: readonly { amount: number; timestamp: number }[], at: number): TradeRecord | undefined {
  const after = trade.fundingSyncedAt ?? trade.openedAt - 1;
  const fresh = payments.filter((p) => p.timestamp > after && Number.isFinite(p.amount));
  if (!fresh.length) return undefined;
  const cost = fresh.reduce((sum, p) => sum.minus(p.amount), new Big(0));
  return {
    ...trade,
    funding: money(new Big(trade.funding).plus(cost)),
    realizedPnl: money(new Big(trade.realizedPnl).minus(cost)),
    fundingSyncedAt: Math.max(...fresh.map((p) => p.timestamp)),
    updatedAt: at,
  };
}

export function applyFill(position: BookPosition, openTrade: TradeRecord | undefined, fill: Fill): BookUpdate {
  if (position.appliedOrderIds.includes(fill.clientOrderId)) {
    return { position, trades: [] }; // already reflected: applying twice would double count
  }
  const qty = new Big(fill.quantity);
  if (qty.lte(0)) return { position: markApplied(position, fill), trades: [] };
  const fillSide: PositionSide = fill.side === 'buy' ? 'long' : 'short';

  if (!isOpen(position) || position.side === fillSide) {
    return increase(position, openTrade, fill, fillSide, qty);
  }
  if (!openTrade || openTrade.tradeId !== position.tradeId) {
    throw new InvariantError(`book inconsistency: open position ${position.symbol} has no matching open trade`);
  }
  const held = new Big(position.quantity);
  const closing = qty.gt(held) ? held : qty;
  const feeShareClose = qty.gt(held) ? new Big(fill.fee).times(closing).div(qty) : new Big(fill.fee);
  const reduced = reduce(position, openTrade, fill, closing, new Big(money(feeShareClose)));
  if (qty.lte(held)) return reduced;
  // One-way mode: the rest of an opposite fill opens a position the other way.
  const rest = qty.minus(held);
  const restFill: Fill = { ...fill, quantity: rest.toString(), fee: money(new Big(fill.fee).minus(feeShareClose)) };
  const reopened = increase({ ...reduced.position, appliedOrderIds: reduced.position.appliedOrderIds.filter((id) => id !== fill.clientOrderId) }, undefined, restFill, fillSide, rest);
  const update: BookUpdate = { position: reopened.position, trades: [...reduced.trades, ...reopened.trades] };
  if (reduced.closed) update.closed = reduced.closed;
  if (reopened.opened) update.opened = reopened.opened;
  return update;
}

function increase(position: BookPosition, openTrade: TradeRecord | undefined, fill: Fill, side: PositionSide, qty: Big): BookUpdate {
  const price = new Big(fill.price);
  if (!isOpen(position)) {
    const tradeId = tradeIdFor(fill.at, fill.clientOrderId);
    const trade: TradeRecord = {
      accountId: position.accountId,
      tradeId,
      symbol: position.symbol,
      side,
      status: 'open',
      leverage: fill.leverage,
      quantity: qty.toString(),
      maxQuantity: qty.toString(),
      entryPrice: price.toString(),
      exitedQuantity: '0',
      openedAt: fill.at,
      fees: fill.fee,
      funding: 0,
      realizedPnl: -fill.fee,
      openSignalId: fill.signalId,
      updatedAt: fill.at,
    };
    if (fill.strategy) trade.strategy = fill.strategy;
    const next: BookPosition = {
      ...position,
      side,
      quantity: qty.toString(),
      entryPrice: price.toString(),
      leverage: fill.leverage,
      tradeId,
      openedAt: fill.at,
      updatedAt: fill.at,
    };
    delete next.stopLoss;
    delete next.takeProfits;
    delete next.breakEven;
    if (fill.strategy) next.strategy = fill.strategy;
    else delete next.strategy;
    return { position: markApplied(next, fill), trades: [trade], opened: trade };
  }
  if (!openTrade || openTrade.tradeId !== position.tradeId) {
    throw new InvariantError(`book inconsistency: open position ${position.symbol} has no matching open trade`);
  }
  const held = new Big(position.quantity);
  const total = held.plus(qty);
  const avg = held.times(position.entryPrice).plus(qty.times(price)).div(total);
  const trade: TradeRecord = {
    ...openTrade,
    quantity: total.toString(),
    maxQuantity: (total.gt(openTrade.maxQuantity) ? total : new Big(openTrade.maxQuantity)).toString(),
    entryPrice: trimPrice(avg),
    leverage: fill.leverage,
    fees: money(new Big(openTrade.fees).plus(fill.fee)),
    realizedPnl: money(new Big(openTrade.realizedPnl).minus(fill.fee)),
    updatedAt: fill.at,
  };
  const next: BookPosition = { ...position, quantity: total.toString(), entryPrice: trimPrice(avg), leverage: fill.leverage, updatedAt: fill.at };
  return { position: markApplied(next, fill), trades: [trade] };
}

function reduce(position: BookPosition & { side: PositionSide }, trade: TradeRecord, fill: Fill, closing: Big, fee: Big): BookUpdate {
  const held = new Big(position.quantity);
  const exit = new Big(fill.price);
  const entry = new Big(position.entryPrice);
  const pricePnl = position.side === 'long' ? exit.minus(entry).times(closing) : entry.minus(exit).times(closing);
  const exitedBefore = new Big(trade.exitedQuantity);
  const exitedNow = exitedBefore.plus(closing);
  const avgExit = trade.exitPrice
    ? exitedBefore.times(trade.exitPrice).plus(closing.times(exit)).div(exitedNow)
    : exit;
  const remaining = held.minus(closing);
  const realized = new Big(trade.realizedPnl).plus(pricePnl).minus(fee);
  const updated: TradeRecord = {
    ...trade,
    quantity: remaining.toString(),
    exitedQuantity: exitedNow.toString(),
    exitPrice: trimPrice(avgExit),
    fees: money(new Big(trade.fees).plus(fee)),
    realizedPnl: money(realized),
    updatedAt: fill.at,
  };
  if (remaining.eq(0)) {
    updated.status = 'closed';
    updated.closedAt = fill.at;
    updated.closeSignalId = fill.signalId;
    updated.exitReason = fill.exitReason ?? 'signal';
    const initialMargin = new Big(trade.entryPrice).times(trade.maxQuantity).div(trade.leverage || 1);
    if (initialMargin.gt(0)) updated.roiPct = Number(realized.div(initialMargin).times(100).round(4).toString());
    const flat: BookPosition = { ...position, quantity: '0', entryPrice: '0', updatedAt: fill.at };
    delete flat.side;
    delete flat.tradeId;
    delete flat.stopLoss;
    delete flat.takeProfits;
    delete flat.breakEven;
    delete flat.strategy;
    delete flat.openedAt;
    return { position: markApplied(flat, fill), trades: [updated], closed: updated };
  }
  const next: BookPosition = { ...position, quantity: remaining.toString(), updatedAt: fill.at };
  return { position: markApplied(next, fill), trades: [updated] };
}

function markApplied(position: BookPosition, fill: Fill): BookPosition {
  const ids = [...position.appliedOrderIds, fill.clientOrderId].slice(-MAX_APPLIED_IDS);
  return { ...position, appliedOrderIds: ids };
}

const money = (v: Big): number => Number(v.round(8, Big.roundHalfUp).toString());
const trimPrice = (v: Big): string => v.round(12, Big.roundHalfUp).toString();
