// Pure money math of the book: how one fill changes a position and its trade. No I/O, exact
// decimals; the executor and the paper-trigger settlement both call it, so P&L is computed once.
import { Big, toDecimal, type Decimal } from './money';
import type { OrderSide } from './order';
import type { AlgoTag, ArbTag, BookPosition, PositionSide, TradeRecord } from './trade';
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
  fee: Decimal;
  at: number;
  leverage: number;
  strategy?: string;
  /** a sliced entry's child: the trade it opens or adds to carries its parent */
  algo?: AlgoTag;
  /** a funding-arbitrage leg's entry: the trade it opens carries its plan, round and leg */
  arb?: ArbTag;
  exitReason?: TradeRecord['exitReason'];
}

export interface BookUpdate {
  position: BookPosition;
  /** trades created or changed by this fill (a reversing fill touches two) */
  trades: TradeRecord[];
  opened?: TradeRecord;
  closed?: TradeRecord;
  /** what this fill added to each trade's totals (the book keeper audits them) */
  entries: TradeEntry[];
}

/**
 * What one fill or one funding settlement added to a trade's totals. The trade's fees, funding
 * and realizedPnl are the exact sums of its entries: the audit trail can be added up to the book.
 */
export interface TradeEntry {
  tradeId: string;
  /** the fill's client order id, or "funding" */
  cause: string;
  fee: Decimal;
  funding: Decimal;
  /** price P&L of the quantity this fill closed (0 for an entry or funding) */
  pricePnl: Decimal;
  /** change of the trade's realizedPnl: pricePnl − fee − funding */
  realizedPnl: Decimal;
}

const MAX_APPLIED_IDS = 50;

/** The order side that reduces a position. */
export const closingSide = (side: PositionSide): OrderSide => (side === 'long' ? 'sell' : 'buy');

/** A long's stop-loss and a short's take-profit sit below the entry; the other two above. */
export const levelSitsBelow = (leg: 'sl' | 'tp', side: PositionSide): boolean => (leg === 'sl') === (side === 'long');

export function flatPosition(accountId: string, symbol: string, at: number): BookPosition {
  return {
    accountId,
    symbol,
    quantity: '0',
    entryPrice: '0',
    leverage: 1,
    updatedAt: at,
    appliedOrderIds: [],
    version: 0,
  };
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
export function applyFunding(
  trade: TradeRecord,
  payments: readonly { amount: Decimal; timestamp: number }[],
  at: number,
): { trade: TradeRecord; entry: TradeEntry } | undefined {
  const after = trade.fundingSyncedAt ?? trade.openedAt - 1;
  const fresh = payments.filter((p) => p.timestamp > after && isDecimal(p.amount));
  if (!fresh.length) return undefined;
  const cost = fresh.reduce((sum, p) => sum.minus(p.amount), new Big(0));
  const entry: TradeEntry = {
    tradeId: trade.tradeId,
    cause: 'funding',
    fee: '0',
    funding: cost.toString(),
    pricePnl: '0',
    realizedPnl: cost.neg().toString(),
  };
  return {
    trade: {
      ...trade,
      funding: new Big(trade.funding).plus(cost).toString(),
      realizedPnl: new Big(trade.realizedPnl).plus(entry.realizedPnl).toString(),
      fundingSyncedAt: Math.max(...fresh.map((p) => p.timestamp)),
      updatedAt: at,
    },
    entry,
  };
}

export function applyFill(position: BookPosition, openTrade: TradeRecord | undefined, fill: Fill): BookUpdate {
  if (position.appliedOrderIds.includes(fill.clientOrderId)) {
    return { position, trades: [], entries: [] }; // already reflected: applying twice would double count
  }
  const qty = new Big(fill.quantity);
  if (qty.lte(0)) return { position: markApplied(position, fill), trades: [], entries: [] };
  const fillSide: PositionSide = fill.side === 'buy' ? 'long' : 'short';

  if (!isOpen(position) || position.side === fillSide) {
    return increase(position, openTrade, fill, fillSide, qty);
  }
  if (!openTrade || openTrade.tradeId !== position.tradeId) {
    throw new InvariantError(`book inconsistency: open position ${position.symbol} has no matching open trade`);
  }
  const held = new Big(position.quantity);
  const closing = qty.gt(held) ? held : qty;
  // A reversing fill's fee is split by quantity; the close's share is rounded to 1e-8 and the
  // reopen takes the exact rest, so the two shares still add up to the fee charged.
  const feeShareClose = qty.gt(held)
    ? new Big(fill.fee).times(closing).div(qty).round(8, Big.roundHalfUp)
    : new Big(fill.fee);
  const reduced = reduce(position, openTrade, fill, closing, feeShareClose);
  if (qty.lte(held)) return reduced;
  // One-way mode: the rest of an opposite fill opens a position the other way.
  const rest = qty.minus(held);
  const restFill: Fill = { ...fill, quantity: rest.toString(), fee: new Big(fill.fee).minus(feeShareClose).toString() };
  const reopened = increase(
    {
      ...reduced.position,
      appliedOrderIds: reduced.position.appliedOrderIds.filter((id) => id !== fill.clientOrderId),
    },
    undefined,
    restFill,
    fillSide,
    rest,
  );
  const update: BookUpdate = {
    position: reopened.position,
    trades: [...reduced.trades, ...reopened.trades],
    entries: [...reduced.entries, ...reopened.entries],
  };
  if (reduced.closed) update.closed = reduced.closed;
  if (reopened.opened) update.opened = reopened.opened;
  return update;
}

function increase(
  position: BookPosition,
  openTrade: TradeRecord | undefined,
  fill: Fill,
  side: PositionSide,
  qty: Big,
): BookUpdate {
  const price = new Big(fill.price);
  const fee = new Big(fill.fee);
  const notional = qty.times(price);
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
      fees: fee.toString(),
      funding: '0',
      realizedPnl: fee.neg().toString(),
      entryNotional: notional.toString(),
      exitNotional: '0',
      openSignalId: fill.signalId,
      updatedAt: fill.at,
    };
    if (fill.strategy) trade.strategy = fill.strategy;
    if (fill.algo) trade.algo = fill.algo;
    if (fill.arb) trade.arb = fill.arb;
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
    delete next.trailingStop;
    delete next.takeProfits;
    delete next.breakEven;
    if (fill.strategy) next.strategy = fill.strategy;
    else delete next.strategy;
    return {
      position: markApplied(next, fill),
      trades: [trade],
      opened: trade,
      entries: [entryOf(trade, fill, fee, new Big(0))],
    };
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
    fees: new Big(openTrade.fees).plus(fee).toString(),
    realizedPnl: new Big(openTrade.realizedPnl).minus(fee).toString(),
    updatedAt: fill.at,
  };
  // The parent's later children add to the trade its first one opened: one trade, its slices counted.
  if (fill.algo) trade.algo = fill.algo;
  if (openTrade.entryNotional !== undefined)
    trade.entryNotional = new Big(openTrade.entryNotional).plus(notional).toString();
  const next: BookPosition = {
    ...position,
    quantity: total.toString(),
    entryPrice: trimPrice(avg),
    leverage: fill.leverage,
    updatedAt: fill.at,
  };
  return { position: markApplied(next, fill), trades: [trade], entries: [entryOf(trade, fill, fee, new Big(0))] };
}

function reduce(
  position: BookPosition & { side: PositionSide },
  trade: TradeRecord,
  fill: Fill,
  closing: Big,
  fee: Big,
): BookUpdate {
  const held = new Big(position.quantity);
  const exit = new Big(fill.price);
  const entry = new Big(position.entryPrice);
  const remaining = held.minus(closing);
  const sign = position.side === 'long' ? 1 : -1;
  const exitNotional =
    trade.exitNotional !== undefined ? new Big(trade.exitNotional).plus(closing.times(exit)) : undefined;
  // A partial exit books its share against the average entry (to 1e-8); the closing exit books
  // what is left of Σ exits − Σ entries, so the closed trade's price P&L carries no rounding.
  const pricePnl =
    remaining.eq(0) && exitNotional && trade.entryNotional !== undefined
      ? exitNotional.minus(trade.entryNotional).times(sign).minus(pricePnlSoFar(trade))
      : exit.minus(entry).times(closing).times(sign).round(8, Big.roundHalfUp);
  const exitedBefore = new Big(trade.exitedQuantity);
  const exitedNow = exitedBefore.plus(closing);
  const avgExit = trade.exitPrice ? exitedBefore.times(trade.exitPrice).plus(closing.times(exit)).div(exitedNow) : exit;
  const realized = new Big(trade.realizedPnl).plus(pricePnl).minus(fee);
  const updated: TradeRecord = {
    ...trade,
    quantity: remaining.toString(),
    exitedQuantity: exitedNow.toString(),
    exitPrice: trimPrice(avgExit),
    fees: new Big(trade.fees).plus(fee).toString(),
    realizedPnl: realized.toString(),
    updatedAt: fill.at,
  };
  if (exitNotional) updated.exitNotional = exitNotional.toString();
  const entries = [entryOf(updated, fill, fee, pricePnl)];
  if (remaining.eq(0)) {
    updated.status = 'closed';
    updated.closedAt = fill.at;
    updated.closeSignalId = fill.signalId;
    updated.exitReason = fill.exitReason ?? 'signal';
    const initialMargin = new Big(trade.entryPrice).times(trade.maxQuantity).div(trade.leverage || 1);
    // roiPct is a ratio for display and statistics, not an amount: a number is its right type.
    if (initialMargin.gt(0)) updated.roiPct = Number(realized.div(initialMargin).times(100).round(4).toString());
    const flat: BookPosition = { ...position, quantity: '0', entryPrice: '0', updatedAt: fill.at };
    delete flat.side;
    delete flat.tradeId;
    delete flat.stopLoss;
    delete flat.trailingStop;
    delete flat.takeProfits;
    delete flat.breakEven;
    delete flat.strategy;
    delete flat.openedAt;
    return { position: markApplied(flat, fill), trades: [updated], closed: updated, entries };
  }
  const next: BookPosition = { ...position, quantity: remaining.toString(), updatedAt: fill.at };
  return { position: markApplied(next, fill), trades: [updated], entries };
}

function markApplied(position: BookPosition, fill: Fill): BookPosition {
  const ids = [...position.appliedOrderIds, fill.clientOrderId].slice(-MAX_APPLIED_IDS);
  return { ...position, appliedOrderIds: ids };
}

function entryOf(trade: TradeRecord, fill: Fill, fee: Big, pricePnl: Big): TradeEntry {
  return {
    tradeId: trade.tradeId,
    cause: fill.clientOrderId,
    fee: fee.toString(),
    funding: '0',
    pricePnl: pricePnl.toString(),
    realizedPnl: pricePnl.minus(fee).toString(),
  };
}

/** Price P&L booked so far: realizedPnl is price P&L less every fee and funding paid. */
const pricePnlSoFar = (trade: TradeRecord): Big => new Big(trade.realizedPnl).plus(trade.fees).plus(trade.funding);

const isDecimal = (v: Decimal): boolean => {
  try {
    toDecimal(v);
    return true;
  } catch {
    return false;
  }
};
const trimPrice = (v: Big): string => v.round(12, Big.roundHalfUp).toString();
