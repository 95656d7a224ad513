// Placing and cancelling, plain and algo, with OKX's checks: the instrument exists, sz is a whole
// number of lots (contracts), px on the tick, clOrdId unique among PENDING orders (51016, "Place
// order": "clOrdId must be unique among all pending orders"), reduce-only needs a position to
// reduce (51169), an opening order needs the margin (51008).
import { Big } from '../../../shared/core/domain/money';
import { errors, OkxError } from './errors';
import type { Instrument } from './instruments';
import { crosses, fillMarket, reducible, takeLimit } from './matching';
import type { Account, MarginMode, OkxState } from './state';
import type { FakeOkxAlgo, FakeOkxOrder, OrdType, Side } from './types';

export type Params = Record<string, unknown>;

const ORD_TYPES: readonly OrdType[] = ['market', 'limit', 'post_only', 'ioc', 'fok'];
const CLIENT_ID = /^[A-Za-z0-9]{1,32}$/;

function text(params: Params, field: string): string | undefined {
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

function decimal(params: Params, field: string, { allowMinusOne = false } = {}): Big | undefined {
  const v = text(params, field);
  if (v === undefined) return undefined;
  if (allowMinusOne && v === '-1') return new Big(-1);
  if (!/^\d+(\.\d+)?$/.test(v) || new Big(v).lte(0)) throw errors.invalid(field);
  return new Big(v);
}

function onStep(value: Big, step: string): boolean {
  return value.mod(step).eq(0);
}

function side(params: Params): Side {
  const s = required(params, 'side');
  if (s !== 'buy' && s !== 'sell') throw errors.invalid('side');
  return s;
}

function tdMode(params: Params): MarginMode {
  const m = required(params, 'tdMode');
  if (m !== 'cross' && m !== 'isolated') throw errors.invalid('tdMode');
  return m;
}

function size(params: Params, inst: Instrument, max: string): Big {
  const sz = decimal(params, 'sz');
  if (!sz) throw errors.empty('sz');
  if (!onStep(sz, inst.lotSz) || sz.lt(inst.minSz)) throw errors.sizeStep();
  if (sz.gt(max)) throw errors.invalid('sz');
  return sz;
}

function reduceOnly(params: Params): boolean {
  const v = params.reduceOnly;
  if (v === undefined || v === '' || v === false || v === 'false') return false;
  if (v === true || v === 'true') return true;
  throw errors.invalid('reduceOnly');
}

function clientId(params: Params, field: 'clOrdId' | 'algoClOrdId'): string {
  const id = text(params, field) ?? '';
  if (id !== '' && !CLIENT_ID.test(id)) throw errors.invalid(field);
  return id;
}

/** An opening order needs its initial margin free (notional ÷ leverage), as OKX's 51008. */
function checkMargin(
  state: OkxState,
  account: Account,
  inst: Instrument,
  s: Side,
  sz: Big,
  px: Big,
  mode: MarginMode,
): void {
  const opening = sz.minus(reducible(state, account, inst.instId, s));
  if (opening.lte(0)) return;
  const margin = opening
    .times(inst.ctVal)
    .times(px)
    .div(state.lever(account, inst.instId, mode));
  if (margin.gt(state.available(account))) throw errors.insufficient();
}

export function placeOrder(state: OkxState, account: Account, params: Params, fraction?: number): FakeOkxOrder {
  const inst = state.instrument(text(params, 'instId'));
  const ordType = required(params, 'ordType') as OrdType;
  if (!ORD_TYPES.includes(ordType)) throw errors.invalid('ordType');
  const s = side(params);
  const mode = tdMode(params);
  const sz = size(params, inst, ordType === 'market' ? inst.maxMktSz : inst.maxLmtSz);
  let px = '';
  if (ordType !== 'market') {
    const p = decimal(params, 'px');
    if (!p) throw errors.empty('px');
    if (!onStep(p, inst.tickSz)) throw errors.invalid('px');
    px = p.toString();
  }
  const clOrdId = clientId(params, 'clOrdId');
  if (clOrdId !== '' && state.pending(account.seed.apiKey).some((o) => o.clOrdId === clOrdId))
    throw errors.duplicateClOrdId();
  const ro = reduceOnly(params);
  if (ro && reducible(state, account, inst.instId, s).eq(0)) throw errors.reduceOnlyFlat();
  const last = state.price(inst.instId);
  if (!ro) checkMargin(state, account, inst, s, sz, px === '' ? last : new Big(px), mode);

  const now = state.now();
  const order: FakeOkxOrder = {
    apiKey: account.seed.apiKey,
    ordId: state.nextId(),
    clOrdId,
    instId: inst.instId,
    side: s,
    ordType,
    tdMode: mode,
    sz: sz.toString(),
    px,
    accFillSz: '0',
    avgPx: '',
    fee: '0',
    pnl: '0',
    state: 'live',
    reduceOnly: ro,
    cTime: now,
    uTime: now,
    algoId: '',
    algoClOrdId: '',
  };
  state.orders.push(order);
  if (ordType === 'market') {
    fillMarket(state, account, order, fraction);
    return order;
  }
  const marketable = crosses(s, new Big(px), last);
  if (ordType === 'post_only' && marketable) order.state = 'canceled';
  else if (marketable) takeLimit(state, account, order);
  if ((ordType === 'ioc' || ordType === 'fok') && order.state !== 'filled') order.state = 'canceled';
  return order;
}

/** "Cancel order": by ordId, else clOrdId (the latest with that id); 51400 when nothing is pending. */
export function cancelOrder(state: OkxState, account: Account, params: Params): FakeOkxOrder {
  const inst = state.instrument(text(params, 'instId'));
  const ordId = text(params, 'ordId');
  const clOrdId = text(params, 'clOrdId');
  if (ordId === undefined && clOrdId === undefined) throw errors.empty('ordId or clOrdId');
  const order = state
    .pending(account.seed.apiKey, inst.instId)
    .find((o) => (ordId !== undefined ? o.ordId === ordId : o.clOrdId === clOrdId));
  if (!order) throw errors.cancelAbsent();
  order.state = 'canceled';
  order.uTime = state.now();
  return order;
}

/**
 * "Place algo order": conditional (slTriggerPx/slOrdPx, tpTriggerPx/tpOrdPx; only -1 = market is
 * modelled) or move_order_stop (callbackRatio, optional activePx). A live algoClOrdId is refused
 * with 51016 — OKX documents no code for a duplicate algoClOrdId, so this is the fake's choice.
 */
export function placeAlgo(state: OkxState, account: Account, params: Params): FakeOkxAlgo {
  const inst = state.instrument(text(params, 'instId'));
  const ordType = required(params, 'ordType');
  if (ordType !== 'conditional' && ordType !== 'move_order_stop') throw errors.invalid('ordType');
  const s = side(params);
  const mode = tdMode(params);
  const sz = size(params, inst, inst.maxStopSz);
  const algoClOrdId = clientId(params, 'algoClOrdId');
  if (
    algoClOrdId !== '' &&
    state.algos.some((a) => a.apiKey === account.seed.apiKey && a.state === 'live' && a.algoClOrdId === algoClOrdId)
  )
    throw errors.duplicateClOrdId();
  const ro = reduceOnly(params);
  const tick = (field: string, opts?: { allowMinusOne?: boolean }): string => {
    const v = decimal(params, field, opts);
    if (v === undefined) return '';
    if (!v.eq(-1) && !onStep(v, inst.tickSz)) throw errors.invalid(field);
    return v.toString();
  };
  const algo: FakeOkxAlgo = {
    apiKey: account.seed.apiKey,
    algoId: state.nextId(),
    algoClOrdId,
    clOrdId: clientId(params, 'clOrdId'),
    instId: inst.instId,
    side: s,
    ordType,
    tdMode: mode,
    sz: sz.toString(),
    reduceOnly: ro,
    slTriggerPx: '',
    slOrdPx: '',
    tpTriggerPx: '',
    tpOrdPx: '',
    callbackRatio: '',
    activePx: '',
    moveTriggerPx: '',
    state: 'live',
    ordIdList: [],
    actualSz: '0',
    actualPx: '',
    actualSide: '',
    triggerTime: undefined,
    cTime: state.now(),
    uTime: state.now(),
  };
  if (ordType === 'conditional') {
    algo.slTriggerPx = tick('slTriggerPx');
    algo.tpTriggerPx = tick('tpTriggerPx');
    if (algo.slTriggerPx === '' && algo.tpTriggerPx === '') throw errors.empty('slTriggerPx or tpTriggerPx');
    for (const [trigger, price] of [
      ['slTriggerPx', 'slOrdPx'],
      ['tpTriggerPx', 'tpOrdPx'],
    ] as const) {
      if (algo[trigger] === '') continue;
      const ordPx = tick(price, { allowMinusOne: true });
      // a limit price after the trigger is not modelled: refused rather than filled as a market order
      if (ordPx !== '-1') throw new OkxError('51000', `Parameter ${price} error (fake-okx models only -1, market)`);
      algo[price] = ordPx;
    }
  } else {
    const ratio = decimal(params, 'callbackRatio');
    if (!ratio || ratio.gte(1)) throw errors.invalid('callbackRatio');
    algo.callbackRatio = ratio.toString();
    algo.activePx = tick('activePx');
  }
  if (ro && reducible(state, account, inst.instId, s).eq(0)) throw errors.reduceOnlyFlat();
  state.algos.push(algo);
  return algo;
}

/** "Cancel algo order": one row; a live algo becomes canceled, anything else is 51400. */
export function cancelAlgo(state: OkxState, account: Account, params: Params): FakeOkxAlgo {
  const inst = state.instrument(text(params, 'instId'));
  const algoId = text(params, 'algoId');
  const algoClOrdId = text(params, 'algoClOrdId');
  if (algoId === undefined && algoClOrdId === undefined) throw errors.empty('algoId or algoClOrdId');
  const algo = state.algos.find(
    (a) =>
      a.apiKey === account.seed.apiKey &&
      a.instId === inst.instId &&
      a.state === 'live' &&
      (algoId !== undefined ? a.algoId === algoId : a.algoClOrdId === algoClOrdId),
  );
  if (!algo) throw errors.cancelAbsent();
  algo.state = 'canceled';
  algo.uTime = state.now();
  return algo;
}

export { text as param };
