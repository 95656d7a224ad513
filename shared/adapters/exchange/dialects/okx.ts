// OKX v5 USDT swaps: sizes in contracts (0.01 BTC), margin mode sent with every order (tdMode).
// Stops, take-profits and trailing stops are algo orders: a book of their own, addressed by the
// client's algoClOrdId (not clOrdId). Each call below names the OKX documentation section it follows
// (https://www.okx.com/docs-v5/en/); test/conformance/okx.conformance.test.ts holds them to it.
import type { OrderType } from '../../../core/domain/order';
import type { OrderLookup } from '../../../core/ports/exchange';
import type { CcxtExchange, CcxtMarket, CcxtOrder } from '../ccxt-lib';
import { OrderNotFound } from '../ccxt-lib';
import type { Dialect, DialectContext } from './dialect';
import { unifiedOps } from './dialect';
import { InvariantError } from '../../../core/errors';

/** Our order types that OKX places on its algo book (POST /api/v5/trade/order-algo). */
const ALGO_TYPES: ReadonlySet<OrderType> = new Set(['stop_market', 'take_profit_market', 'trailing_stop_market']);

/** The algo order types we place: `conditional` (stop-loss, take-profit) and `move_order_stop` (trailing). */
const ALGO_BOOKS = [{ ordType: 'conditional' }, { trailing: true }] as const;

type Implicit = (params: unknown) => Promise<{ data?: Record<string, unknown>[] }>;

/** One of ccxt's implicit OKX endpoints: ccxt still signs, rate-limits and maps the errors. */
function endpoint(
  ex: CcxtExchange,
  name: 'privateGetTradeOrderAlgo' | 'privatePostAccountSetLeverage' | 'privateGetAccountConfig',
): Implicit {
  const method = (ex as unknown as Record<string, Implicit>)[name];
  if (typeof method !== 'function') throw new InvariantError(`ccxt okx has no ${name}`);
  return method.bind(ex);
}

/**
 * ccxt reads an algo order's client id from clOrdId, which OKX leaves empty when the order was
 * placed with algoClOrdId ("Get algo order details": clOrdId and algoClOrdId are separate fields).
 */
function withAlgoClientId(order: CcxtOrder): CcxtOrder {
  const algoClOrdId = (order.info as Record<string, unknown> | undefined)?.algoClOrdId;
  return !order.clientOrderId && typeof algoClOrdId === 'string' && algoClOrdId !== ''
    ? { ...order, clientOrderId: algoClOrdId }
    : order;
}

async function fetchAlgoOrder(ex: CcxtExchange, market: CcxtMarket, clientOrderId: string): Promise<CcxtOrder> {
  // GET /api/v5/trade/order-algo documents algoId or algoClOrdId and nothing else
  // (#order-book-trading-algo-trading-get-algo-order-details); ccxt's fetchOrder adds instId.
  const response = await endpoint(ex, 'privateGetTradeOrderAlgo')({ algoClOrdId: clientOrderId });
  const row = response.data?.[0];
  if (!row)
    throw new OrderNotFound(`okx {"code":"51603","msg":"Order does not exist."} (algoClOrdId ${clientOrderId})`);
  return withAlgoClientId(ex.parseOrder(row, market));
}

export const okx: Dialect = {
  ...unifiedOps,
  // OKX has no per-instrument margin-mode switch: the margin mode is the order's tdMode, and the
  // leverage is set per instrument and margin mode (setLeverage below).
  setMarginMode: undefined,
  id: 'okx',
  capabilities: { derivatives: true, conditionalOrders: true, trailingStop: true, linkedProtection: false },
  clientIdPattern: /^[A-Za-z0-9]{1,32}$/,
  options: { defaultType: 'swap', fetchMarkets: { types: ['swap'] }, fetchCurrencies: false },
  balanceCurrency: 'USDT',
  hasTestnet: true,
  errorCodes: {
    '51008': 'INSUFFICIENT_MARGIN',
    '51020': 'MIN_NOTIONAL',
    '51121': 'PRECISION',
    '51169': 'REDUCE_ONLY_FLAT',
    '51016': 'DUPLICATE_CLIENT_ID',
    '50071': 'DUPLICATE_CLIENT_ID', // "{param} already exists", e.g. clOrdId
    '50102': 'CLOCK_SKEW',
    '51000': 'INVALID_ORDER',
    // Read only after a request that named our client id (clOrdId / algoClOrdId): "does not exist"
    // then means the exchange looked for that id. 51400 ("Order cancellation failed as the order has
    // been filled, canceled or does not exist"): nothing of it is left to cancel.
    '51603': 'ORDER_NOT_FOUND',
    '51400': 'ORDER_NOT_FOUND',
    '50111': 'AUTH_FAILED',
    '50113': 'AUTH_FAILED',
    '50011': 'RATE_LIMITED',
    '51001': 'UNKNOWN_SYMBOL',
  },
  // A placement answers {ordId, clOrdId, sCode} only (ccxt's captured "type2 & type3 together"):
  // an order that fills at once is read back by client id, so the fill is booked and protected in
  // this invocation (found by the fake OKX: without it every market order read as resting).
  createAnswersIdsOnly: true,
  fundingQuery: { since: 'begin', until: 'end', market: 'instId' },

  orderPlan: (plan, request, { marginMode }) => {
    const params: Record<string, unknown> = { ...plan.params, marginMode };
    // "Place algo order" documents algoClOrdId as the client's id (#order-book-trading-algo-trading-
    // post-place-algo-order); ccxt sends only clOrdId. Both carry our id, so whichever OKX keeps,
    // the order is found and cancelled by algoClOrdId.
    if (ALGO_TYPES.has(request.type)) params.algoClOrdId = request.clientOrderId;
    return { ...plan, params };
  },

  fetchOrder: async ({ ex }, market, clientOrderId, lookup: OrderLookup) =>
    lookup.conditional
      ? fetchAlgoOrder(ex, market, clientOrderId)
      : ex.fetchOrder('', market.symbol, { clientOrderId }),

  // Plain: POST /api/v5/trade/cancel-order {instId, clOrdId}. Conditional: POST /api/v5/trade/cancel-algos
  // [{instId, algoClOrdId}] (#order-book-trading-algo-trading-post-cancel-algo-order) — ccxt builds both.
  cancelOrder: async ({ ex }, market, clientOrderId, lookup) => {
    await ex.cancelOrder('', market.symbol, { clientOrderId, ...(lookup.conditional ? { trigger: true } : {}) });
  },

  // GET /api/v5/trade/orders-algo-pending takes one ordType per request (#order-book-trading-algo-
  // trading-get-algo-order-list); ccxt's `trigger` asks for ordType=trigger, which we never place.
  fetchOpenOrders: async ({ ex }, market, lookup) => {
    if (!lookup.conditional) return ex.fetchOpenOrders(market?.symbol);
    const out: CcxtOrder[] = [];
    for (const book of ALGO_BOOKS)
      out.push(...(await ex.fetchOpenOrders(market?.symbol, undefined, undefined, { ...book })).map(withAlgoClientId));
    return out;
  },

  // POST /api/v5/account/set-leverage {instId, lever, mgnMode} (#trading-account-rest-api-set-leverage,
  // scenarios 9 and 10: SWAP, cross or isolated, net mode — no posSide).
  setLeverage: async ({ ex, marginMode }: DialectContext, market, leverage) => {
    await endpoint(
      ex,
      'privatePostAccountSetLeverage',
    )({ instId: market.id, lever: String(leverage), mgnMode: marginMode });
  },

  // A fired algo order lists every order it placed in ordIdList (several when a TP/SL is split;
  // "Get algo order details"), and ordId "will be deprecated soon": ordId only when the list is empty.
  triggeredOrderIds: (conditional) => {
    const info = (conditional.info ?? {}) as { ordIdList?: unknown; ordId?: unknown };
    const list = Array.isArray(info.ordIdList)
      ? info.ordIdList.filter((id): id is string => typeof id === 'string' && id !== '')
      : [];
    if (list.length) return [...new Set(list)];
    return typeof info.ordId === 'string' && info.ordId !== '' ? [info.ordId] : [];
  },

  // GET /api/v5/account/config: `perm` lists the key's rights, `ip` the addresses it is bound to
  // (#trading-account-rest-api-get-account-configuration).
  keyPermissions: async ({ ex }) => {
    const config = (await endpoint(ex, 'privateGetAccountConfig')({})).data?.[0] ?? {};
    const perm = String(config.perm ?? '').split(',');
    const warnings = perm.includes('trade') ? [] : ['these keys cannot trade (OKX perm has no "trade")'];
    return { canWithdraw: perm.includes('withdraw'), ipRestricted: String(config.ip ?? '') !== '', warnings };
  },
};
