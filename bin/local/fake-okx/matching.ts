// The matching engine: fills at the last price (market and marketable orders, taker fee) or at the
// order's price (resting limits crossed by a price move, maker fee), books the position, cash,
// fill and bill; fires algo orders (stop-loss, take-profit, trailing) as market orders.
import { Big } from '../../../shared/core/domain/money';
import { type Account, MAKER_FEE, type MarginMode, type OkxState, TAKER_FEE } from './state';
import type { FakeOkxAlgo, FakeOkxOrder, Side } from './types';

const signed = (side: Side, sz: Big): Big => (side === 'buy' ? sz : sz.neg());

/** Contracts a reduce-only order may still close: the opposite side of the position, else 0. */
export function reducible(state: OkxState, account: Account, instId: string, side: Side): Big {
  const pos = state.position(account, instId).pos;
  if (side === 'sell' && pos.gt(0)) return pos;
  if (side === 'buy' && pos.lt(0)) return pos.abs();
  return new Big(0);
}

/** Books one fill of `sz` contracts at `px`: position, realised P&L, fee, cash, fill and trade bill. */
function fill(state: OkxState, account: Account, order: FakeOkxOrder, sz: Big, px: Big, feeRate: string): void {
  const inst = state.instrument(order.instId);
  const position = state.position(account, order.instId);
  const delta = signed(order.side, sz);
  const now = state.now();
  let pnl = new Big(0);
  const opening = position.pos.eq(0) || position.pos.gt(0) === delta.gt(0);
  if (opening) {
    // opening or adding: the average entry moves
    const total = position.pos.plus(delta);
    position.avgPx = position.pos.abs().times(position.avgPx).plus(sz.times(px)).div(total.abs());
    if (position.pos.eq(0)) {
      position.cTime = now;
      position.mgnMode = order.tdMode as MarginMode;
      position.realizedPnl = new Big(0);
      position.fee = new Big(0);
      position.fundingFee = new Big(0);
    }
    position.pos = total;
  } else {
    const closing = sz.lt(position.pos.abs()) ? sz : position.pos.abs();
    pnl = px
      .minus(position.avgPx)
      .times(position.pos.gt(0) ? closing : closing.neg())
      .times(inst.ctVal);
    const rest = position.pos.plus(delta);
    if (rest.eq(0)) position.avgPx = new Big(0);
    else if (rest.gt(0) !== position.pos.gt(0)) {
      // flipped through zero: the remainder opens at this price
      position.avgPx = px;
      position.cTime = now;
      position.mgnMode = order.tdMode as MarginMode;
    }
    position.pos = rest;
  }
  const fee = sz.times(inst.ctVal).times(px).times(feeRate).neg();
  position.realizedPnl = position.realizedPnl.plus(pnl).plus(fee);
  position.fee = position.fee.plus(fee);
  position.uTime = now;
  account.cash = account.cash.plus(pnl).plus(fee);

  const filledBefore = new Big(order.accFillSz);
  const filled = filledBefore.plus(sz);
  order.avgPx = (order.avgPx === '' ? px : filledBefore.times(order.avgPx).plus(sz.times(px)).div(filled)).toString();
  order.accFillSz = filled.toString();
  order.fee = new Big(order.fee).plus(fee).toString();
  order.pnl = new Big(order.pnl).plus(pnl).toString();
  order.state = filled.gte(order.sz) ? 'filled' : 'partially_filled';
  order.uTime = now;

  const billId = state.nextId();
  state.fills.push({
    apiKey: order.apiKey,
    tradeId: state.nextId(),
    billId,
    ordId: order.ordId,
    clOrdId: order.clOrdId,
    instId: order.instId,
    side: order.side,
    fillSz: sz.toString(),
    fillPx: px.toString(),
    fee: fee.toString(),
    fillPnl: pnl.toString(),
    ts: now,
  });
  state.bills.push({
    apiKey: order.apiKey,
    billId,
    instId: order.instId,
    type: '2',
    // OKX trade bill subTypes: 3 open long, 4 open short, 5 close long, 6 close short
    subType: opening ? (order.side === 'buy' ? '3' : '4') : order.side === 'sell' ? '5' : '6',
    balChg: pnl.plus(fee).toString(),
    bal: account.cash.toString(),
    sz: sz.toString(),
    px: px.toString(),
    ordId: order.ordId,
    ts: now,
  });
}

/**
 * A market order (or the market order an algo fires): fills now at the last price, reduce-only
 * clipped to the position; `fraction` (a scripted partial fill) fills part and cancels the rest.
 */
export function fillMarket(state: OkxState, account: Account, order: FakeOkxOrder, fraction?: number): void {
  const inst = state.instrument(order.instId);
  let sz = new Big(order.sz);
  if (order.reduceOnly) {
    const max = reducible(state, account, order.instId, order.side);
    if (max.lt(sz)) sz = max;
  }
  if (fraction !== undefined) sz = sz.times(fraction).div(inst.lotSz).round(0, Big.roundDown).times(inst.lotSz);
  if (sz.gt(0)) fill(state, account, order, sz, state.price(order.instId), TAKER_FEE);
  // what a market order could not fill is canceled (OKX keeps accFillSz and reports state canceled)
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
export function takeLimit(state: OkxState, account: Account, order: FakeOkxOrder): void {
  let sz = new Big(order.sz);
  if (order.reduceOnly) {
    const max = reducible(state, account, order.instId, order.side);
    if (max.lt(sz)) sz = max;
  }
  if (sz.gt(0)) fill(state, account, order, sz, state.price(order.instId), TAKER_FEE);
}

function restingFill(state: OkxState, order: FakeOkxOrder, last: Big): void {
  if (!crosses(order.side, new Big(order.px), last)) return;
  const account = state.accountOrThrow(order.apiKey);
  let sz = new Big(order.sz).minus(order.accFillSz);
  if (order.reduceOnly) {
    const max = reducible(state, account, order.instId, order.side);
    if (max.lt(sz)) sz = max;
    if (sz.eq(0)) {
      // OKX cancels a reduce-only order whose position is gone
      order.state = 'canceled';
      order.uTime = state.now();
      return;
    }
  }
  fill(state, account, order, sz, new Big(order.px), MAKER_FEE);
}

/** Which side of a conditional algo fired at `last`, if any. A sell closes a long: stop below, profit above. */
function firedSide(algo: FakeOkxAlgo, last: Big): 'sl' | 'tp' | undefined {
  const below = (trigger: string) => trigger !== '' && last.lte(trigger);
  const above = (trigger: string) => trigger !== '' && last.gte(trigger);
  if (algo.side === 'sell') {
    if (below(algo.slTriggerPx)) return 'sl';
    if (above(algo.tpTriggerPx)) return 'tp';
  } else {
    if (above(algo.slTriggerPx)) return 'sl';
    if (below(algo.tpTriggerPx)) return 'tp';
  }
  return undefined;
}

/** Trailing: activates at activePx (at once without it), follows the best price, fires on the callback. */
function trailingFires(state: OkxState, algo: FakeOkxAlgo, last: Big): boolean {
  const tick = state.instrument(algo.instId).tickSz;
  const ratio = new Big(algo.callbackRatio);
  if (algo.moveTriggerPx === '') {
    const active = algo.activePx === '' || (algo.side === 'sell' ? last.gte(algo.activePx) : last.lte(algo.activePx));
    if (!active) return false;
  }
  const factor = algo.side === 'sell' ? new Big(1).minus(ratio) : new Big(1).plus(ratio);
  const candidate = last
    .times(factor)
    .div(tick)
    .round(0, algo.side === 'sell' ? Big.roundDown : Big.roundUp)
    .times(tick);
  if (
    algo.moveTriggerPx === '' ||
    (algo.side === 'sell' ? candidate.gt(algo.moveTriggerPx) : candidate.lt(algo.moveTriggerPx))
  ) {
    algo.moveTriggerPx = candidate.toString();
    algo.uTime = state.now();
  }
  return algo.side === 'sell' ? last.lte(algo.moveTriggerPx) : last.gte(algo.moveTriggerPx);
}

/** A fired algo places its market order (ordIdList) and becomes effective, or order_failed when nothing could fill. */
function fire(state: OkxState, algo: FakeOkxAlgo, actualSide: 'sl' | 'tp' | ''): void {
  const account = state.accountOrThrow(algo.apiKey);
  const now = state.now();
  const order: FakeOkxOrder = {
    apiKey: algo.apiKey,
    ordId: state.nextId(),
    clOrdId: '',
    instId: algo.instId,
    side: algo.side,
    ordType: 'market',
    tdMode: algo.tdMode,
    sz: algo.sz,
    px: '',
    accFillSz: '0',
    avgPx: '',
    fee: '0',
    pnl: '0',
    state: 'live',
    reduceOnly: algo.reduceOnly,
    cTime: now,
    uTime: now,
    algoId: algo.algoId,
    algoClOrdId: algo.algoClOrdId,
  };
  state.orders.push(order);
  fillMarket(state, account, order);
  algo.triggerTime = now;
  algo.uTime = now;
  algo.actualSide = actualSide;
  algo.ordIdList = [order.ordId];
  if (order.accFillSz === '0') {
    algo.state = 'order_failed';
    return;
  }
  algo.state = 'effective';
  algo.actualSz = order.accFillSz;
  algo.actualPx = order.avgPx;
}

/** After the last price of instId moved: resting limits cross, algo orders fire (in placement order). */
export function onPriceMove(state: OkxState, instId: string): void {
  const last = state.price(instId);
  for (const order of state.orders) {
    if (
      order.instId === instId &&
      (order.state === 'live' || order.state === 'partially_filled') &&
      order.ordType !== 'market'
    )
      restingFill(state, order, last);
  }
  for (const algo of state.algos) {
    if (algo.instId !== instId || algo.state !== 'live') continue;
    if (algo.ordType === 'move_order_stop') {
      if (trailingFires(state, algo, last)) fire(state, algo, '');
      continue;
    }
    const side = firedSide(algo, last);
    if (side) fire(state, algo, side);
  }
}
