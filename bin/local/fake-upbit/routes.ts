// The routes the live adapter reaches (ccxt upbit, shared/adapters/exchange/dialects/upbit.ts), by
// "METHOD path". Upbit answers bare JSON (an object or an array), errors as {error: {name, message}}.
import { errors } from './errors';
import { MARKETS } from './markets';
import { cancelOrder, findOrder, type Params, placeOrder, text } from './orders';
import type { Account, UpbitState } from './state';
import { accountRows, bookRow, orderRow, orderWithTrades, tickerRow } from './views';

export interface RouteContext {
  state: UpbitState;
  /** The query string's parameters, or a POST's JSON body. */
  params: Params;
  /** The authenticated account; present on signed routes only. */
  account?: Account;
  fraction?: number;
}

type SignedContext = RouteContext & { account: Account };

export interface Route {
  signed: boolean;
  handle(ctx: RouteContext): unknown;
}

const publicRoute = (handle: (ctx: RouteContext) => unknown): Route => ({ signed: false, handle });
const signed = (handle: (ctx: SignedContext) => unknown): Route => ({
  signed: true,
  handle: (ctx) => {
    if (!ctx.account) throw errors.noToken();
    return handle({ ...ctx, account: ctx.account });
  },
});

export const ROUTES: Record<string, Route> = {
  'GET /v1/market/all': publicRoute(() => MARKETS),
  'GET /v1/ticker': publicRoute(({ state, params }) => {
    const markets = text(params, 'markets');
    if (markets === undefined) throw errors.missing('markets');
    return markets.split(',').map((m) => tickerRow(state, state.market(m)));
  }),
  'GET /v1/orderbook': publicRoute(({ state, params }) => {
    const markets = text(params, 'markets');
    if (markets === undefined) throw errors.missing('markets');
    const count = Number(text(params, 'count') ?? 15);
    if (!Number.isInteger(count) || count < 1) throw errors.invalid('count');
    return markets.split(',').map((m) => bookRow(state, state.market(m), count));
  }),

  'GET /v1/accounts': signed(({ account }) => accountRows(account)),
  'POST /v1/orders': signed(({ state, account, params, fraction }) =>
    orderRow(placeOrder(state, account, params, fraction)),
  ),
  'GET /v1/order': signed(({ state, account, params }) => orderWithTrades(findOrder(state, account, params))),
  'DELETE /v1/order': signed(({ state, account, params }) => orderRow(cancelOrder(state, account, params))),
  'GET /v1/orders/open': signed(({ state, account, params }) => {
    const market = text(params, 'market');
    return state
      .waiting(account.seed.apiKey, market === undefined ? undefined : state.market(market))
      .reverse()
      .map(orderRow);
  }),
};
