// Bybit v5 linear USDT perpetuals. Where ccxt's unified method is wrong for Bybit (look-up and cancel
// by client id, open orders, margin mode, position mode) the documented endpoint is called through
// ccxt's implicit API, so signing, rate limits and error mapping stay ccxt's. Every choice here is
// proven in test/conformance/bybit.conformance.test.ts and listed in docs/exchanges/bybit.md.
import { SignalRejectedError } from '../../../core/errors';
import type { OrderType } from '../../../core/domain/order';
import { OrderNotFound, type CcxtExchange, type CcxtMarket, type CcxtOrder } from '../ccxt-lib';
import type { Dialect, DialectContext, KeyPermissions } from './dialect';
import { unifiedOps } from './dialect';

const CATEGORY = 'linear';
const SETTLE = 'USDT';
/** /v5/order/realtime answers at most 50 rows a page (docs: limit [1, 50], default 20). */
const PAGE = 50;
/** Pages of open orders read before giving up: 1,000 orders, twice Bybit's 500 active-order cap (110020). */
const MAX_PAGES = 20;

type Rows = { result?: { list?: Record<string, unknown>[]; nextPageCursor?: string } };
type Call = (params: Record<string, unknown>) => Promise<unknown>;

/** ccxt's implicit methods for the endpoints used here (generated from Bybit's API list). */
interface BybitApi {
  privateGetV5OrderRealtime: Call;
  privateGetV5OrderHistory: Call;
  privatePostV5OrderCancel: Call;
  privateGetV5PositionList: Call;
  privatePostV5PositionSwitchMode: Call;
  privatePostV5PositionSwitchIsolated: Call;
  privateGetV5AccountInfo: Call;
  privateGetV5UserQueryApi: Call;
}

const api = (ex: CcxtExchange): BybitApi => ex as unknown as BybitApi;

async function rows(call: Promise<unknown>): Promise<{ list: Record<string, unknown>[]; cursor: string | undefined }> {
  const result = ((await call) as Rows).result ?? {};
  return { list: result.list ?? [], cursor: result.nextPageCursor || undefined };
}

/**
 * The order by its orderLinkId. GET /v5/order/realtime finds open orders and, when asked by
 * orderLinkId, recent closed ones too ("openOnly is ignored when query by orderId or orderLinkId");
 * after a Bybit restart closed orders are only in GET /v5/order/history, which is asked next.
 * No orderFilter: "all kinds of orders by default", so a conditional order is found before and
 * after it fired (Untriggered → Triggered → New → Filled keeps its orderId and orderLinkId).
 * https://bybit-exchange.github.io/docs/v5/order/open-order, .../order-list
 */
async function fetchByLinkId(ex: CcxtExchange, market: CcxtMarket, clientOrderId: string): Promise<CcxtOrder> {
  const query = { category: CATEGORY, symbol: market.id, orderLinkId: clientOrderId };
  for (const read of [api(ex).privateGetV5OrderRealtime, api(ex).privateGetV5OrderHistory]) {
    const { list } = await rows(read.call(ex, query));
    // Only the row with our id: an endpoint that ignored the filter must not hand us another order.
    const row = list.find((r) => r.orderLinkId === clientOrderId);
    if (row) return ex.parseOrder(row, market);
  }
  throw new OrderNotFound(`bybit order ${clientOrderId} not found on ${market.id}`);
}

/**
 * Open orders of one kind: `Order` (plain) or `StopOrder` (conditional). Without a filter Bybit
 * answers every kind, and the adapter, which asks for both, would list each stop twice. Paged by
 * cursor: ccxt reads one page of 20.
 */
async function openOrders(
  ex: CcxtExchange,
  market: CcxtMarket | undefined,
  conditional: boolean,
): Promise<CcxtOrder[]> {
  const query: Record<string, unknown> = {
    category: CATEGORY,
    orderFilter: conditional ? 'StopOrder' : 'Order',
    limit: PAGE,
  };
  if (market) query.symbol = market.id;
  else query.settleCoin = SETTLE;
  const out: CcxtOrder[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await rows(api(ex).privateGetV5OrderRealtime.call(ex, cursor ? { ...query, cursor } : query));
    for (const row of answer.list) out.push(ex.parseOrder(row, market));
    // Bybit hands a cursor on the last page too (the docs' example, limit 1, has one): a short page ends the list.
    cursor = answer.cursor;
    if (!cursor || answer.list.length < PAGE) return out;
  }
  throw new SignalRejectedError(`bybit open orders: more than ${MAX_PAGES} pages`, 'HISTORY_TOO_LONG');
}

/** Bybit's account margin modes (GET /v5/account/info `marginMode`) for ours. */
const ACCOUNT_MARGIN_MODE = { isolated: 'ISOLATED_MARGIN', cross: 'REGULAR_MARGIN' } as const;
/** unifiedMarginStatus 1: classic account, where the margin mode is still per symbol. */
const CLASSIC_ACCOUNT = 1;

/**
 * On a unified account the margin mode is the ACCOUNT's (POST /v5/account/set-margin-mode has no
 * symbol; /v5/position/switch-isolated is "UTA2.0: not supported", "UTA1.0: inverse" only). It is
 * never switched from here: that would change every other position of the owner. The account's
 * mode is read and an entry whose margin mode differs is refused, naming both. Classic accounts
 * switch per symbol (switch-isolated, linear supported), 110026 "not modified" being success.
 * https://bybit-exchange.github.io/docs/v5/account/account-info, .../account/set-margin-mode,
 * .../abandon/cross-isolate
 */
async function setMarginMode({ ex, marginMode }: DialectContext, market: CcxtMarket, leverage: number): Promise<void> {
  const info =
    (
      (await api(ex).privateGetV5AccountInfo.call(ex, {})) as {
        result?: { marginMode?: string; unifiedMarginStatus?: number | string };
      }
    ).result ?? {};
  if (Number(info.unifiedMarginStatus) === CLASSIC_ACCOUNT) {
    const lev = String(leverage);
    await api(ex).privatePostV5PositionSwitchIsolated.call(ex, {
      category: CATEGORY,
      symbol: market.id,
      tradeMode: marginMode === 'isolated' ? 1 : 0,
      buyLeverage: lev,
      sellLeverage: lev,
    });
    return;
  }
  const wanted = ACCOUNT_MARGIN_MODE[marginMode];
  if (info.marginMode !== wanted) {
    throw new SignalRejectedError(
      `bybit account margin mode is ${info.marginMode ?? 'unknown'} (account-wide on a unified account) but this account trades ${marginMode} (${wanted}): change one of them; it is not switched automatically`,
      'MARGIN_MODE_MISMATCH',
      { exchange: 'bybit', accountMarginMode: info.marginMode, wanted },
    );
  }
}

/**
 * Position mode: ccxt has no fetchPositionMode for Bybit. An open position's positionIdx says it
 * (0 one-way, 1/2 the two sides of hedge mode); GET /v5/position/list with settleCoin returns
 * only positions with a size, and "System default: one-way mode".
 * https://bybit-exchange.github.io/docs/v5/position (positionIdx), .../position/position-mode
 */
async function fetchHedged({ ex }: DialectContext): Promise<boolean> {
  const { list } = await rows(
    api(ex).privateGetV5PositionList.call(ex, { category: CATEGORY, settleCoin: SETTLE, limit: 200 }),
  );
  return list.some((p) => Number(p.positionIdx) !== 0);
}

/** POST /v5/position/switch-mode by coin, mode 0 (merged single); 110025 "not modified" is success. */
async function setOneWay({ ex }: DialectContext): Promise<void> {
  try {
    await api(ex).privatePostV5PositionSwitchMode.call(ex, { category: CATEGORY, coin: SETTLE, mode: 0 });
  } catch (error) {
    if (!(error instanceof Error && /"retCode"\s*:\s*110025\b/.test(error.message))) throw error;
  }
}

/**
 * What GET /v5/user/query-api says of the key (withdrawal right, bound IPs, read-only), and the
 * account's margin mode, which entries must match (see setMarginMode).
 * https://bybit-exchange.github.io/docs/v5/user/apikey-info
 */
async function keyPermissions({ ex }: DialectContext): Promise<KeyPermissions> {
  const key =
    ((await api(ex).privateGetV5UserQueryApi.call(ex, {})) as { result?: Record<string, unknown> }).result ?? {};
  const permissions = (key.permissions ?? {}) as Record<string, string[] | undefined>;
  const ips = (key.ips ?? []) as string[];
  const warnings: string[] = [];
  if (Number(key.readOnly) === 1) warnings.push('these Bybit keys are read-only: orders will be refused');
  if (!(permissions.ContractTrade ?? []).includes('Order'))
    warnings.push('these Bybit keys lack the contract Order permission');
  const account =
    (
      (await api(ex).privateGetV5AccountInfo.call(ex, {})) as {
        result?: { marginMode?: string; unifiedMarginStatus?: number };
      }
    ).result ?? {};
  if (Number(account.unifiedMarginStatus) !== CLASSIC_ACCOUNT && account.marginMode) {
    warnings.push(
      `the Bybit account's margin mode is ${account.marginMode} (account-wide): entries are refused unless the account's margin mode matches it (${Object.entries(
        ACCOUNT_MARGIN_MODE,
      )
        .map(([k, v]) => `${k} = ${v}`)
        .join(', ')})`,
    );
  }
  return {
    canWithdraw: (permissions.Wallet ?? []).includes('Withdraw'),
    ipRestricted: ips.length > 0 && !ips.includes('*'),
    warnings,
  };
}

/** Bybit's stopOrderType says what a conditional order is; every Bybit order carries the key. */
function orderType(o: CcxtOrder): OrderType | undefined {
  const info = (o.info ?? {}) as Record<string, unknown>;
  const stop = String(info.stopOrderType ?? '');
  if (stop === 'TrailingStop') return 'trailing_stop_market';
  if (stop === 'TakeProfit' || stop === 'PartialTakeProfit') return 'take_profit_market';
  if (stop === 'StopLoss' || stop === 'PartialStopLoss') return 'stop_market';
  // "Stop": a conditional order placed with triggerPrice; ccxt tells a reduce-only one's role from its direction.
  if (stop === 'Stop') return o.takeProfitPrice !== undefined ? 'take_profit_market' : 'stop_market';
  return o.type === 'limit' ? 'limit' : 'market';
}

export const bybit: Dialect = {
  ...unifiedOps,
  id: 'bybit',
  // Bybit's trailing stop is a position attribute (POST /v5/position/trading-stop `trailingStop`), not
  // an order with a client id or a size: the risk engine emulates it.
  capabilities: { derivatives: true, conditionalOrders: true, trailingStop: false, linkedProtection: false },
  // orderLinkId: "max 36 characters; numbers, letters (upper and lower cases), dashes, and underscores".
  clientIdPattern: /^[A-Za-z0-9_-]{1,36}$/,
  options: { defaultType: 'swap', fetchMarkets: { types: ['linear'] }, fetchCurrencies: false },
  balanceCurrency: 'USDT',
  hasTestnet: true,
  // https://bybit-exchange.github.io/docs/v5/error
  errorCodes: {
    '110007': 'INSUFFICIENT_MARGIN',
    '110004': 'INSUFFICIENT_MARGIN',
    '110012': 'INSUFFICIENT_MARGIN',
    '110094': 'MIN_NOTIONAL',
    '170137': 'PRECISION',
    '110017': 'REDUCE_ONLY_FLAT',
    '110072': 'DUPLICATE_CLIENT_ID',
    '10002': 'CLOCK_SKEW',
    '110025': 'NO_CHANGE', // position mode not modified
    '110001': 'ORDER_NOT_FOUND',
    // a cancel of an order that already ended: "completed or cancelled", "has been cancelled"
    '110008': 'ORDER_NOT_FOUND',
    '110010': 'ORDER_NOT_FOUND',
    '10003': 'AUTH_FAILED',
    '10004': 'AUTH_FAILED',
    '10005': 'AUTH_FAILED',
    '10010': 'AUTH_FAILED',
    '10006': 'RATE_LIMITED',
    '110043': 'NO_CHANGE',
    '110026': 'NO_CHANGE',
    '110092': 'WOULD_TRIGGER',
    '110093': 'WOULD_TRIGGER',
    '10016': 'STATUS_UNKNOWN',
    '10001': 'INVALID_ORDER',
  },
  // ccxt's USDT total is the wallet balance; the coin's `equity` adds the unrealised P&L.
  // https://bybit-exchange.github.io/docs/v5/account/wallet-balance (coin > equity)
  balanceEquity: (info, currency) => {
    const account = ((info as { result?: { list?: { coin?: { coin?: string; equity?: string }[] }[] } }).result?.list ??
      [])[0];
    // Bybit's own decimal text: the adapter keeps it exact (an empty or absent value means none).
    const equity = account?.coin?.find((c) => c.coin === currency)?.equity;
    return equity !== undefined && equity !== '' && Number.isFinite(Number(equity)) ? equity : undefined;
  },
  // Funding comes from the execution list (execType Funding), where execFee is signed as a fee.
  fundingAsFee: true,
  // GET /v5/market/historical-volatility (category option, baseCoin, period in days; value a
  // fraction): the options market's hourly historical volatility, for the few coins Bybit lists
  // options on. 7 days: the shortest period it offers, the nearest to a breaker's horizon.
  volatilityIndex: { periodDays: 7, source: 'Bybit options 7-day historical volatility' },
  createAnswersIdsOnly: true,
  orderType,
  orderPlan: (plan, request) => {
    // positionIdx 0: one-way mode, as Bybit's own one-way examples send it (hedge mode then refuses
    // the order instead of guessing a side). A stop is closeOnTrigger: "if the account has
    // insufficient available balance when the closing order is triggered, other active orders of
    // similar contracts will be cancelled or reduced" rather than the stop.
    const params: Record<string, unknown> = { ...plan.params, positionIdx: 0 };
    if (request.type === 'stop_market') params.closeOnTrigger = true;
    return { ...plan, params };
  },
  fetchOrder: ({ ex }, market, clientOrderId) => fetchByLinkId(ex, market, clientOrderId),
  // POST /v5/order/cancel by orderLinkId ("either orderId or orderLinkId is required"; orderFilter
  // is "Spot trading only"). ccxt sent orderId "" and no orderLinkId, so its 110001 meant nothing.
  // https://bybit-exchange.github.io/docs/v5/order/cancel-order
  cancelOrder: async ({ ex }, market, clientOrderId) => {
    await api(ex).privatePostV5OrderCancel.call(ex, {
      category: CATEGORY,
      symbol: market.id,
      orderLinkId: clientOrderId,
    });
  },
  fetchOpenOrders: ({ ex }, market, lookup) => openOrders(ex, market, lookup.conditional === true),
  setMarginMode,
  fetchHedged,
  setOneWay,
  // A fired conditional order keeps its orderId: its fill is on the same record.
  triggeredOrderIds: () => [],
  keyPermissions,
};
