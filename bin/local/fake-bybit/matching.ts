// The matching engine: fills at the last price (market and marketable orders, taker fee) or at the
// order's price (resting limits crossed by a price move, maker fee), books the position, wallet and
// execution; fires conditional orders as market orders on the SAME record (docs orderStatus:
// Untriggered → Triggered → New/Filled, the orderId and orderLinkId kept).
import { Big } from '../../../shared/core/domain/money';
import { type Account, type BybitState, MAKER_FEE, TAKER_FEE } from './state';
import type { FakeBybitOrder, Side } from './types';

const signed = (side: Side, qty: Big): Big => (side === 'Buy' ? qty : qty.neg());

/** Coins a reduce-only order may still close: the opposite side of the position, else 0. */
export function reducible(state: BybitState, account: Account, symbol: string, side: Side): Big {
  const size = state.position(account, symbol).size;
  if (side === 'Sell' && size.gt(0)) return size;
  if (side === 'Buy' && size.lt(0)) return size.abs();
  return new Big(0);
}

/** Books one execution of `qty` at `px`: position, realised P&L, fee, wallet and the execution row. */
function execute(state: BybitState, account: Account, order: FakeBybitOrder, qty: Big, px: Big, feeRate: string): void {
  const position = state.position(account, order.symbol);
  const delta = signed(order.side, qty);
  const now = state.now();
  let pnl = new Big(0);
  let closed = new Big(0);
  const opening = position.size.eq(0) || position.size.gt(0) === delta.gt(0);
  if (opening) {
    const total = position.size.plus(delta);
    position.avgPrice = position.size.abs().times(position.avgPrice).plus(qty.times(px)).div(total.abs());
    if (position.size.eq(0)) {
      position.createdTime = now;
      position.curRealisedPnl = new Big(0);
    }
    position.size = total;
  } else {
    closed = qty.lt(position.size.abs()) ? qty : position.size.abs();
    pnl = px.minus(position.avgPrice).times(position.size.gt(0) ? closed : closed.neg());
    const rest = position.size.plus(delta);
    if (rest.eq(0)) position.avgPrice = new Big(0);
    else if (rest.gt(0) !== position.size.gt(0)) {
      // through zero: the remainder opens at this price
      position.avgPrice = px;
      position.createdTime = now;
    }
    position.size = rest;
  }
  const value = qty.times(px);
  const fee = value.times(feeRate);
  position.curRealisedPnl = position.curRealisedPnl.plus(pnl).minus(fee);
  position.cumRealisedPnl = position.cumRealisedPnl.plus(pnl).minus(fee);
  position.updatedTime = now;
  account.wallet = account.wallet.plus(pnl).minus(fee);

  const filledBefore = new Big(order.cumExecQty);
  const filled = filledBefore.plus(qty);
  order.cumExecQty = filled.toString();
  order.cumExecValue = new Big(order.cumExecValue).plus(value).toString();
  order.avgPrice = new Big(order.cumExecValue).div(filled).toString();
  order.cumExecFee = new Big(order.cumExecFee).plus(fee).toString();
  order.orderStatus = filled.gte(order.qty) ? 'Filled' : 'PartiallyFilled';
  order.updatedTime = now;

  state.executions.push({
    apiKey: order.apiKey,
    execId: state.nextId(),
    execType: 'Trade',
    orderId: order.orderId,
    orderLinkId: order.orderLinkId,
    symbol: order.symbol,
    side: order.side,
    orderType: order.orderType,
    stopOrderType: order.stopOrderType === '' ? 'UNKNOWN' : order.stopOrderType,
    execQty: qty.toString(),
    execPrice: px.toString(),
    execValue: value.toString(),
    execFee: fee.toString(),
    feeRate,
    isMaker: feeRate === MAKER_FEE,
    orderQty: order.qty,
    orderPrice: order.price,
    leavesQty: new Big(order.qty).minus(filled).toString(),
    closedSize: closed.toString(),
    markPrice: state.price(order.symbol).toString(),
    execTime: now,
  });
}

function clipped(state: BybitState, account: Account, order: FakeBybitOrder, qty: Big): Big {
  if (!order.reduceOnly) return qty;
  const max = reducible(state, account, order.symbol, order.side);
  return max.lt(qty) ? max : qty;
}

/**
 * A market order (or the one a conditional order becomes): fills now at the last price, reduce-only
 * clipped to the position; `fraction` (a scripted partial fill) fills part. What a market order could
 * not fill is cancelled (linear: "Cancelled" with cumExecQty kept; PartiallyFilledCanceled is spot only).
 */
export function fillMarket(state: BybitState, account: Account, order: FakeBybitOrder, fraction?: number): void {
  const step = state.instrument(order.symbol).lotSizeFilter.qtyStep;
  let qty = clipped(state, account, order, new Big(order.qty));
  if (fraction !== undefined) qty = qty.times(fraction).div(step).round(0, Big.roundDown).times(step);
  if (qty.gt(0)) execute(state, account, order, qty, state.price(order.symbol), TAKER_FEE);
  if (order.orderStatus !== 'Filled') {
    order.orderStatus = 'Cancelled';
    order.updatedTime = state.now();
  }
}

/** Whether a limit at `px` on `side` trades against the last price. */
export function crosses(side: Side, px: Big, last: Big): boolean {
  return side === 'Buy' ? last.lte(px) : last.gte(px);
}

/** A marketable limit takes at the last price (better or equal to its own); called on placement. */
export function takeLimit(state: BybitState, account: Account, order: FakeBybitOrder): void {
  const qty = clipped(state, account, order, new Big(order.qty));
  if (qty.gt(0)) execute(state, account, order, qty, state.price(order.symbol), TAKER_FEE);
}

function restingFill(state: BybitState, order: FakeBybitOrder, last: Big): void {
  if (!crosses(order.side, new Big(order.price), last)) return;
  const account = state.accountOrThrow(order.apiKey);
  const qty = clipped(state, account, order, new Big(order.qty).minus(order.cumExecQty));
  if (qty.eq(0)) {
    // a reduce-only order whose position is gone is cancelled
    order.orderStatus = 'Cancelled';
    order.updatedTime = state.now();
    return;
  }
  execute(state, account, order, qty, new Big(order.price), MAKER_FEE);
}

/** triggerDirection 1: fires when the last price rises to the trigger; 2: when it falls to it. */
export function triggered(order: FakeBybitOrder, last: Big): boolean {
  return order.triggerDirection === 1 ? last.gte(order.triggerPrice) : last.lte(order.triggerPrice);
}

/** A conditional order whose trigger is reached becomes a market order on the same record. */
function fire(state: BybitState, order: FakeBybitOrder): void {
  const account = state.accountOrThrow(order.apiKey);
  order.orderStatus = 'Triggered';
  order.updatedTime = state.now();
  // a reduce-only conditional with no position left is cancelled when it fires
  fillMarket(state, account, order);
  if (order.cumExecQty === '0' && order.reduceOnly) order.orderStatus = 'Deactivated';
}

/** After the last price of symbol moved: resting limits cross, conditional orders fire (in placement order). */
export function onPriceMove(state: BybitState, symbol: string): void {
  const last = state.price(symbol);
  for (const order of state.orders) {
    if (order.symbol !== symbol) continue;
    if (order.orderStatus === 'Untriggered') {
      if (triggered(order, last)) fire(state, order);
      continue;
    }
    if ((order.orderStatus === 'New' || order.orderStatus === 'PartiallyFilled') && order.orderType === 'Limit')
      restingFill(state, order, last);
  }
}
