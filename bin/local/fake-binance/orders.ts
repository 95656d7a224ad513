// Plain orders (/fapi/v1/order): validation in Binance's order of checks, placement and
// immediate matching, cancel, and look-up by orderId or client order id.
import { errors } from './errors';
import { closableQty, marginNeeded, marginSummary } from './ledger';
import { parsePrice, parseQuantity } from './markets';
import { crosses, fillLimitOrder, fillMarketOrder, recordOrder } from './matching';
import { lookupKeys, parseClientId, parsePositionSide, parseReduceOnly, parseSide, type Params } from './order-params';
import type { Account, ExchangeState } from './state';
import type { FakeOrder, OrderStatus } from './types';

const CONDITIONAL_TYPES = new Set(['STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET']);
const TIME_IN_FORCE = new Set(['GTC', 'IOC', 'FOK', 'GTX', 'GTD']);

export interface PlacedOrder {
  order: FakeOrder;
  /** What the create answer shows when it differs from the stored status (a partial fill's snapshot). */
  answerStatus?: OrderStatus;
}

/** Places a MARKET or LIMIT order; fillFraction comes from a scripted partial-fill fault. */
export function placeOrder(state: ExchangeState, account: Account, params: Params, fillFraction?: number): PlacedOrder {
  const market = state.market(params.symbol);
  const side = parseSide(params);
  const type = params.type;
  if (type === undefined || type === '') throw errors.mandatory('type');
  if (CONDITIONAL_TYPES.has(type)) throw errors.useAlgoEndpoint();
  if (type !== 'MARKET' && type !== 'LIMIT') throw errors.invalidOrderType();
  const positionSide = parsePositionSide(params, account);
  const reduceOnly = parseReduceOnly(params, account);
  const isMarket = type === 'MARKET';
  const qty = parseQuantity(market, params.quantity, isMarket);

  let price = 0;
  let timeInForce: FakeOrder['timeInForce'] = 'GTC';
  if (isMarket) {
    if (params.price !== undefined) throw errors.notRequired('price');
  } else {
    price = parsePrice(market, params.price, 'price');
    const tif = params.timeInForce;
    if (tif === undefined) throw errors.mandatory('timeInForce');
    if (!TIME_IN_FORCE.has(tif)) throw errors.invalidTimeInForce();
    timeInForce = tif as FakeOrder['timeInForce'];
  }

  const clientOrderId = parseClientId(
    params,
    'newClientOrderId',
    state.openOrders(account.apiKey).map((o) => o.clientOrderId),
  );
  const closable = closableQty(state, account, market.symbol, side, positionSide);
  if (reduceOnly && closable <= 0) throw errors.reduceOnlyRejected();
  const reference = isMarket ? market.price : price;
  if (!reduceOnly && qty * reference < market.minNotional) throw errors.minNotional(String(market.minNotional));
  const immediate = isMarket || crosses(side, price, market.price);
  if (timeInForce === 'GTX' && immediate) throw errors.postOnlyRejected();
  if (timeInForce === 'FOK' && !immediate) throw errors.fokRejected();
  if (
    !reduceOnly &&
    marginNeeded(state, account, market.symbol, qty, reference, closable) > marginSummary(state, account).available
  ) {
    throw errors.insufficientMargin();
  }

  const order = recordOrder(state, {
    apiKey: account.apiKey,
    clientOrderId,
    symbol: market.symbol,
    side,
    positionSide,
    type,
    origType: type,
    timeInForce,
    price,
    origQty: qty,
    reduceOnly,
    closePosition: false,
  });
  if (isMarket) {
    fillMarketOrder(state, account, order, fillFraction);
    const partial = order.status === 'EXPIRED' && order.executedQty > 0 && fillFraction !== undefined;
    return partial ? { order, answerStatus: 'PARTIALLY_FILLED' } : { order };
  }
  // A marketable limit takes the current price (better than or equal to its limit) as a taker.
  if (immediate) fillLimitOrder(state, account, order, market.price, false);
  else if (timeInForce === 'IOC') order.status = 'EXPIRED';
  return { order };
}

function findOrder(
  state: ExchangeState,
  account: Account,
  symbol: string,
  params: Params,
  clientName: string,
): FakeOrder | undefined {
  const { id, clientId } = lookupKeys(params, 'orderId', clientName);
  // Client ids are unique among open orders only, so the newest holder of the id is the one meant.
  for (let i = state.orders.length - 1; i >= 0; i--) {
    const order = state.orders[i];
    if (!order || order.apiKey !== account.apiKey || order.symbol !== symbol) continue;
    if (id !== undefined ? order.orderId === id : order.clientOrderId === clientId) return order;
  }
  return undefined;
}

export function queryOrder(state: ExchangeState, account: Account, params: Params): FakeOrder {
  const market = state.market(params.symbol);
  const order = findOrder(state, account, market.symbol, params, 'origClientOrderId');
  if (!order) throw errors.noSuchOrder();
  return order;
}

export function queryOpenOrder(state: ExchangeState, account: Account, params: Params): FakeOrder {
  const order = queryOrder(state, account, params);
  if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') throw errors.noSuchOrder();
  return order;
}

export function cancelOrder(state: ExchangeState, account: Account, params: Params): FakeOrder {
  const market = state.market(params.symbol);
  const order = findOrder(state, account, market.symbol, params, 'origClientOrderId');
  if (!order || (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED')) throw errors.unknownOrder();
  order.status = 'CANCELED';
  order.updateTime = state.now();
  return order;
}

export function cancelAllOrders(state: ExchangeState, account: Account, params: Params): void {
  const market = state.market(params.symbol);
  for (const order of state.openOrders(account.apiKey, market.symbol)) {
    order.status = 'CANCELED';
    order.updateTime = state.now();
  }
}

/** Orders of one symbol by time window and id, like GET /fapi/v1/allOrders (default 500, max 1000). */
export function allOrders(state: ExchangeState, account: Account, params: Params): FakeOrder[] {
  const market = state.market(params.symbol);
  const fromId = params.orderId === undefined ? undefined : Number(params.orderId);
  const start = params.startTime === undefined ? undefined : Number(params.startTime);
  const end = params.endTime === undefined ? undefined : Number(params.endTime);
  const limit = Math.min(Number(params.limit ?? 500), 1000);
  const rows = state.orders.filter(
    (o) =>
      o.apiKey === account.apiKey &&
      o.symbol === market.symbol &&
      (fromId === undefined || o.orderId >= fromId) &&
      (start === undefined || o.time >= start) &&
      (end === undefined || o.time <= end),
  );
  return fromId === undefined && start === undefined ? rows.slice(-limit) : rows.slice(0, limit);
}
