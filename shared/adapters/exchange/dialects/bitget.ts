// Bitget v2 USDT-M futures, classic account. Checked against Bitget's API documentation and ccxt's
// captured fixtures in test/conformance/bitget.conformance.test.ts; docs/exchanges/bitget.md says
// which feature rests on which evidence.
//
// Conditional orders live apart from plain ones: protective stops and targets are "tpsl" orders
// (planType pos_loss, profit_plan: POST /api/v2/mix/order/place-tpsl-order), trailing stops are plan
// orders (track_plan: place-plan-order), and a stop that is not reduce-only (one that opens, like the
// smoke check's far buy stop on a flat account) is a trigger order (normal_plan: place-plan-order),
// because a tpsl order needs the position it protects (22002). ccxt's fetchOrder knows only the plain-order endpoint and its
// conditional cancel and open-order calls default to normal_plan, so this dialect looks them up,
// lists and cancels them on the plan-order endpoints itself, through ccxt's implicit API methods.
import { ExchangeError, OrderNotFound, type CcxtExchange, type CcxtMarket, type CcxtOrder } from '../ccxt-lib';
import type { Dialect, DialectContext, KeyPermissions } from './dialect';
import { OrderAbsentError, unifiedOps } from './dialect';

/**
 * The plan types our conditional orders are listed under: tpsl (pos_loss, profit_plan), trailing,
 * and trigger orders (normal_plan, the stops that are not reduce-only), the rarest last.
 */
const PLAN_FAMILIES = ['profit_loss', 'track_plan', 'normal_plan'] as const;

/** A row of orders-plan-pending / orders-plan-history, as Bitget documents it (strings). */
interface PlanEntry {
  planType?: string;
  orderId?: string;
  clientOid?: string;
  planStatus?: string;
  executeOrderId?: string;
  triggerPrice?: string;
}

interface PlanListAnswer {
  data?: { entrustedList?: PlanEntry[] | null } | null;
}

interface CancelPlanAnswer {
  data?: {
    successList?: { clientOid?: string }[] | null;
    failureList?: { clientOid?: string; errorMsg?: string }[] | null;
  } | null;
}

/** ccxt's implicit Bitget methods this dialect calls (signing, rate limits and error mapping stay ccxt's). */
interface BitgetImplicit {
  privateMixGetV2MixOrderOrdersPlanPending(params: Record<string, unknown>): Promise<PlanListAnswer>;
  privateMixGetV2MixOrderOrdersPlanHistory(params: Record<string, unknown>): Promise<PlanListAnswer>;
  privateMixPostV2MixOrderCancelPlanOrder(params: Record<string, unknown>): Promise<CancelPlanAnswer>;
  privateMixGetV2MixAccountAccount(params: Record<string, unknown>): Promise<{ data?: { posMode?: string } | null }>;
  privateSpotGetV2SpotAccountInfo(
    params: Record<string, unknown>,
  ): Promise<{ data?: { ips?: string; authorities?: string[] } | null }>;
  handleProductTypeAndParams(
    market: CcxtMarket | undefined,
    params: Record<string, unknown>,
  ): [string, Record<string, unknown>];
}

const implicit = (ex: CcxtExchange): BitgetImplicit => ex as unknown as BitgetImplicit;

function productType(ex: CcxtExchange, market: CcxtMarket): string {
  return implicit(ex).handleProductTypeAndParams(market, {})[0];
}

/** The symbol, product type and margin coin every mix endpoint takes. */
function scope(ex: CcxtExchange, market: CcxtMarket): Record<string, string> {
  return {
    symbol: String(market.id),
    productType: productType(ex, market),
    marginCoin: String(market.settleId ?? market.settle),
  };
}

/**
 * Our order in Bitget's pending (or history) plan list, by clientOid, tpsl first then trailing.
 * https://www.bitget.com/api-doc/contract/plan/get-orders-plan-pending
 * https://www.bitget.com/api-doc/contract/plan/orders-plan-history
 * planType is required and names a family (profit_loss covers pos_loss, pos_profit, profit_plan,
 * loss_plan, moving_plan), so one request per family.
 */
async function findPlan(
  ex: CcxtExchange,
  market: CcxtMarket,
  clientOrderId: string,
  book: 'pending' | 'history',
): Promise<PlanEntry | undefined> {
  const { symbol, productType: product } = scope(ex, market);
  for (const planType of PLAN_FAMILIES) {
    const query = { symbol, productType: product, planType, clientOid: clientOrderId };
    const answer =
      book === 'pending'
        ? await implicit(ex).privateMixGetV2MixOrderOrdersPlanPending(query)
        : await implicit(ex).privateMixGetV2MixOrderOrdersPlanHistory(query);
    const found = (answer.data?.entrustedList ?? []).find((entry) => entry.clientOid === clientOrderId);
    if (found) return found;
  }
  return undefined;
}

const isTakeProfit = (planType: string | undefined): boolean => planType === 'pos_profit' || planType === 'profit_plan';

/** ccxt's parse of a plan row, with the stop/target reading our order type depends on. */
function parsePlan(ex: CcxtExchange, entry: PlanEntry, market: CcxtMarket): CcxtOrder {
  // ccxt reads a trigger order's attached TP/SL (stopSurplusTriggerPrice, stopLossTriggerPrice) as the
  // order's own take-profit and stop prices: the order's own trigger alone says what it is.
  const {
    takeProfitPrice: _attachedTarget,
    stopLossPrice: _attachedStop,
    ...order
  } = ex.parseOrder(entry as Record<string, unknown>, market);
  const trigger = order.triggerPrice;
  return isTakeProfit(entry.planType) ? { ...order, takeProfitPrice: trigger } : { ...order, stopLossPrice: trigger };
}

/**
 * A conditional order by client id: pending, else in the history; a fired one is reported as the
 * order it became (executeOrderId: its fill, average and fee) under our client id and trigger.
 */
async function fetchPlanOrder({ ex }: DialectContext, market: CcxtMarket, clientOrderId: string): Promise<CcxtOrder> {
  const pending = await findPlan(ex, market, clientOrderId, 'pending');
  if (pending) return parsePlan(ex, pending, market);
  const past = await findPlan(ex, market, clientOrderId, 'history');
  if (!past) throw new OrderAbsentError(`no plan order ${clientOrderId} pending or in the history of ${market.id}`);
  const plan = parsePlan(ex, past, market);
  if (past.planStatus !== 'executed' || !past.executeOrderId) return plan;
  let executed: CcxtOrder;
  try {
    executed = await ex.fetchOrder(past.executeOrderId, market.symbol);
  } catch (error) {
    // Past the order's retention: the history row's own fill (baseVolume, priceAvg) stands, never "absent".
    if (error instanceof OrderNotFound) return plan;
    throw error;
  }
  return {
    ...executed,
    clientOrderId,
    triggerPrice: plan.triggerPrice,
    stopLossPrice: plan.stopLossPrice,
    takeProfitPrice: plan.takeProfitPrice,
  };
}

/**
 * Cancels a conditional order by clientOid with the planType it was placed under, which Bitget
 * needs (normal_plan is the default): https://www.bitget.com/api-doc/contract/plan/Cancel-Plan-Order
 * The answer is 00000 even when nothing was cancelled: only our clientOid in successList counts.
 */
async function cancelPlanOrder({ ex }: DialectContext, market: CcxtMarket, clientOrderId: string): Promise<void> {
  const pending = await findPlan(ex, market, clientOrderId, 'pending');
  if (!pending) throw new OrderAbsentError(`no pending plan order ${clientOrderId} on ${market.id}`);
  const answer = await implicit(ex).privateMixPostV2MixOrderCancelPlanOrder({
    ...scope(ex, market),
    planType: pending.planType,
    orderIdList: [{ clientOid: clientOrderId }],
  });
  if ((answer.data?.successList ?? []).some((o) => o.clientOid === clientOrderId)) return;
  // Refused: gone only if it left the pending list meanwhile (fired or cancelled), else still live.
  if (!(await findPlan(ex, market, clientOrderId, 'pending')))
    throw new OrderAbsentError(`plan order ${clientOrderId} left the pending list`);
  const reason =
    (answer.data?.failureList ?? []).find((o) => o.clientOid === clientOrderId)?.errorMsg ?? 'not in successList';
  throw new ExchangeError(`bitget cancel-plan-order left ${clientOrderId} live: ${reason}`);
}

/** Bitget's documented permission codes (Get-Account-Info, authorities). */
const AUTHORITY_CODES = new Set([
  'coor',
  'cpor',
  'stor',
  'smor',
  'ttor',
  'wtor',
  'taxr',
  'chor',
  'p2pr',
  'coow',
  'cpow',
  'stow',
  'smow',
  'ttow',
  'wtow',
  'wwow',
  'chow',
  'p2p',
  'pllw',
  'pllr',
  'taxw',
]);

/**
 * The key's rights from GET /api/v2/spot/account/info (https://www.bitget.com/api-doc/spot/account/Get-Account-Info):
 * `authorities` in the documented codes (wwow: wallet withdrawal, coow: futures orders read and
 * write), `ips` the key's IP whitelist. The page's own example answers ["trade", "readonly"]
 * instead: such an answer decides nothing about withdrawals, and says so.
 */
async function keyPermissions({ ex }: DialectContext): Promise<KeyPermissions> {
  const info = (await implicit(ex).privateSpotGetV2SpotAccountInfo({})).data ?? {};
  const authorities = info.authorities ?? [];
  const ipRestricted = typeof info.ips === 'string' && info.ips.trim() !== '';
  if (!authorities.some((a) => AUTHORITY_CODES.has(a))) {
    return {
      ipRestricted,
      warnings: [
        `Bitget reported the key's permissions as ${JSON.stringify(authorities)}: make sure withdrawals are disabled`,
      ],
    };
  }
  const warnings = authorities.includes('coow')
    ? []
    : ['futures order trading (read and write) is not enabled on these keys'];
  return { canWithdraw: authorities.includes('wwow'), ipRestricted, warnings };
}

/** A swap market to read the account's position mode on: Bitget's account read needs a symbol. */
function anySwapMarket(ex: CcxtExchange): CcxtMarket {
  const market = Object.values((ex.markets ?? {}) as Record<string, CcxtMarket>).find(
    (m) => m.swap && m.settle === 'USDT',
  );
  if (!market) throw new ExchangeError('bitget: no USDT swap market loaded to read the position mode on');
  return market;
}

export const bitget: Dialect = {
  ...unifiedOps,
  id: 'bitget',
  // Targets are sized tpsl orders (profit_plan: a ladder works); the stop is the whole-position
  // pos_loss, so it always covers what the targets leave.
  capabilities: {
    derivatives: true,
    conditionalOrders: true,
    trailingStop: true,
    linkedProtection: false,
    sizedProtection: true,
  },
  clientIdPattern: /^[A-Za-z0-9_-]{1,50}$/,
  // uta false: ccxt would otherwise probe GET /api/v3/account/settings (unified account) with the
  // keys once per instance and take any failure, a timeout included, for "classic". This dialect
  // speaks the classic v2 API only.
  options: { defaultType: 'swap', fetchMarkets: { types: ['swap'] }, fetchCurrencies: false, uta: false },
  balanceCurrency: 'USDT',
  hasTestnet: true,
  errorCodes: {
    '40762': 'INSUFFICIENT_MARGIN',
    '45110': 'MIN_NOTIONAL',
    '40808': 'PRECISION',
    '22002': 'REDUCE_ONLY_FLAT',
    '40786': 'DUPLICATE_CLIENT_ID',
    '40005': 'CLOCK_SKEW',
    '40774': 'POSITION_MODE',
    '40109': 'ORDER_NOT_FOUND',
    // "The order does not exist" (Bitget's error-code list); 40768 "Order does not exist" is ccxt's table.
    '43001': 'ORDER_NOT_FOUND',
    '40768': 'ORDER_NOT_FOUND',
    '40006': 'AUTH_FAILED',
    '40037': 'AUTH_FAILED',
    '429': 'RATE_LIMITED',
    '40034': 'UNKNOWN_SYMBOL',
  },
  // place-plan-order: triggerPrice is required for track_plan too (the activation price).
  trailingNeedsActivation: true,
  // place-order answers {orderId, clientOid} only: https://www.bitget.com/api-doc/contract/trade/Place-Order
  createAnswersIdsOnly: true,
  orderPlan: (plan, request, { marginMode }) => {
    // ccxt sends a target as pos_profit (whole position); profit_plan keeps the size given.
    // https://www.bitget.com/api-doc/contract/plan/Place-Tpsl-Order
    const sized = request.type === 'take_profit_market' ? { planType: 'profit_plan' } : {};
    const params: Record<string, unknown> = { ...plan.params, marginMode, ...sized };
    if (request.type !== 'stop_market' || request.reduceOnly) return { ...plan, params };
    // A stop that opens is a trigger order: ccxt sends triggerPrice to place-plan-order as planType
    // normal_plan with orderType market, side, size and clientOid, the documented example's fields.
    // https://www.bitget.com/api-doc/contract/plan/Place-Plan-Order
    const { stopLossPrice, ...rest } = params;
    return { ...plan, params: { ...rest, triggerPrice: stopLossPrice } };
  },
  fetchOrder: async (ctx, market, clientOrderId, lookup) => {
    if (lookup.conditional) return fetchPlanOrder(ctx, market, clientOrderId);
    try {
      return await ctx.ex.fetchOrder('', market.symbol, { clientOrderId });
    } catch (error) {
      // ccxt raises OrderNotFound for Bitget's "does not exist" codes and for an empty answer to the clientOid query.
      if (error instanceof OrderNotFound) throw new OrderAbsentError(error.message);
      throw error;
    }
  },
  cancelOrder: async (ctx, market, clientOrderId, lookup) => {
    if (lookup.conditional) return cancelPlanOrder(ctx, market, clientOrderId);
    await ctx.ex.cancelOrder('', market.symbol, { clientOrderId });
  },
  // ccxt's conditional listing asks for one family (normal_plan by default): our protective stops
  // and targets are tpsl, trailing stops track_plan, and stops that open normal_plan.
  fetchOpenOrders: async ({ ex }, market, lookup) => {
    if (!lookup.conditional) return ex.fetchOpenOrders(market?.symbol, undefined, undefined, {});
    const tpsl = await ex.fetchOpenOrders(market?.symbol, undefined, undefined, { planType: 'profit_loss' });
    const trailing = await ex.fetchOpenOrders(market?.symbol, undefined, undefined, { trailing: true });
    const triggers = await ex.fetchOpenOrders(market?.symbol, undefined, undefined, { planType: 'normal_plan' });
    return [...tpsl, ...trailing, ...triggers];
  },
  // set-leverage takes no marginMode (isolated one-way needs no holdSide either):
  // https://www.bitget.com/api-doc/contract/account/Change-Leverage
  setLeverage: async ({ ex }, market, leverage) => {
    await ex.setLeverage(leverage, market.symbol);
  },
  // ccxt has no fetchPositionMode for Bitget: posMode is on the account read.
  // https://www.bitget.com/api-doc/contract/account/Get-Single-Account
  fetchHedged: async ({ ex }) => {
    const market = anySwapMarket(ex);
    const answer = await implicit(ex).privateMixGetV2MixAccountAccount(scope(ex, market));
    return answer.data?.posMode === 'hedge_mode';
  },
  // POST /api/v2/mix/account/set-position-mode {productType, posMode: one_way_mode}
  // https://www.bitget.com/api-doc/contract/account/Change-Hold-Mode
  setOneWay: async ({ ex }) => {
    await ex.setPositionMode(false, anySwapMarket(ex).symbol);
  },
  // The order a fired plan order became is read in fetchOrder (executeOrderId), not by the adapter.
  triggeredOrderIds: () => [],
  keyPermissions,
};
