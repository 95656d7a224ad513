// Fills and triggers: market orders fill at the last price, limit orders fill when the price
// crosses them, and conditional (algo) orders turn into market or limit orders when the price
// crosses their trigger. Sibling conditional orders are left alone, as on Binance.
import { floorToStep, round } from './decimals';
import { applyFill, closableQty, marginNeeded, marginSummary } from './ledger';
import type { Account, ExchangeState } from './state';
import type { FakeAlgoOrder, FakeOrder, Side } from './types';

type NewOrder = Pick<
  FakeOrder,
  | 'apiKey'
  | 'clientOrderId'
  | 'symbol'
  | 'side'
  | 'positionSide'
  | 'type'
  | 'origType'
  | 'timeInForce'
  | 'price'
  | 'origQty'
  | 'reduceOnly'
  | 'closePosition'
> & { algoId?: number };

/** Adds a NEW order to the book of record and returns it. */
export function recordOrder(state: ExchangeState, fields: NewOrder): FakeOrder {
  const now = state.now();
  const order: FakeOrder = {
    ...fields,
    orderId: state.newOrderId(),
    executedQty: 0,
    avgPrice: 0,
    cumQuote: 0,
    status: 'NEW',
    time: now,
    updateTime: now,
  };
  state.orders.push(order);
  return order;
}

/** Whether a limit order at this price would trade against the current price. */
export function crosses(side: Side, limit: number, price: number): boolean {
  return side === 'BUY' ? limit >= price : limit <= price;
}

/** Quantity an order may still trade: reduce-only orders never exceed what they can close. */
function fillableQty(state: ExchangeState, account: Account, order: FakeOrder): number {
  const remaining = order.origQty - order.executedQty;
  if (!order.reduceOnly) return remaining;
  return Math.min(remaining, closableQty(state, account, order.symbol, order.side, order.positionSide));
}

/**
 * Fills a market order at the last price. A reduce-only order fills at most the position it
 * closes and a partial-fill fault caps the fill; what is left expires (IOC-like), so the order
 * ends FILLED or EXPIRED with a partial executedQty.
 */
export function fillMarketOrder(state: ExchangeState, account: Account, order: FakeOrder, fraction?: number): void {
  const market = state.market(order.symbol);
  let qty = fillableQty(state, account, order);
  if (fraction !== undefined) qty = Math.min(qty, floorToStep(order.origQty * fraction, market.stepSize));
  if (qty > 0) applyFill(state, account, order, qty, market.price, false);
  order.status = order.executedQty >= order.origQty ? 'FILLED' : 'EXPIRED';
  order.updateTime = state.now();
}

/** Fills what a limit order can trade at the given price (maker when it rested on the book). */
export function fillLimitOrder(
  state: ExchangeState,
  account: Account,
  order: FakeOrder,
  price: number,
  maker: boolean,
): void {
  const qty = fillableQty(state, account, order);
  if (qty > 0) applyFill(state, account, order, qty, price, maker);
  order.status = order.executedQty >= order.origQty ? 'FILLED' : 'EXPIRED';
  order.updateTime = state.now();
}

/** Whether a stop or take-profit with this trigger fires at the price. */
export function triggerCrossed(
  orderType: FakeAlgoOrder['orderType'],
  side: Side,
  trigger: number,
  price: number,
): boolean {
  const isStop = orderType === 'STOP_MARKET' || orderType === 'STOP';
  // A sell stop protects a long (fires on a fall); a sell take-profit fires on a rise.
  if (isStop) return side === 'SELL' ? price <= trigger : price >= trigger;
  return side === 'SELL' ? price >= trigger : price <= trigger;
}

/** Advances a trailing stop's best price and says whether the retrace reached its callback rate. */
function trailingFires(state: ExchangeState, algo: FakeAlgoOrder, price: number): boolean {
  const trail = state.trailing.get(algo.algoId);
  if (!trail || algo.callbackRate === undefined) return false;
  const sell = algo.side === 'SELL';
  if (!trail.activated) {
    const activate = algo.activatePrice ?? 0;
    if (sell ? price < activate : price > activate) return false;
    trail.activated = true;
    trail.best = price;
  }
  trail.best = sell ? Math.max(trail.best, price) : Math.min(trail.best, price);
  const rate = algo.callbackRate / 100;
  // Rounded so a retrace of exactly the callback rate fires despite binary noise.
  return sell ? price <= round(trail.best * (1 - rate), 8) : price >= round(trail.best * (1 + rate), 8);
}

/** The trigger turns the conditional order into a real order and fills what it can. */
function triggerAlgo(state: ExchangeState, algo: FakeAlgoOrder): void {
  const account = state.accountOrThrow(algo.apiKey);
  const market = state.market(algo.symbol);
  const now = state.now();
  algo.triggerTime = now;
  algo.updateTime = now;
  state.trailing.delete(algo.algoId);
  const closable = closableQty(state, account, algo.symbol, algo.side, algo.positionSide);
  let qty = algo.closePosition ? closable : algo.quantity;
  if (algo.reduceOnly) qty = Math.min(qty, closable);
  // Nothing left to reduce (the position was closed some other way): the system expires it.
  if (qty <= 0) {
    algo.algoStatus = 'EXPIRED';
    return;
  }
  const reducing = algo.reduceOnly || algo.closePosition;
  if (
    !reducing &&
    marginNeeded(state, account, algo.symbol, qty, market.price, closable) > marginSummary(state, account).available
  ) {
    algo.algoStatus = 'REJECTED';
    return;
  }
  const isLimit = algo.orderType === 'STOP' || algo.orderType === 'TAKE_PROFIT';
  const order = recordOrder(state, {
    apiKey: algo.apiKey,
    // Binance does not document the client id of the order a fired algo order becomes (only its
    // actualOrderId): the fake gives it one of its own, so nothing here may rely on it being ours.
    clientOrderId: `algo${algo.algoId}fired`,
    symbol: algo.symbol,
    side: algo.side,
    positionSide: algo.positionSide,
    type: isLimit ? 'LIMIT' : 'MARKET',
    origType: algo.orderType,
    timeInForce: 'GTC',
    price: isLimit ? algo.price : 0,
    origQty: qty,
    reduceOnly: reducing,
    closePosition: algo.closePosition,
    algoId: algo.algoId,
  });
  if (!isLimit) fillMarketOrder(state, account, order);
  else if (crosses(order.side, order.price, market.price)) fillLimitOrder(state, account, order, market.price, false);
  algo.actualOrderId = String(order.orderId);
  algo.actualPrice = order.avgPrice;
  algo.algoStatus = order.status === 'NEW' ? 'TRIGGERED' : 'FINISHED';
}

/** A new last price: resting limits that cross fill at their price, then crossed triggers fire. */
export function onPriceMove(state: ExchangeState, symbol: string): void {
  const market = state.market(symbol);
  for (const order of state.orders) {
    if (
      order.symbol !== symbol ||
      order.type !== 'LIMIT' ||
      (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED')
    )
      continue;
    if (crosses(order.side, order.price, market.price))
      fillLimitOrder(state, state.accountOrThrow(order.apiKey), order, order.price, true);
  }
  for (const algo of state.algoOrders) {
    if (algo.symbol !== symbol || algo.algoStatus !== 'NEW') continue;
    const fires =
      algo.orderType === 'TRAILING_STOP_MARKET'
        ? trailingFires(state, algo, market.price)
        : triggerCrossed(algo.orderType, algo.side, algo.triggerPrice, market.price);
    if (fires) triggerAlgo(state, algo);
  }
}
