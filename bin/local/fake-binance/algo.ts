// Conditional orders of the algo service (/fapi/v1/algoOrder): stop, take-profit and trailing
// stops with their placement checks, cancel and look-up. Triggering lives in matching.ts.
import { errors } from './errors';
import { closableQty } from './ledger';
import { parsePrice, parseQuantity } from './markets';
import { triggerCrossed } from './matching';
import {
  lookupKeys,
  parseBool,
  parseClientId,
  parsePositionSide,
  parseReduceOnly,
  parseSide,
  type Params,
} from './order-params';
import type { Account, ExchangeState } from './state';
import type { AlgoOrderType, FakeAlgoOrder } from './types';

const ALGO_TYPES = new Set<AlgoOrderType>([
  'STOP_MARKET',
  'TAKE_PROFIT_MARKET',
  'TRAILING_STOP_MARKET',
  'STOP',
  'TAKE_PROFIT',
]);

export function placeAlgoOrder(state: ExchangeState, account: Account, params: Params): FakeAlgoOrder {
  if (params.algoType === undefined) throw errors.mandatory('algoType');
  if (params.algoType !== 'CONDITIONAL') throw errors.invalidParam('algoType');
  const market = state.market(params.symbol);
  const side = parseSide(params);
  const type = params.type as AlgoOrderType | undefined;
  if (type === undefined) throw errors.mandatory('type');
  if (!ALGO_TYPES.has(type)) throw errors.invalidOrderType();
  const positionSide = parsePositionSide(params, account);
  const reduceOnly = parseReduceOnly(params, account);
  const closePosition = parseBool(params, 'closePosition') ?? false;
  const trailing = type === 'TRAILING_STOP_MARKET';
  const isLimit = type === 'STOP' || type === 'TAKE_PROFIT';

  if (closePosition) {
    if (type !== 'STOP_MARKET' && type !== 'TAKE_PROFIT_MARKET') throw errors.notRequired('closePosition');
    if (params.quantity !== undefined) throw errors.closePositionWithQty();
    if (params.reduceOnly !== undefined) throw errors.notRequired('reduceOnly');
  }
  const quantity = closePosition ? 0 : parseQuantity(market, params.quantity, !isLimit);
  const triggerPrice = trailing ? 0 : parsePrice(market, params.triggerPrice, 'triggerPrice');
  const price = isLimit ? parsePrice(market, params.price, 'price') : 0;

  let callbackRate: number | undefined;
  let activatePrice: number | undefined;
  if (trailing) {
    if (params.callbackRate === undefined) throw errors.mandatory('callbackRate');
    callbackRate = Number(params.callbackRate);
    if (!Number.isFinite(callbackRate) || callbackRate < 0.1 || callbackRate > 10)
      throw errors.invalidParam('callbackRate');
    // The algo API documents activatePrice only; the plain order API's activationPrice is ignored
    // here as Binance ignores an unknown parameter (the stop then trails from placement).
    const activation = params.activatePrice;
    if (activation !== undefined) {
      activatePrice = parsePrice(market, activation, 'activatePrice');
      if (side === 'SELL' ? activatePrice <= market.price : activatePrice >= market.price) throw errors.wouldTrigger();
    }
  }

  const clientAlgoId = parseClientId(
    params,
    'clientAlgoId',
    state.openAlgoOrders(account.apiKey).map((a) => a.clientAlgoId),
  );
  if (reduceOnly && closableQty(state, account, market.symbol, side, positionSide) <= 0)
    throw errors.reduceOnlyRejected();
  if (!trailing && triggerCrossed(type, side, triggerPrice, market.price)) throw errors.wouldTrigger();
  const reference = trailing ? (activatePrice ?? market.price) : triggerPrice;
  if (!reduceOnly && !closePosition && quantity * reference < market.minNotional)
    throw errors.minNotional(String(market.minNotional));

  const now = state.now();
  const algo: FakeAlgoOrder = {
    apiKey: account.apiKey,
    algoId: state.newAlgoId(),
    clientAlgoId,
    algoType: 'CONDITIONAL',
    orderType: type,
    symbol: market.symbol,
    side,
    positionSide,
    timeInForce: params.timeInForce ?? 'GTC',
    quantity,
    algoStatus: 'NEW',
    triggerPrice,
    price,
    callbackRate,
    activatePrice,
    workingType: params.workingType === 'MARK_PRICE' ? 'MARK_PRICE' : 'CONTRACT_PRICE',
    reduceOnly,
    closePosition,
    priceProtect: parseBool(params, 'priceProtect') ?? false,
    createTime: now,
    updateTime: now,
    triggerTime: 0,
    actualOrderId: '',
    actualPrice: 0,
  };
  state.algoOrders.push(algo);
  if (trailing) state.trailing.set(algo.algoId, { activated: activatePrice === undefined, best: market.price });
  return algo;
}

function findAlgo(state: ExchangeState, account: Account, params: Params): FakeAlgoOrder | undefined {
  const { id, clientId } = lookupKeys(params, 'algoId', 'clientAlgoId');
  for (let i = state.algoOrders.length - 1; i >= 0; i--) {
    const algo = state.algoOrders[i];
    if (!algo || algo.apiKey !== account.apiKey) continue;
    if (id !== undefined ? algo.algoId === id : algo.clientAlgoId === clientId) return algo;
  }
  return undefined;
}

export function queryAlgoOrder(state: ExchangeState, account: Account, params: Params): FakeAlgoOrder {
  const algo = findAlgo(state, account, params);
  if (!algo) throw errors.noSuchOrder();
  return algo;
}

export function cancelAlgoOrder(state: ExchangeState, account: Account, params: Params): FakeAlgoOrder {
  const algo = findAlgo(state, account, params);
  if (!algo || algo.algoStatus !== 'NEW') throw errors.unknownOrder();
  algo.algoStatus = 'CANCELED';
  algo.updateTime = state.now();
  state.trailing.delete(algo.algoId);
  return algo;
}

export function cancelAllAlgoOrders(state: ExchangeState, account: Account, params: Params): void {
  const market = state.market(params.symbol);
  for (const algo of state.openAlgoOrders(account.apiKey, market.symbol)) {
    algo.algoStatus = 'CANCELED';
    algo.updateTime = state.now();
    state.trailing.delete(algo.algoId);
  }
}

/** Algo orders of one symbol, like GET /fapi/v1/allAlgoOrders (default 500, max 1000). */
export function allAlgoOrders(state: ExchangeState, account: Account, params: Params): FakeAlgoOrder[] {
  const market = state.market(params.symbol);
  const limit = Math.min(Number(params.limit ?? 500), 1000);
  const rows = state.algoOrders.filter((a) => a.apiKey === account.apiKey && a.symbol === market.symbol);
  return rows.slice(-limit);
}
