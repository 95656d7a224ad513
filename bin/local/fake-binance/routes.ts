// The REST surface: which method and path is public or signed and which handler answers it.
import {
  apiRestrictions,
  capitalConfig,
  getPositionMode,
  positionRisk,
  setLeverage,
  setMarginType,
  setPositionMode,
} from './account';
import { allAlgoOrders, cancelAlgoOrder, cancelAllAlgoOrders, placeAlgoOrder, queryAlgoOrder } from './algo';
import { errors } from './errors';
import { incomeHistory } from './income';
import { leverageBrackets } from './markets';
import {
  bookTicker,
  depth,
  exchangeInformation,
  fundingRates,
  klines,
  premiumIndex,
  serverTime,
  ticker24h,
  tickerPrice,
} from './market-data';
import type { Params } from './order-params';
import { allOrders, cancelAllOrders, cancelOrder, placeOrder, queryOpenOrder, queryOrder } from './orders';
import type { Account, ExchangeState } from './state';
import { accountView, algoView, balanceView, orderView, tradeView } from './views';

export interface RouteContext {
  state: ExchangeState;
  params: Params;
  /** Set on signed routes. */
  account?: Account;
  /** From a partial-fill fault. */
  fillFraction?: number;
}

export interface Route {
  signed: boolean;
  handle(ctx: RouteContext): unknown;
}

const publicRoute = (handle: (ctx: RouteContext) => unknown): Route => ({ signed: false, handle });

const signed = (handle: (ctx: RouteContext & { account: Account }) => unknown): Route => ({
  signed: true,
  handle: (ctx) => {
    if (!ctx.account) throw new Error('signed route reached without an account');
    return handle({ ...ctx, account: ctx.account });
  },
});

const DONE = { code: 200, msg: 'The operation of cancel all open order is done.' };

const WEEK_MS = 7 * 24 * 60 * 60_000;

/**
 * GET /fapi/v1/userTrades. Binance's time rules: at most seven days between startTime and
 * endTime; one of them alone means the seven days after or before it; neither, the last seven
 * days (unless orderId or fromId picks the trades).
 */
function userTrades({ state, account, params }: RouteContext & { account: Account }): unknown[] {
  const market = state.market(params.symbol);
  const orderId = params.orderId === undefined ? undefined : Number(params.orderId);
  const fromId = params.fromId === undefined ? undefined : Number(params.fromId);
  let start = params.startTime === undefined ? undefined : Number(params.startTime);
  let end = params.endTime === undefined ? undefined : Number(params.endTime);
  if (start !== undefined && end !== undefined) {
    if (start > end) throw errors.startAfterEnd();
    if (end - start > WEEK_MS) throw errors.rangeTooWide(168);
  } else if (start !== undefined) end = start + WEEK_MS;
  else if (end !== undefined) start = end - WEEK_MS;
  else if (orderId === undefined && fromId === undefined) start = state.now() - WEEK_MS;
  const limit = Math.min(Number(params.limit ?? 500), 1000);
  const rows = state.trades.filter(
    (t) =>
      t.apiKey === account.apiKey &&
      t.symbol === market.symbol &&
      (orderId === undefined || t.orderId === orderId) &&
      (fromId === undefined || t.id >= fromId) &&
      (start === undefined || t.time >= start) &&
      (end === undefined || t.time <= end),
  );
  // Without startTime or fromId the latest trades of the range come back; with either, the first.
  const picked = fromId === undefined && params.startTime === undefined ? rows.slice(-limit) : rows.slice(0, limit);
  return picked.map((t) => tradeView(state, t));
}

export const ROUTES: Record<string, Route> = {
  'GET /fapi/v1/ping': publicRoute(() => ({})),
  'GET /fapi/v1/time': publicRoute(({ state }) => serverTime(state)),
  'GET /fapi/v1/exchangeInfo': publicRoute(({ state }) => exchangeInformation(state)),
  'GET /fapi/v1/depth': publicRoute(({ state, params }) => depth(state, params)),
  'GET /fapi/v1/ticker/bookTicker': publicRoute(({ state, params }) => bookTicker(state, params)),
  'GET /fapi/v1/ticker/price': publicRoute(({ state, params }) => tickerPrice(state, params)),
  'GET /fapi/v2/ticker/price': publicRoute(({ state, params }) => tickerPrice(state, params)),
  'GET /fapi/v1/ticker/24hr': publicRoute(({ state, params }) => ticker24h(state, params)),
  'GET /fapi/v1/premiumIndex': publicRoute(({ state, params }) => premiumIndex(state, params)),
  'GET /fapi/v1/klines': publicRoute(({ state, params }) => klines(state, params)),
  'GET /fapi/v1/fundingRate': publicRoute(({ state, params }) => fundingRates(state, params)),

  'POST /fapi/v1/order': signed(({ state, account, params, fillFraction }) => {
    const placed = placeOrder(state, account, params, fillFraction);
    return orderView(state, placed.order, { status: placed.answerStatus });
  }),
  'GET /fapi/v1/order': signed(({ state, account, params }) =>
    orderView(state, queryOrder(state, account, params), { withTime: true }),
  ),
  'DELETE /fapi/v1/order': signed(({ state, account, params }) =>
    orderView(state, cancelOrder(state, account, params)),
  ),
  'GET /fapi/v1/openOrder': signed(({ state, account, params }) =>
    orderView(state, queryOpenOrder(state, account, params), { withTime: true }),
  ),
  'GET /fapi/v1/openOrders': signed(({ state, account, params }) =>
    state
      .openOrders(account.apiKey, params.symbol === undefined ? undefined : state.market(params.symbol).symbol)
      .map((o) => orderView(state, o, { withTime: true })),
  ),
  'GET /fapi/v1/allOrders': signed(({ state, account, params }) =>
    allOrders(state, account, params).map((o) => orderView(state, o, { withTime: true })),
  ),
  'DELETE /fapi/v1/allOpenOrders': signed(({ state, account, params }) => {
    cancelAllOrders(state, account, params);
    return DONE;
  }),
  'GET /fapi/v1/userTrades': signed(userTrades),
  'GET /fapi/v1/income': signed(({ state, account, params }) => incomeHistory(state, account, params)),

  'POST /fapi/v1/algoOrder': signed(({ state, account, params }) =>
    algoView(state, placeAlgoOrder(state, account, params)),
  ),
  'GET /fapi/v1/algoOrder': signed(({ state, account, params }) =>
    algoView(state, queryAlgoOrder(state, account, params)),
  ),
  'DELETE /fapi/v1/algoOrder': signed(({ state, account, params }) => {
    const algo = cancelAlgoOrder(state, account, params);
    return { algoId: algo.algoId, clientAlgoId: algo.clientAlgoId, code: '200', msg: 'success' };
  }),
  'GET /fapi/v1/openAlgoOrders': signed(({ state, account, params }) =>
    state
      .openAlgoOrders(account.apiKey, params.symbol === undefined ? undefined : state.market(params.symbol).symbol)
      .map((a) => algoView(state, a)),
  ),
  'GET /fapi/v1/allAlgoOrders': signed(({ state, account, params }) =>
    allAlgoOrders(state, account, params).map((a) => algoView(state, a)),
  ),
  'DELETE /fapi/v1/algoOpenOrders': signed(({ state, account, params }) => {
    cancelAllAlgoOrders(state, account, params);
    return DONE;
  }),

  'GET /fapi/v2/positionRisk': signed(({ state, account, params }) => positionRisk(state, account, params, 2)),
  'GET /fapi/v3/positionRisk': signed(({ state, account, params }) => positionRisk(state, account, params, 3)),
  'GET /fapi/v2/account': signed(({ state, account }) => accountView(state, account, 2)),
  'GET /fapi/v3/account': signed(({ state, account }) => accountView(state, account, 3)),
  'GET /fapi/v2/balance': signed(({ state, account }) => balanceView(state, account)),
  'GET /fapi/v3/balance': signed(({ state, account }) => balanceView(state, account)),
  'GET /fapi/v1/leverageBracket': signed(({ state, params }) => {
    const all = leverageBrackets(state.markets.values());
    return params.symbol === undefined ? all : all.filter((b) => b.symbol === state.market(params.symbol).symbol);
  }),
  'GET /fapi/v1/commissionRate': signed(({ state, params }) => ({
    symbol: state.market(params.symbol).symbol,
    makerCommissionRate: '0.000200',
    takerCommissionRate: '0.000500',
  })),
  'POST /fapi/v1/leverage': signed(({ state, account, params }) => setLeverage(state, account, params)),
  'POST /fapi/v1/marginType': signed(({ state, account, params }) => setMarginType(state, account, params)),
  'GET /fapi/v1/positionSide/dual': signed(({ account }) => getPositionMode(account)),
  'POST /fapi/v1/positionSide/dual': signed(({ state, account, params }) => setPositionMode(state, account, params)),

  'GET /sapi/v1/account/apiRestrictions': signed(({ account }) => apiRestrictions(account)),
  'GET /sapi/v1/capital/config/getall': signed(({ state }) => capitalConfig(state)),
  'GET /sapi/v1/margin/allPairs': signed(() => []),
};
