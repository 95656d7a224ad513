// The routes the live adapter reaches (ccxt bitget, shared/adapters/exchange/dialects/bitget.ts), by
// "METHOD path". Each answers Bitget's envelope {code: "00000", msg: "success", requestTime, data};
// a refusal throws a BitgetError, answered as {code, msg, requestTime, data: null}.
import { Big } from '../../../shared/core/domain/money';
import { BitgetError, errors } from './errors';
import { CONTRACTS } from './instruments';
import {
  cancelOrder,
  cancelPlans,
  inFamily,
  type Params,
  placeOrder,
  placePlan,
  placeTpsl,
  text,
  usdtScope,
} from './orders';
import { type Account, type BitgetState, PRODUCT_TYPE } from './state';
import type { FakeBitgetPlan } from './types';
import {
  accountsRow,
  billRow,
  fillRow,
  orderRow,
  pendingOrderRow,
  planRow,
  positionRow,
  singleAccountRow,
  singlePositionRow,
  tickerRow,
} from './views';

export interface RouteContext {
  state: BitgetState;
  query: Params;
  /** The parsed JSON body of a POST. */
  body: unknown;
  /** The authenticated account; present on signed routes only. */
  account?: Account;
  fraction?: number;
}

type SignedContext = RouteContext & { account: Account };

interface Route {
  signed: boolean;
  handle(ctx: RouteContext): unknown;
}

const publicRoute = (handle: (ctx: RouteContext) => unknown): Route => ({ signed: false, handle });
const signed = (handle: (ctx: SignedContext) => unknown): Route => ({
  signed: true,
  handle: (ctx) => {
    if (!ctx.account) throw errors.badKey();
    return handle({ ...ctx, account: ctx.account });
  },
});

function objectBody(body: unknown): Params {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.empty('body');
  return body as Params;
}

/** Every list takes productType; the fake lists USDT-FUTURES only, other product types answer empty. */
function isUsdt(query: Params): boolean {
  const productType = text(query, 'productType');
  if (productType === undefined) throw errors.empty('productType');
  return productType.toUpperCase() === PRODUCT_TYPE;
}

function limitOf(query: Params, max = 100): number {
  const limit = text(query, 'limit');
  if (limit === undefined || limit === '0') return max;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1) throw errors.invalid('limit');
  return Math.min(n, max);
}

function inRange(query: Params): (ts: number) => boolean {
  const start = text(query, 'startTime');
  const end = text(query, 'endTime');
  return (ts) => (start === undefined || ts >= Number(start)) && (end === undefined || ts <= Number(end));
}

/** A list answer: newest first, as Bitget pages its histories, with endId the last row's id. */
function page<T>(rows: T[], query: Params, id: (row: T) => string): { list: T[]; endId: string } {
  const list = rows.slice().reverse().slice(0, limitOf(query));
  const last = list.at(-1);
  return { list, endId: last === undefined ? '' : id(last) };
}

function symbolFilter(state: BitgetState, query: Params): (symbol: string) => boolean {
  const symbol = text(query, 'symbol');
  const wanted = symbol === undefined ? undefined : state.contract(symbol).symbol;
  return (s) => wanted === undefined || s === wanted;
}

function plans(state: BitgetState, account: Account, query: Params, history: boolean): unknown {
  const planType = text(query, 'planType');
  if (planType === undefined) throw errors.empty('planType');
  if (!isUsdt(query)) return { entrustedList: [], endId: '' };
  const bySymbol = symbolFilter(state, query);
  const orderId = text(query, 'orderId');
  const clientOid = text(query, 'clientOid');
  const within = inRange(query);
  const rows = state.plans.filter(
    (p: FakeBitgetPlan) =>
      p.apiKey === account.seed.apiKey &&
      bySymbol(p.symbol) &&
      inFamily(p, planType) &&
      (history ? p.planStatus !== 'not_trigger' && within(p.uTime) : p.planStatus === 'not_trigger') &&
      (orderId === undefined || p.orderId === orderId) &&
      (clientOid === undefined || p.clientOid === clientOid),
  );
  const { list, endId } = page(rows, query, (p) => p.orderId);
  return { entrustedList: list.map((p) => planRow(state, p, account.posMode, history)), endId };
}

export const ROUTES: Record<string, Route> = {
  'GET /api/v2/public/time': publicRoute(({ state }) => ({ serverTime: String(state.now()) })),
  'GET /api/v2/mix/market/contracts': publicRoute(({ state, query }) => {
    if (!isUsdt(query)) return [];
    const bySymbol = symbolFilter(state, query);
    return CONTRACTS.filter((c) => bySymbol(c.symbol));
  }),
  'GET /api/v2/mix/market/ticker': publicRoute(({ state, query }) => {
    usdtScope(query, { marginCoin: false });
    return [tickerRow(state, state.contract(text(query, 'symbol')).symbol)];
  }),

  // Get-Merge-Depth: {asks, bids, ts} as ccxt's bitget.js documents the answer it parses (no documented
  // example in the fixtures); one level each side at the last price, deep enough for any test order.
  'GET /api/v2/mix/market/merge-depth': publicRoute(({ state, query }) => {
    usdtScope(query, { marginCoin: false });
    const px = state.price(state.contract(text(query, 'symbol')).symbol).toString();
    return { asks: [[px, '1000']], bids: [[px, '1000']], ts: String(state.now()) };
  }),

  'GET /api/v2/spot/account/info': signed(({ state, account }) => ({
    userId: account.seed.apiKey.replace(/\D/g, '') || '1',
    inviterId: '',
    ips: account.seed.ips ?? '',
    authorities: account.seed.authorities ?? ['coor', 'coow', 'cpor', 'cpow'],
    parentId: 0,
    traderType: '',
    channelCode: '',
    channel: '',
    regisTime: String(state.now()),
  })),
  'GET /api/v2/mix/account/accounts': signed(({ state, account, query }) =>
    isUsdt(query) ? [accountsRow(state, account)] : [],
  ),
  'GET /api/v2/mix/account/account': signed(({ state, account, query }) => {
    usdtScope(query);
    return singleAccountRow(state, account, state.contract(text(query, 'symbol')).symbol);
  }),
  'POST /api/v2/mix/account/set-position-mode': signed(({ state, account, body }) => {
    const params = objectBody(body);
    usdtScope(params, { marginCoin: false });
    const posMode = text(params, 'posMode');
    if (posMode !== 'one_way_mode' && posMode !== 'hedge_mode') throw errors.invalid('posMode');
    const open =
      [...account.positions.values()].some((p) => !p.total.eq(0)) || state.pending(account.seed.apiKey).length > 0;
    if (open && posMode !== account.posMode)
      throw new BitgetError('40020', 'Parameter posMode error: positions or orders are open (fake-bitget)');
    account.posMode = posMode;
    return { posMode };
  }),
  'POST /api/v2/mix/account/set-margin-mode': signed(({ state, account, body }) => {
    const params = objectBody(body);
    usdtScope(params);
    const contract = state.contract(text(params, 'symbol'));
    const marginMode = text(params, 'marginMode');
    if (marginMode !== 'isolated' && marginMode !== 'crossed') throw errors.invalid('marginMode');
    const p = account.positions.get(contract.symbol);
    if (
      marginMode !== state.marginMode(account, contract.symbol) &&
      ((p && !p.total.eq(0)) || state.pending(account.seed.apiKey, contract.symbol).length > 0)
    ) {
      throw new BitgetError('40020', 'Parameter marginMode error: a position or order is open (fake-bitget)');
    }
    account.marginModes.set(contract.symbol, marginMode);
    const lever = state.leverage(account, contract.symbol);
    return { symbol: contract.symbol, marginCoin: 'USDT', longLeverage: lever, shortLeverage: lever, marginMode };
  }),
  'POST /api/v2/mix/account/set-leverage': signed(({ state, account, body }) => {
    const params = objectBody(body);
    usdtScope(params);
    const contract = state.contract(text(params, 'symbol'));
    const leverage = text(params, 'leverage');
    if (
      leverage === undefined ||
      !/^\d+$/.test(leverage) ||
      new Big(leverage).lt(contract.minLever) ||
      new Big(leverage).gt(contract.maxLever)
    )
      throw errors.invalid('leverage');
    account.leverage.set(contract.symbol, leverage);
    return {
      symbol: contract.symbol,
      marginCoin: 'USDT',
      longLeverage: leverage,
      shortLeverage: leverage,
      crossMarginLeverage: leverage,
      marginMode: state.marginMode(account, contract.symbol),
    };
  }),
  'GET /api/v2/mix/position/all-position': signed(({ state, account, query }) => {
    if (!isUsdt(query)) return [];
    return [...account.positions.keys()]
      .map((symbol) => positionRow(state, account, symbol))
      .filter((r) => r !== undefined);
  }),
  'GET /api/v2/mix/position/single-position': signed(({ state, account, query }) => {
    usdtScope(query);
    const row = singlePositionRow(state, account, state.contract(text(query, 'symbol')).symbol);
    return row ? [row] : [];
  }),
  'GET /api/v2/mix/account/bill': signed(({ state, account, query }) => {
    if (!isUsdt(query)) return { bills: [], endId: '' };
    const bySymbol = symbolFilter(state, query);
    const businessType = text(query, 'businessType');
    const within = inRange(query);
    const rows = state.bills.filter(
      (b) =>
        b.apiKey === account.seed.apiKey &&
        bySymbol(b.symbol) &&
        (businessType === undefined || b.businessType === businessType) &&
        within(b.cTime),
    );
    const { list, endId } = page(rows, query, (b) => b.billId);
    return { bills: list.map(billRow), endId };
  }),

  'POST /api/v2/mix/order/place-order': signed(({ state, account, body, fraction }) => {
    const order = placeOrder(state, account, objectBody(body), fraction);
    return { clientOid: order.clientOid, orderId: order.orderId };
  }),
  'GET /api/v2/mix/order/detail': signed(({ state, account, query }) => {
    usdtScope(query, { marginCoin: false });
    const contract = state.contract(text(query, 'symbol'));
    const orderId = text(query, 'orderId');
    const clientOid = text(query, 'clientOid');
    if (orderId === undefined && clientOid === undefined) throw errors.empty('orderId or clientOid');
    const order = state.orders.find(
      (o) =>
        o.apiKey === account.seed.apiKey &&
        o.symbol === contract.symbol &&
        (orderId !== undefined ? o.orderId === orderId : o.clientOid === clientOid),
    );
    if (!order) throw errors.orderNotFound();
    return orderRow(order, account.posMode);
  }),
  'POST /api/v2/mix/order/cancel-order': signed(({ state, account, body }) => {
    const order = cancelOrder(state, account, objectBody(body));
    return { orderId: order.orderId, clientOid: order.clientOid };
  }),
  'GET /api/v2/mix/order/orders-pending': signed(({ state, account, query }) => {
    if (!isUsdt(query)) return { entrustedList: [], endId: '' };
    const bySymbol = symbolFilter(state, query);
    const rows = state.pending(account.seed.apiKey).filter((o) => bySymbol(o.symbol));
    const { list, endId } = page(rows, query, (o) => o.orderId);
    return { entrustedList: list.map((o) => pendingOrderRow(o, account.posMode)), endId };
  }),
  'GET /api/v2/mix/order/orders-history': signed(({ state, account, query }) => {
    if (!isUsdt(query)) return { entrustedList: [], endId: '' };
    const bySymbol = symbolFilter(state, query);
    const within = inRange(query);
    const rows = state.orders.filter(
      (o) =>
        o.apiKey === account.seed.apiKey &&
        bySymbol(o.symbol) &&
        (o.state === 'filled' || o.state === 'canceled') &&
        within(o.cTime),
    );
    const { list, endId } = page(rows, query, (o) => o.orderId);
    return { entrustedList: list.map((o) => pendingOrderRow(o, account.posMode)), endId };
  }),
  'GET /api/v2/mix/order/fills': signed(({ state, account, query }) => {
    if (!isUsdt(query)) return { fillList: [], endId: '' };
    const bySymbol = symbolFilter(state, query);
    const orderId = text(query, 'orderId');
    const within = inRange(query);
    const rows = state.fills.filter(
      (f) =>
        f.apiKey === account.seed.apiKey &&
        bySymbol(f.symbol) &&
        (orderId === undefined || f.orderId === orderId) &&
        within(f.cTime),
    );
    const { list, endId } = page(rows, query, (f) => f.tradeId);
    return { fillList: list.map((f) => fillRow(f, account.posMode)), endId };
  }),

  'POST /api/v2/mix/order/place-tpsl-order': signed(({ state, account, body }) => {
    const plan = placeTpsl(state, account, objectBody(body));
    return { orderId: plan.orderId, clientOid: plan.clientOid };
  }),
  'POST /api/v2/mix/order/place-plan-order': signed(({ state, account, body }) => {
    const plan = placePlan(state, account, objectBody(body));
    return { orderId: plan.orderId, clientOid: plan.clientOid };
  }),
  'GET /api/v2/mix/order/orders-plan-pending': signed(({ state, account, query }) =>
    plans(state, account, query, false),
  ),
  'GET /api/v2/mix/order/orders-plan-history': signed(({ state, account, query }) =>
    plans(state, account, query, true),
  ),
  'POST /api/v2/mix/order/cancel-plan-order': signed(({ state, account, body }) =>
    cancelPlans(state, account, objectBody(body)),
  ),
};
