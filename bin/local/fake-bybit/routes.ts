// The routes the live adapter reaches (ccxt bybit, shared/adapters/exchange/dialects/bybit.ts), by
// "METHOD path". Each answers Bybit's v5 envelope {retCode, retMsg, result, retExtInfo, time}.
import { Big } from '../../../shared/core/domain/money';
import { errors } from './errors';
import { fundingHistory } from './funding';
import { historicalVolatility } from './volatility';
import { INSTRUMENTS } from './instruments';
import { cancelOrder, linear, param, type Params, placeOrder } from './orders';
import type { Account, BybitState } from './state';
import type { FakeBybitOrder } from './types';
import { accountInfo, apiKeyRow, bookResult, executionRow, orderRow, positionRow, tickerRow, walletRow } from './views';

export interface RouteContext {
  state: BybitState;
  query: Params;
  /** The parsed JSON body of a POST. */
  body: Params;
  /** The authenticated account; present on signed routes only. */
  account?: Account;
  fraction?: number;
}

type SignedContext = RouteContext & { account: Account };

interface Route {
  signed: boolean;
  handle(ctx: RouteContext): unknown;
}

export const ok = (state: BybitState, result: unknown): unknown => ({
  retCode: 0,
  retMsg: 'OK',
  result,
  retExtInfo: {},
  time: state.now(),
});

const publicRoute = (handle: (ctx: RouteContext) => unknown): Route => ({ signed: false, handle });
const signed = (handle: (ctx: SignedContext) => unknown): Route => ({
  signed: true,
  handle: (ctx) => {
    if (!ctx.account) throw errors.badKey();
    return handle({ ...ctx, account: ctx.account });
  },
});

/** `limit` within [1, max], `fallback` when absent; a bad one names the bound. */
function limitOf(query: Params, max: number, fallback: number): number {
  const limit = param(query, 'limit');
  if (limit === undefined) return fallback;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > max) throw errors.param('limit', `must be an integer in [1, ${max}]`);
  return n;
}

/** One page of `rows` from the cursor (the fake's cursor is the offset of the next row). */
function page<T>(rows: T[], query: Params, max: number, fallback: number): { list: T[]; nextPageCursor: string } {
  const limit = limitOf(query, max, fallback);
  const cursor = param(query, 'cursor');
  const from = cursor === undefined ? 0 : Number(cursor);
  if (!Number.isInteger(from) || from < 0) throw errors.param('cursor', 'is not a cursor this fake handed out');
  const list = rows.slice(from, from + limit);
  return { list, nextPageCursor: from + limit < rows.length ? String(from + limit) : '' };
}

const ended = (o: FakeBybitOrder): boolean =>
  o.orderStatus === 'Filled' || o.orderStatus === 'Cancelled' || o.orderStatus === 'Deactivated';

function byId(o: { orderId: string; orderLinkId: string }, query: Params): boolean {
  const orderId = param(query, 'orderId');
  const orderLinkId = param(query, 'orderLinkId');
  return (
    (orderId === undefined || o.orderId === orderId) && (orderLinkId === undefined || o.orderLinkId === orderLinkId)
  );
}

function ofFilter(o: FakeBybitOrder, query: Params): boolean {
  const filter = param(query, 'orderFilter');
  if (filter === undefined) return true;
  if (filter === 'Order') return o.stopOrderType === '';
  if (filter === 'StopOrder') return o.stopOrderType !== '';
  throw errors.param('orderFilter', '(fake-bybit serves Order and StopOrder)');
}

function scope(state: BybitState, query: Params): (symbol: string) => boolean {
  const symbol = param(query, 'symbol');
  if (symbol !== undefined) {
    state.instrument(symbol);
    return (s) => s === symbol;
  }
  const settleCoin = param(query, 'settleCoin');
  if (settleCoin === undefined) throw errors.param('symbol or settleCoin', 'is required');
  return () => settleCoin === 'USDT';
}

export const ROUTES: Record<string, Route> = {
  'GET /v5/market/time': publicRoute(({ state }) => {
    const now = state.now();
    return ok(state, { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` });
  }),
  'GET /v5/market/instruments-info': publicRoute(({ state, query }) => {
    const category = param(query, 'category');
    // the fake lists linear USDT perpetuals only: other categories are answered empty
    if (category !== 'linear') return ok(state, { category: category ?? '', list: [], nextPageCursor: '' });
    const symbol = param(query, 'symbol');
    const status = param(query, 'status') ?? 'Trading';
    return ok(state, {
      category,
      list: INSTRUMENTS.filter((i) => (symbol === undefined || i.symbol === symbol) && i.status === status),
      nextPageCursor: '',
    });
  }),
  'GET /v5/market/tickers': publicRoute(({ state, query }) => {
    linear(query);
    const symbol = param(query, 'symbol');
    const symbols = symbol === undefined ? [...state.prices.keys()] : [state.instrument(symbol).symbol];
    return ok(state, { category: 'linear', list: symbols.map((s) => tickerRow(state, s)) });
  }),
  'GET /v5/market/funding/history': publicRoute(({ state, query }) => ok(state, fundingHistory(state, query))),
  // the documented body carries `category` beside `result`: not the usual envelope
  'GET /v5/market/historical-volatility': publicRoute(({ state, query }) => historicalVolatility(state, query)),
  'GET /v5/market/orderbook': publicRoute(({ state, query }) => {
    linear(query);
    return ok(state, bookResult(state, state.instrument(param(query, 'symbol')).symbol));
  }),

  'GET /v5/account/wallet-balance': signed(({ state, account, query }) => {
    if (param(query, 'accountType') !== 'UNIFIED')
      throw errors.param('accountType', 'must be UNIFIED (a unified account)');
    return ok(state, { list: [walletRow(state, account)] });
  }),
  'GET /v5/account/info': signed(({ state, account }) => ok(state, accountInfo(account, state.now()))),
  'GET /v5/user/query-api': signed(({ state, account }) => ok(state, apiKeyRow(account))),

  'GET /v5/position/list': signed(({ state, account, query }) => {
    linear(query);
    const symbol = param(query, 'symbol');
    const inScope = scope(state, query);
    // by symbol the row is answered even when flat (size "0", side ""); by settleCoin only sized positions
    const symbols =
      symbol !== undefined
        ? [symbol]
        : [...account.positions.keys()].filter((s) => inScope(s) && !state.position(account, s).size.eq(0));
    return ok(state, {
      category: 'linear',
      ...page(
        symbols.map((s) => positionRow(state, account, s)),
        query,
        200,
        20,
      ),
    });
  }),
  'POST /v5/position/switch-mode': signed(({ state, account, body }) => {
    linear(body);
    if (param(body, 'symbol') === undefined && param(body, 'coin') === undefined)
      throw errors.param('symbol or coin', 'is required');
    const mode = param(body, 'mode');
    if (mode !== '0' && mode !== '3') throw errors.param('mode', 'must be 0 (one-way) or 3 (hedge)');
    const hedged = mode === '3';
    if (hedged === account.hedged) throw errors.positionModeSame();
    account.hedged = hedged;
    return ok(state, {});
  }),
  'POST /v5/position/set-leverage': signed(({ state, account, body }) => {
    linear(body);
    const inst = state.instrument(param(body, 'symbol'));
    const buy = param(body, 'buyLeverage');
    const sell = param(body, 'sellLeverage');
    const { minLeverage, maxLeverage, leverageStep } = inst.leverageFilter;
    if (
      buy === undefined ||
      !/^\d+(\.\d+)?$/.test(buy) ||
      new Big(buy).lt(minLeverage) ||
      new Big(buy).gt(maxLeverage) ||
      !new Big(buy).mod(leverageStep).eq(0)
    ) {
      throw errors.param('buyLeverage', `must be in [${minLeverage}, ${maxLeverage}] by ${leverageStep}`);
    }
    // one-way mode: "buyLeverage must be the same as sellLeverage"
    if (sell === undefined || !new Big(buy).eq(sell))
      throw errors.param('sellLeverage', 'must equal buyLeverage in one-way mode');
    const current = state.leverage(account, inst.symbol);
    if (new Big(current).eq(buy)) throw errors.leverageSame();
    account.leverage.set(inst.symbol, new Big(buy).toString());
    return ok(state, {});
  }),

  'POST /v5/order/create': signed(({ state, account, body, fraction }) => {
    const order = placeOrder(state, account, body, fraction);
    // ids only (docs: Place Order response)
    return ok(state, { orderId: order.orderId, orderLinkId: order.orderLinkId });
  }),
  'POST /v5/order/cancel': signed(({ state, account, body }) => {
    const order = cancelOrder(state, account, body);
    return ok(state, { orderId: order.orderId, orderLinkId: order.orderLinkId });
  }),
  'GET /v5/order/realtime': signed(({ state, account, query }) => {
    linear(query);
    const symbol = param(query, 'symbol');
    const inScope =
      symbol !== undefined || param(query, 'settleCoin') !== undefined || param(query, 'baseCoin') !== undefined
        ? scope(state, query)
        : undefined;
    if (!inScope) throw errors.param('symbol, settleCoin or baseCoin', 'is required');
    // "openOnly is ignored when query by orderId or orderLinkId": recent closed orders are answered too
    const byIdentity = param(query, 'orderId') !== undefined || param(query, 'orderLinkId') !== undefined;
    const rows = state.orders
      .filter(
        (o) =>
          o.apiKey === account.seed.apiKey &&
          inScope(o.symbol) &&
          byId(o, query) &&
          ofFilter(o, query) &&
          (byIdentity || !ended(o)),
      )
      .reverse();
    const { list, nextPageCursor } = page(rows, query, 50, 20);
    return ok(state, { list: list.map(orderRow), nextPageCursor, category: 'linear' });
  }),
  'GET /v5/order/history': signed(({ state, account, query }) => {
    linear(query);
    const symbol = param(query, 'symbol');
    const rows = state.orders
      .filter(
        (o) =>
          o.apiKey === account.seed.apiKey &&
          (symbol === undefined || o.symbol === symbol) &&
          byId(o, query) &&
          ofFilter(o, query) &&
          ended(o),
      )
      .reverse();
    const { list, nextPageCursor } = page(rows, query, 50, 20);
    return ok(state, { list: list.map(orderRow), nextPageCursor, category: 'linear' });
  }),
  'GET /v5/execution/list': signed(({ state, account, query }) => {
    linear(query);
    const symbol = param(query, 'symbol');
    const execType = param(query, 'execType');
    const start = param(query, 'startTime');
    const end = param(query, 'endTime');
    const rows = state.executions
      .filter(
        (e) =>
          e.apiKey === account.seed.apiKey &&
          (symbol === undefined || e.symbol === symbol) &&
          byId(e, query) &&
          (execType === undefined || e.execType === execType) &&
          (start === undefined || e.execTime >= Number(start)) &&
          (end === undefined || e.execTime <= Number(end)),
      )
      .reverse();
    // `limit` [1, 100], default 50 (ccxt's `size` for funding is not Bybit's and is ignored, as Bybit does)
    const { list, nextPageCursor } = page(rows, query, 100, 50);
    return ok(state, { nextPageCursor, category: 'linear', list: list.map(executionRow) });
  }),
};
