// Placing and cancelling, plain and plan, with Bitget's checks: the symbol exists, productType is
// USDT-FUTURES and marginCoin USDT, size is a whole number of lots (sizeMultiplier) of at least
// minTradeNum, price on the tick, an opening order worth at least minTradeUSDT (45110) with its
// margin free (40762), reduce-only needs a position to reduce (22002), a one-way order on a hedge
// account is refused (40774). clientOid is unique per account (Place-Order: "Customize order ID";
// Bitget documents no code for a repeat, 40786 is the code the dialect maps: the fake's choice).
import { Big } from '../../../shared/core/domain/money';
import { BitgetError, errors } from './errors';
import { type Contract, tickOf } from './instruments';
import { crosses, fillMarket, reducible, takeLimit } from './matching';
import { type Account, type BitgetState, PRODUCT_TYPE } from './state';
import type { FakeBitgetOrder, FakeBitgetPlan, PlanType, Side } from './types';

export type Params = Record<string, unknown>;

/** The plan families orders-plan-pending and cancel-plan-order take: profit_loss covers the tpsl types. */
export const TPSL_TYPES: readonly PlanType[] = ['pos_loss', 'pos_profit', 'profit_plan', 'loss_plan'];
const CLIENT_OID = /^[A-Za-z0-9_#-]{1,50}$/;

export function text(params: Params, field: string): string | undefined {
  const v = params[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw errors.invalid(field);
  return String(v);
}

function required(params: Params, field: string): string {
  const v = text(params, field);
  if (v === undefined) throw errors.empty(field);
  return v;
}

function decimal(params: Params, field: string): Big | undefined {
  const v = text(params, field);
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v) || new Big(v).lte(0)) throw errors.invalid(field);
  return new Big(v);
}

const onStep = (value: Big, step: Big | string): boolean => value.mod(step).eq(0);

/** productType and marginCoin, case-insensitive as Bitget's own examples send them. */
export function usdtScope(params: Params, { marginCoin = true } = {}): void {
  if (required(params, 'productType').toUpperCase() !== PRODUCT_TYPE) throw errors.invalid('productType');
  if (marginCoin && required(params, 'marginCoin').toUpperCase() !== 'USDT') throw errors.invalid('marginCoin');
}

function side(params: Params): Side {
  const s = required(params, 'side');
  if (s !== 'buy' && s !== 'sell') throw errors.invalid('side');
  return s;
}

function size(params: Params, contract: Contract, max: string): Big {
  const sz = decimal(params, 'size');
  if (!sz) throw errors.empty('size');
  if (!onStep(sz, contract.sizeMultiplier) || sz.lt(contract.minTradeNum)) throw errors.sizeStep();
  if (sz.gt(max)) throw errors.invalid('size');
  return sz;
}

function onTick(params: Params, field: string, contract: Contract): Big | undefined {
  const px = decimal(params, field);
  if (px && !onStep(px, tickOf(contract))) throw errors.invalid(field);
  return px;
}

/** reduceOnly is "YES" / "NO" (Place-Order); ccxt sends it upper-case, the docs' detail answers "yes". */
function reduceOnly(params: Params): boolean {
  const v = text(params, 'reduceOnly');
  if (v === undefined || v.toUpperCase() === 'NO') return false;
  if (v.toUpperCase() === 'YES') return true;
  throw errors.invalid('reduceOnly');
}

function clientOid(state: BitgetState, account: Account, params: Params): string {
  const id = text(params, 'clientOid');
  if (id === undefined) return '';
  if (!CLIENT_OID.test(id)) throw errors.invalid('clientOid');
  const used =
    state.orders.some((o) => o.apiKey === account.seed.apiKey && o.clientOid === id) ||
    state.plans.some((p) => p.apiKey === account.seed.apiKey && p.clientOid === id);
  if (used) throw errors.duplicateClientOid();
  return id;
}

/** An opening order: worth minTradeUSDT at least, and its initial margin (notional ÷ leverage) free. */
function checkOpening(state: BitgetState, account: Account, contract: Contract, s: Side, sz: Big, px: Big): void {
  const opening = sz.minus(reducible(state, account, contract.symbol, s));
  if (opening.lte(0)) return;
  if (opening.times(px).lt(contract.minTradeUSDT)) throw errors.minNotional();
  if (opening.times(px).div(state.leverage(account, contract.symbol)).gt(state.available(account)))
    throw errors.insufficient();
}

const FORCES = ['gtc', 'ioc', 'fok', 'post_only'];

/** POST /api/v2/mix/order/place-order (https://www.bitget.com/api-doc/contract/trade/Place-Order). */
export function placeOrder(state: BitgetState, account: Account, params: Params, fraction?: number): FakeBitgetOrder {
  const contract = state.contract(text(params, 'symbol'));
  usdtScope(params);
  const marginMode = required(params, 'marginMode');
  if (marginMode !== 'isolated' && marginMode !== 'crossed') throw errors.invalid('marginMode');
  const orderType = required(params, 'orderType');
  if (orderType !== 'market' && orderType !== 'limit') throw errors.invalid('orderType');
  const force = (text(params, 'force') ?? 'gtc').toLowerCase();
  if (!FORCES.includes(force)) throw errors.invalid('force');
  const s = side(params);
  if (account.posMode === 'hedge_mode' && text(params, 'tradeSide') === undefined) {
    throw new BitgetError('40774', 'The order type for unilateral position must also be the unilateral position type.');
  }
  const sz = size(params, contract, orderType === 'market' ? contract.maxMarketOrderQty : contract.maxOrderQty);
  let price = '';
  if (orderType === 'limit') {
    const p = onTick(params, 'price', contract);
    if (!p) throw errors.empty('price');
    price = p.toString();
  }
  const oid = clientOid(state, account, params);
  const ro = reduceOnly(params);
  if (ro && reducible(state, account, contract.symbol, s).eq(0)) throw errors.reduceOnlyFlat();
  const last = state.price(contract.symbol);
  if (!ro) checkOpening(state, account, contract, s, sz, price === '' ? last : new Big(price));

  const now = state.now();
  const order: FakeBitgetOrder = {
    apiKey: account.seed.apiKey,
    orderId: state.nextId(),
    clientOid: oid === '' ? state.nextId() : oid,
    symbol: contract.symbol,
    side: s,
    orderType,
    force,
    marginMode,
    size: sz.toString(),
    price,
    baseVolume: '0',
    priceAvg: '',
    fee: '0',
    totalProfits: '0',
    state: 'live',
    reduceOnly: ro,
    orderSource: 'normal',
    cTime: now,
    uTime: now,
  };
  state.orders.push(order);
  if (orderType === 'market') {
    fillMarket(state, account, order, fraction);
    return order;
  }
  const marketable = crosses(s, new Big(price), last);
  if (force === 'post_only' && marketable) order.state = 'canceled';
  else if (marketable) takeLimit(state, account, order);
  if ((force === 'ioc' || force === 'fok') && order.state !== 'filled') order.state = 'canceled';
  return order;
}

/** POST /api/v2/mix/order/cancel-order: by orderId, else clientOid; 43001 when nothing is pending. */
export function cancelOrder(state: BitgetState, account: Account, params: Params): FakeBitgetOrder {
  const contract = state.contract(text(params, 'symbol'));
  usdtScope(params, { marginCoin: false });
  const orderId = text(params, 'orderId');
  const oid = text(params, 'clientOid');
  if (orderId === undefined && oid === undefined) throw errors.empty('orderId or clientOid');
  const order = state
    .pending(account.seed.apiKey, contract.symbol)
    .find((o) => (orderId !== undefined ? o.orderId === orderId : o.clientOid === oid));
  if (!order) throw errors.orderAbsent();
  order.state = 'canceled';
  order.uTime = state.now();
  return order;
}

/** holdSide names the position (long/short; buy/sell in one-way mode); the plan's order closes it. */
function closingSide(params: Params): Side {
  const hold = required(params, 'holdSide');
  if (hold === 'long' || hold === 'buy') return 'sell';
  if (hold === 'short' || hold === 'sell') return 'buy';
  throw errors.invalid('holdSide');
}

function triggerType(params: Params): string {
  const t = text(params, 'triggerType') ?? 'fill_price';
  if (t !== 'fill_price' && t !== 'mark_price') throw errors.invalid('triggerType');
  return t;
}

function newPlan(
  state: BitgetState,
  account: Account,
  fields: Omit<
    FakeBitgetPlan,
    'apiKey' | 'orderId' | 'trackPrice' | 'planStatus' | 'executeOrderId' | 'cTime' | 'uTime' | 'reduceOnly'
  > & { reduceOnly?: boolean },
): FakeBitgetPlan {
  const now = state.now();
  const plan: FakeBitgetPlan = {
    apiKey: account.seed.apiKey,
    orderId: state.nextId(),
    trackPrice: '',
    planStatus: 'not_trigger',
    executeOrderId: '',
    cTime: now,
    uTime: now,
    reduceOnly: true,
    ...fields,
  };
  state.plans.push(plan);
  return plan;
}

/**
 * POST /api/v2/mix/order/place-tpsl-order (https://www.bitget.com/api-doc/contract/plan/Place-Tpsl-Order):
 * pos_loss / pos_profit close the whole position, profit_plan / loss_plan their `size` ("required
 * when planType is profit_plan, loss_plan"). Only executePrice 0 or absent (market) is modelled.
 */
export function placeTpsl(state: BitgetState, account: Account, params: Params): FakeBitgetPlan {
  const contract = state.contract(text(params, 'symbol'));
  usdtScope(params);
  const planType = required(params, 'planType') as PlanType;
  if (!TPSL_TYPES.includes(planType)) throw errors.invalid('planType');
  const trigger = onTick(params, 'triggerPrice', contract);
  if (!trigger) throw errors.empty('triggerPrice');
  const execute = text(params, 'executePrice');
  if (execute !== undefined && !new Big(execute).eq(0))
    throw new BitgetError('40020', 'Parameter executePrice error (fake-bitget models only 0, market)');
  const s = closingSide(params);
  const sized = planType === 'profit_plan' || planType === 'loss_plan';
  const sz = sized ? size(params, contract, contract.maxOrderQty).toString() : '';
  const oid = clientOid(state, account, params);
  if (reducible(state, account, contract.symbol, s).eq(0)) throw errors.reduceOnlyFlat();
  return newPlan(state, account, {
    clientOid: oid === '' ? state.nextId() : oid,
    symbol: contract.symbol,
    planType,
    side: s,
    size: sz,
    triggerPrice: trigger.toString(),
    triggerType: triggerType(params),
    callbackRatio: '',
    marginMode: state.marginMode(account, contract.symbol),
  });
}

/**
 * POST /api/v2/mix/order/place-plan-order (https://www.bitget.com/api-doc/contract/plan/Place-Plan-Order):
 * track_plan (the trailing stop): triggerPrice is the activation price ("Required: Yes"),
 * callbackRatio a percent that "cannot be greater than 10", a market order when it fires;
 * normal_plan (a trigger order): below.
 */
export function placePlan(state: BitgetState, account: Account, params: Params): FakeBitgetPlan {
  const contract = state.contract(text(params, 'symbol'));
  usdtScope(params);
  const planType = required(params, 'planType');
  if (planType === 'normal_plan') return placeTrigger(state, account, contract, params);
  if (planType !== 'track_plan')
    throw new BitgetError(
      '40020',
      `Parameter planType error (fake-bitget models track_plan and normal_plan, got ${planType})`,
    );
  const marginMode = required(params, 'marginMode');
  if (marginMode !== 'isolated' && marginMode !== 'crossed') throw errors.invalid('marginMode');
  const s = side(params);
  const sz = size(params, contract, contract.maxOrderQty);
  const trigger = onTick(params, 'triggerPrice', contract);
  if (!trigger) throw errors.empty('triggerPrice');
  const ratio = decimal(params, 'callbackRatio');
  if (!ratio || ratio.gt(10)) throw errors.invalid('callbackRatio');
  if (text(params, 'orderType') !== 'market') throw errors.invalid('orderType');
  const oid = clientOid(state, account, params);
  if (reduceOnly(params) && reducible(state, account, contract.symbol, s).eq(0)) throw errors.reduceOnlyFlat();
  return newPlan(state, account, {
    clientOid: oid === '' ? state.nextId() : oid,
    symbol: contract.symbol,
    planType: 'track_plan',
    side: s,
    size: sz.toString(),
    triggerPrice: trigger.toString(),
    triggerType: triggerType(params),
    callbackRatio: ratio.toString(),
    marginMode,
  });
}

/**
 * place-plan-order, planType normal_plan: a market order of `size` on `side` placed when the price
 * reaches triggerPrice ("Required: Yes"), from whichever side it is on at placement; triggerType
 * "Required when placing a trigger order"; price "must be empty when orderType is market";
 * callbackRatio "applies to trailing stop orders only"; reduceOnly "yes"/"no" (default no), and a
 * reduce-only trigger needs a position to reduce (22002). Only orderType market is modelled, and
 * margin is checked when it fires, not here (the fake's choice: Bitget documents neither).
 */
function placeTrigger(state: BitgetState, account: Account, contract: Contract, params: Params): FakeBitgetPlan {
  const marginMode = required(params, 'marginMode');
  if (marginMode !== 'isolated' && marginMode !== 'crossed') throw errors.invalid('marginMode');
  const s = side(params);
  const sz = size(params, contract, contract.maxMarketOrderQty);
  const trigger = onTick(params, 'triggerPrice', contract);
  if (!trigger) throw errors.empty('triggerPrice');
  if (text(params, 'triggerType') === undefined) throw errors.empty('triggerType');
  if (text(params, 'orderType') !== 'market')
    throw new BitgetError('40020', 'Parameter orderType error (fake-bitget models only market trigger orders)');
  if (text(params, 'price') !== undefined) throw errors.invalid('price');
  if (text(params, 'callbackRatio') !== undefined) throw errors.invalid('callbackRatio');
  const oid = clientOid(state, account, params);
  const ro = reduceOnly(params);
  if (ro && reducible(state, account, contract.symbol, s).eq(0)) throw errors.reduceOnlyFlat();
  return newPlan(state, account, {
    clientOid: oid === '' ? state.nextId() : oid,
    symbol: contract.symbol,
    planType: 'normal_plan',
    side: s,
    size: sz.toString(),
    triggerPrice: trigger.toString(),
    triggerType: triggerType(params),
    callbackRatio: '',
    marginMode,
    firesOnRise: trigger.gt(state.price(contract.symbol)),
    reduceOnly: ro,
  });
}

/** Whether a plan is listed (or cancelled) under a planType query: profit_loss is the tpsl family. */
export function inFamily(plan: FakeBitgetPlan, planType: string): boolean {
  return planType === 'profit_loss' ? TPSL_TYPES.includes(plan.planType) : plan.planType === planType;
}

/**
 * POST /api/v2/mix/order/cancel-plan-order (https://www.bitget.com/api-doc/contract/plan/Cancel-Plan-Order):
 * each row of orderIdList by orderId or clientOid, among pending plans of planType (default
 * normal_plan); the answer is 00000 with successList and failureList (errorMsg as the docs' example).
 */
export function cancelPlans(
  state: BitgetState,
  account: Account,
  params: Params,
): {
  successList: { orderId: string; clientOid: string }[];
  failureList: { orderId: string; clientOid: string; errorMsg: string }[];
} {
  const contract = state.contract(text(params, 'symbol'));
  usdtScope(params, { marginCoin: false });
  const planType = text(params, 'planType') ?? 'normal_plan';
  const rows = params.orderIdList;
  if (!Array.isArray(rows) || rows.length === 0) throw errors.empty('orderIdList');
  const successList: { orderId: string; clientOid: string }[] = [];
  const failureList: { orderId: string; clientOid: string; errorMsg: string }[] = [];
  for (const raw of rows as unknown[]) {
    const row = (raw && typeof raw === 'object' ? raw : {}) as Params;
    const orderId = text(row, 'orderId') ?? '';
    const oid = text(row, 'clientOid') ?? '';
    const plan = state.plans.find(
      (p) =>
        p.apiKey === account.seed.apiKey &&
        p.symbol === contract.symbol &&
        p.planStatus === 'not_trigger' &&
        inFamily(p, planType) &&
        ((orderId !== '' && p.orderId === orderId) || (orderId === '' && oid !== '' && p.clientOid === oid)),
    );
    if (!plan) {
      failureList.push({ orderId, clientOid: oid, errorMsg: 'notExistend' });
      continue;
    }
    plan.planStatus = 'cancelled';
    plan.uTime = state.now();
    successList.push({ orderId: plan.orderId, clientOid: plan.clientOid });
  }
  return { successList, failureList };
}
