// Placing and cancelling with Bybit's checks (docs: Place Order, Cancel Order, Error Codes): the
// symbol exists, qty a whole number of qtyStep within [minOrderQty, maxMktOrderQty|maxOrderQty],
// price on the tick, value >= minNotionalValue (110094), positionIdx 0 in one-way mode, orderLinkId
// <= 36 of [A-Za-z0-9_-] and never reused (110072: "always unique"), a reduce-only order needs a
// position (110017; a conditional one when it fires), an opening order needs the margin (110007), a
// conditional order's trigger must not be reached already (110092 rising, 110093 falling).
import { Big } from '../../../shared/core/domain/money';
import { errors } from './errors';
import type { Instrument } from './instruments';
import { crosses, fillMarket, reducible, takeLimit } from './matching';
import { type Account, type BybitState, MARKET_PROTECTION } from './state';
import type { FakeBybitOrder, Side, TimeInForce } from './types';

export type Params = Record<string, unknown>;

const LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;
const TIME_IN_FORCE: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK', 'PostOnly'];

export function param(params: Params, field: string): string | undefined {
  const v = params[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
    throw errors.param(field, 'must be a string or number');
  return String(v);
}

function required(params: Params, field: string): string {
  const v = param(params, field);
  if (v === undefined) throw errors.param(field, 'is required');
  return v;
}

function positive(params: Params, field: string): Big | undefined {
  const v = param(params, field);
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v) || new Big(v).lte(0)) throw errors.param(field, 'must be a positive decimal');
  return new Big(v);
}

function flag(params: Params, field: string): boolean {
  const v = params[field];
  if (v === undefined || v === '' || v === false || v === 'false') return false;
  if (v === true || v === 'true') return true;
  throw errors.param(field, 'must be true or false');
}

export function linear(params: Params): void {
  if (required(params, 'category') !== 'linear') throw errors.param('category', '(fake-bybit serves linear only)');
}

function onTick(value: Big, inst: Instrument, field: string): string {
  if (
    !value.mod(inst.priceFilter.tickSize).eq(0) ||
    value.lt(inst.priceFilter.minPrice) ||
    value.gt(inst.priceFilter.maxPrice)
  ) {
    throw errors.param(
      field,
      `must be a multiple of ${inst.priceFilter.tickSize} in [${inst.priceFilter.minPrice}, ${inst.priceFilter.maxPrice}]`,
    );
  }
  return value.toString();
}

/** An opening order needs its initial margin free (value ÷ leverage), as Bybit's 110007. */
function checkMargin(state: BybitState, account: Account, symbol: string, side: Side, qty: Big, px: Big): void {
  const opening = qty.minus(reducible(state, account, symbol, side));
  if (opening.lte(0)) return;
  const margin = opening.times(px).div(state.leverage(account, symbol));
  if (margin.gt(state.available(account))) throw errors.insufficient();
}

export function placeOrder(state: BybitState, account: Account, params: Params, fraction?: number): FakeBybitOrder {
  linear(params);
  const inst = state.instrument(param(params, 'symbol'));
  const side = required(params, 'side');
  if (side !== 'Buy' && side !== 'Sell') throw errors.param('side', 'must be Buy or Sell');
  const orderType = required(params, 'orderType');
  if (orderType !== 'Market' && orderType !== 'Limit') throw errors.param('orderType', 'must be Market or Limit');
  const lot = inst.lotSizeFilter;
  const qty = positive(params, 'qty');
  if (!qty) throw errors.param('qty', 'is required');
  const maxQty = orderType === 'Market' ? lot.maxMktOrderQty : lot.maxOrderQty;
  if (!qty.mod(lot.qtyStep).eq(0) || qty.lt(lot.minOrderQty) || qty.gt(maxQty))
    throw errors.param('qty', `must be a multiple of ${lot.qtyStep} in [${lot.minOrderQty}, ${maxQty}]`);
  const positionIdx = Number(param(params, 'positionIdx') ?? 0);
  if (positionIdx !== (account.hedged ? (side === 'Buy' ? 1 : 2) : 0))
    throw errors.param(
      'positionIdx',
      `${positionIdx} does not match the position mode (${account.hedged ? 'hedge: 1 buy side, 2 sell side' : 'one-way: 0'})`,
    );
  const orderLinkId = param(params, 'orderLinkId') ?? '';
  if (orderLinkId !== '' && !LINK_ID.test(orderLinkId)) throw errors.param('orderLinkId', 'max 36 of A-Z a-z 0-9 _ -');
  if (orderLinkId !== '' && state.orders.some((o) => o.apiKey === account.seed.apiKey && o.orderLinkId === orderLinkId))
    throw errors.duplicateLinkId();
  const timeInForce = (param(params, 'timeInForce') ?? (orderType === 'Market' ? 'IOC' : 'GTC')) as TimeInForce;
  if (!TIME_IN_FORCE.includes(timeInForce))
    throw errors.param('timeInForce', `must be one of ${TIME_IN_FORCE.join(', ')}`);
  const last = state.price(inst.symbol);
  let price: Big;
  if (orderType === 'Limit') {
    const p = positive(params, 'price');
    if (!p) throw errors.param('price', 'is required for a Limit order');
    price = new Big(onTick(p, inst, 'price'));
  } else {
    const bound = side === 'Buy' ? new Big(1).plus(MARKET_PROTECTION) : new Big(1).minus(MARKET_PROTECTION);
    price = last.times(bound).div(inst.priceFilter.tickSize).round(0, Big.roundDown).times(inst.priceFilter.tickSize);
  }
  const reduceOnly = flag(params, 'reduceOnly');
  const closeOnTrigger = flag(params, 'closeOnTrigger');
  const triggerPrice = positive(params, 'triggerPrice');
  const direction = param(params, 'triggerDirection');
  if ((triggerPrice === undefined) !== (direction === undefined))
    throw errors.param(
      triggerPrice ? 'triggerDirection' : 'triggerPrice',
      'goes with the other for a conditional order',
    );
  if (direction !== undefined && direction !== '1' && direction !== '2')
    throw errors.param('triggerDirection', 'must be 1 (rise) or 2 (fall)');
  if (triggerPrice) {
    onTick(triggerPrice, inst, 'triggerPrice');
    if (direction === '1' && triggerPrice.lte(last))
      throw errors.wouldTriggerRising(triggerPrice.toString(), last.toString());
    if (direction === '2' && triggerPrice.gte(last))
      throw errors.wouldTriggerFalling(triggerPrice.toString(), last.toString());
  }
  if (qty.times(triggerPrice ?? (orderType === 'Limit' ? price : last)).lt(lot.minNotionalValue))
    throw errors.minNotional();
  // A conditional order's reduce-only is checked when it fires (fire() deactivates it when nothing is
  // left to reduce), not at placement: ccxt marks every stopLossPrice order reduce-only (its captured
  // "sl market order"), so the smoke check's far stop on a flat testnet account is one. Bybit's docs
  // do not say which it does: see docs/exchanges/bybit.md, Fake.
  if (reduceOnly && !triggerPrice && reducible(state, account, inst.symbol, side).eq(0)) throw errors.reduceOnlyFlat();
  if (!reduceOnly && !closeOnTrigger && !triggerPrice)
    checkMargin(state, account, inst.symbol, side, qty, orderType === 'Limit' ? price : last);

  const now = state.now();
  const order: FakeBybitOrder = {
    apiKey: account.seed.apiKey,
    orderId: state.nextId(),
    orderLinkId,
    symbol: inst.symbol,
    side,
    orderType,
    timeInForce,
    qty: qty.toString(),
    price: price.toString(),
    cumExecQty: '0',
    cumExecValue: '0',
    cumExecFee: '0',
    avgPrice: '0',
    orderStatus: triggerPrice ? 'Untriggered' : 'New',
    reduceOnly,
    closeOnTrigger,
    triggerPrice: triggerPrice?.toString() ?? '',
    triggerDirection: direction === '1' ? 1 : direction === '2' ? 2 : 0,
    stopOrderType: triggerPrice ? 'Stop' : '',
    lastPriceOnCreated: last.toString(),
    createdTime: now,
    updatedTime: now,
  };
  state.orders.push(order);
  if (triggerPrice) return order;
  if (orderType === 'Market') {
    fillMarket(state, account, order, fraction);
    return order;
  }
  const marketable = crosses(side, price, last);
  if (timeInForce === 'PostOnly' && marketable) order.orderStatus = 'Cancelled';
  else if (marketable) takeLimit(state, account, order);
  if ((timeInForce === 'IOC' || timeInForce === 'FOK') && order.orderStatus !== 'Filled')
    order.orderStatus = 'Cancelled';
  return order;
}

/**
 * "Cancel Order": by orderId or orderLinkId (one of them required). An id the account never used is
 * 110001 "Order does not exist"; an order that already ended is 110008 "completed or cancelled".
 * A conditional order cancelled before it fired becomes Deactivated (docs: orderStatus).
 */
export function cancelOrder(state: BybitState, account: Account, params: Params): FakeBybitOrder {
  linear(params);
  const inst = state.instrument(param(params, 'symbol'));
  const orderId = param(params, 'orderId');
  const orderLinkId = param(params, 'orderLinkId');
  if (orderId === undefined && orderLinkId === undefined) throw errors.param('orderId or orderLinkId', 'is required');
  const order = state.orders.find(
    (o) =>
      o.apiKey === account.seed.apiKey &&
      o.symbol === inst.symbol &&
      (orderId !== undefined ? o.orderId === orderId : o.orderLinkId === orderLinkId),
  );
  if (!order) throw errors.orderAbsent();
  if (order.orderStatus === 'Untriggered') order.orderStatus = 'Deactivated';
  else if (order.orderStatus === 'New' || order.orderStatus === 'PartiallyFilled') order.orderStatus = 'Cancelled';
  else throw errors.orderEnded();
  order.updatedTime = state.now();
  return order;
}
