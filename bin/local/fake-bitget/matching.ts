// The matching engine: fills at the last price (market and marketable orders, the contract's
// takerFeeRate) or at the order's price (resting limits crossed by a price move, makerFeeRate),
// books the position, balance, fill and bill; fires plan orders (pos_loss, profit_plan, track_plan)
// as reduce-only market orders, and trigger orders (normal_plan) as the market order they carry.
import { Big } from '../../../shared/core/domain/money';
import { tickOf } from './instruments';
import type { Account, BitgetState } from './state';
import type { FakeBitgetOrder, FakeBitgetPlan, Side } from './types';

const signed = (side: Side, size: Big): Big => (side === 'buy' ? size : size.neg());

/** Coins a reduce-only order may still close: the opposite side of the position, else 0. */
export function reducible(state: BitgetState, account: Account, symbol: string, side: Side): Big {
  const total = state.position(account, symbol).total;
  if (side === 'sell' && total.gt(0)) return total;
  if (side === 'buy' && total.lt(0)) return total.abs();
  return new Big(0);
}

/** Books one fill of `size` coins at `px`: position, realised P&L, fee, balance, fill and bill. */
function fill(state: BitgetState, account: Account, order: FakeBitgetOrder, size: Big, px: Big, feeRate: string): void {
  const position = state.position(account, order.symbol);
  const delta = signed(order.side, size);
  const now = state.now();
  let profit = new Big(0);
  const opening = position.total.eq(0) || position.total.gt(0) === delta.gt(0);
  if (opening) {
    const total = position.total.plus(delta);
    position.openPriceAvg = position.total.abs().times(position.openPriceAvg).plus(size.times(px)).div(total.abs());
    if (position.total.eq(0)) {
      position.cTime = now;
      position.achievedProfits = new Big(0);
      position.totalFee = new Big(0);
    }
    position.total = total;
  } else {
    const closing = size.lt(position.total.abs()) ? size : position.total.abs();
    profit = px.minus(position.openPriceAvg).times(position.total.gt(0) ? closing : closing.neg());
    const rest = position.total.plus(delta);
    if (rest.eq(0)) position.openPriceAvg = new Big(0);
    else if (rest.gt(0) !== position.total.gt(0)) {
      // flipped through zero: the remainder opens at this price
      position.openPriceAvg = px;
      position.cTime = now;
    }
    position.total = rest;
  }
  const fee = size.times(px).times(feeRate).neg();
  position.achievedProfits = position.achievedProfits.plus(profit);
  position.totalFee = position.totalFee.plus(fee);
  position.uTime = now;
  account.cash = account.cash.plus(profit).plus(fee);

  const before = new Big(order.baseVolume);
  const filled = before.plus(size);
  order.priceAvg = (
    order.priceAvg === '' ? px : before.times(order.priceAvg).plus(size.times(px)).div(filled)
  ).toString();
  order.baseVolume = filled.toString();
  order.fee = new Big(order.fee).plus(fee).toString();
  order.totalProfits = new Big(order.totalProfits).plus(profit).toString();
  order.state = filled.gte(order.size) ? 'filled' : 'partially_filled';
  order.uTime = now;

  state.fills.push({
    apiKey: order.apiKey,
    tradeId: state.nextId(),
    orderId: order.orderId,
    symbol: order.symbol,
    side: order.side,
    baseVolume: size.toString(),
    price: px.toString(),
    fee: fee.toString(),
    profit: profit.toString(),
    tradeSide: opening ? 'open' : 'close',
    cTime: now,
  });
  const direction = (opening ? order.side === 'buy' : order.side === 'sell') ? 'long' : 'short';
  state.bills.push({
    apiKey: order.apiKey,
    billId: state.nextId(),
    symbol: order.symbol,
    businessType: `${opening ? 'open' : 'close'}_${direction}`,
    amount: profit.toString(),
    fee: fee.toString(),
    balance: account.cash.toString(),
    cTime: now,
  });
}

/**
 * A market order (or the one a plan order fires): fills now at the last price, reduce-only
 * clipped to the position; `fraction` (a scripted partial fill) fills part and cancels the rest.
 */
export function fillMarket(state: BitgetState, account: Account, order: FakeBitgetOrder, fraction?: number): void {
  const contract = state.contract(order.symbol);
  let size = new Big(order.size);
  if (order.reduceOnly) {
    const max = reducible(state, account, order.symbol, order.side);
    if (max.lt(size)) size = max;
  }
  if (fraction !== undefined)
    size = size.times(fraction).div(contract.sizeMultiplier).round(0, Big.roundDown).times(contract.sizeMultiplier);
  if (size.gt(0)) fill(state, account, order, size, state.price(order.symbol), contract.takerFeeRate);
  if (order.state !== 'filled') {
    order.state = 'canceled';
    order.uTime = state.now();
  }
}

/** Whether a limit at `px` on `side` trades against the last price. */
export function crosses(side: Side, px: Big, last: Big): boolean {
  return side === 'buy' ? last.lte(px) : last.gte(px);
}

/** A marketable limit takes at the last price (better or equal to its own); called on placement. */
export function takeLimit(state: BitgetState, account: Account, order: FakeBitgetOrder): void {
  let size = new Big(order.size);
  if (order.reduceOnly) {
    const max = reducible(state, account, order.symbol, order.side);
    if (max.lt(size)) size = max;
  }
  if (size.gt(0))
    fill(state, account, order, size, state.price(order.symbol), state.contract(order.symbol).takerFeeRate);
}

function restingFill(state: BitgetState, order: FakeBitgetOrder, last: Big): void {
  if (!crosses(order.side, new Big(order.price), last)) return;
  const account = state.accountOrThrow(order.apiKey);
  let size = new Big(order.size).minus(order.baseVolume);
  if (order.reduceOnly) {
    const max = reducible(state, account, order.symbol, order.side);
    if (max.lt(size)) size = max;
    if (size.eq(0)) {
      order.state = 'canceled';
      order.uTime = state.now();
      return;
    }
  }
  fill(state, account, order, size, new Big(order.price), state.contract(order.symbol).makerFeeRate);
}

const isLossPlan = (plan: FakeBitgetPlan) => plan.planType === 'pos_loss' || plan.planType === 'loss_plan';

/** A tpsl order fires when the price reaches its trigger: a sell (closes a long) stops below and takes profit above. */
function tpslFires(plan: FakeBitgetPlan, last: Big): boolean {
  const below = last.lte(plan.triggerPrice);
  const above = last.gte(plan.triggerPrice);
  if (plan.side === 'sell') return isLossPlan(plan) ? below : above;
  return isLossPlan(plan) ? above : below;
}

/**
 * track_plan: activates when the price reaches triggerPrice, then follows the best price and fires
 * when the price gives back callbackRatio percent of it.
 */
function trailingFires(state: BitgetState, plan: FakeBitgetPlan, last: Big): boolean {
  if (plan.trackPrice === '') {
    const active = plan.side === 'sell' ? last.gte(plan.triggerPrice) : last.lte(plan.triggerPrice);
    if (!active) return false;
  }
  if (plan.trackPrice === '' || (plan.side === 'sell' ? last.gt(plan.trackPrice) : last.lt(plan.trackPrice))) {
    plan.trackPrice = last.toString();
    plan.uTime = state.now();
  }
  const stop = trailingStopPrice(state, plan);
  return plan.side === 'sell' ? last.lte(stop) : last.gte(stop);
}

/** The price a trailing plan closes at: the best price less (or plus) callbackRatio %, on the tick. */
export function trailingStopPrice(state: BitgetState, plan: FakeBitgetPlan): Big {
  const tick = tickOf(state.contract(plan.symbol));
  const ratio = new Big(plan.callbackRatio).div(100);
  const factor = plan.side === 'sell' ? new Big(1).minus(ratio) : new Big(1).plus(ratio);
  return new Big(plan.trackPrice)
    .times(factor)
    .div(tick)
    .round(0, plan.side === 'sell' ? Big.roundDown : Big.roundUp)
    .times(tick);
}

/** A trigger order (normal_plan) fires when the price reaches its trigger from the side it was on at placement. */
const triggerFires = (plan: FakeBitgetPlan, last: Big): boolean =>
  plan.firesOnRise ? last.gte(plan.triggerPrice) : last.lte(plan.triggerPrice);

/**
 * The orderSource of the order a plan places: `<planType>_market` for the tpsl and trailing types;
 * a trigger order's is plan_market ("market plan order", Bitget's longer orderSource enumeration).
 */
const sourceOf = (plan: FakeBitgetPlan): string =>
  plan.planType === 'normal_plan' ? 'plan_market' : `${plan.planType}_market`;

/** A trigger order that opens is checked for margin when it fires (the opening part's notional ÷ leverage must be free). */
function affordable(state: BitgetState, account: Account, order: FakeBitgetOrder): boolean {
  const opening = new Big(order.size).minus(reducible(state, account, order.symbol, order.side));
  return (
    opening.lte(0) ||
    opening.times(state.price(order.symbol)).div(state.leverage(account, order.symbol)).lte(state.available(account))
  );
}

/** A fired plan places its market order (executeOrderId) and is executed, or fail_execute when nothing could fill. */
function fire(state: BitgetState, plan: FakeBitgetPlan): void {
  const account = state.accountOrThrow(plan.apiKey);
  const now = state.now();
  const whole = plan.size === '';
  const order: FakeBitgetOrder = {
    apiKey: plan.apiKey,
    orderId: state.nextId(),
    clientOid: '',
    symbol: plan.symbol,
    side: plan.side,
    orderType: 'market',
    force: 'gtc',
    marginMode: plan.marginMode,
    size: whole ? reducible(state, account, plan.symbol, plan.side).toString() : plan.size,
    price: '',
    baseVolume: '0',
    priceAvg: '',
    fee: '0',
    totalProfits: '0',
    state: 'live',
    reduceOnly: plan.reduceOnly,
    orderSource: sourceOf(plan),
    cTime: now,
    uTime: now,
  };
  state.orders.push(order);
  if (new Big(order.size).gt(0) && (plan.reduceOnly || affordable(state, account, order)))
    fillMarket(state, account, order);
  else order.state = 'canceled';
  plan.uTime = now;
  plan.executeOrderId = order.orderId;
  plan.planStatus = order.baseVolume === '0' ? 'fail_execute' : 'executed';
}

/** After the last price of symbol moved: resting limits cross, plan orders fire (in placement order). */
export function onPriceMove(state: BitgetState, symbol: string): void {
  const last = state.price(symbol);
  for (const order of state.orders) {
    if (
      order.symbol === symbol &&
      (order.state === 'live' || order.state === 'partially_filled') &&
      order.orderType === 'limit'
    )
      restingFill(state, order, last);
  }
  for (const plan of state.plans) {
    if (plan.symbol !== symbol || plan.planStatus !== 'not_trigger') continue;
    const fires =
      plan.planType === 'track_plan'
        ? trailingFires(state, plan, last)
        : plan.planType === 'normal_plan'
          ? triggerFires(plan, last)
          : tpslFires(plan, last);
    if (fires) fire(state, plan);
  }
}
