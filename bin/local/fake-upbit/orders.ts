// "Create order" (POST /v1/orders) and "Cancel order" (DELETE /v1/order) as Upbit documents them:
// side bid/ask; ord_type limit (price + volume), price (a market buy by KRW amount, no volume) or
// market (a market sell by volume); `identifier` unique across every order the account ever placed;
// the order's funds (fee included) or coin are locked until it fills or is cancelled.
import { Big } from '../../../shared/core/domain/money';
import { errors } from './errors';
import { split } from './markets';
import { close, fillMarket, placeLimit } from './matching';
import { type Account, FEE_RATE, MIN_TOTAL_KRW, type UpbitState, VOLUME_DP } from './state';
import type { FakeUpbitOrder, OrdType, Side } from './types';

export type Params = Record<string, unknown>;

export function text(params: Params, field: string): string | undefined {
  const v = params[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw errors.invalid(field);
}

function decimal(params: Params, field: string): Big {
  const v = text(params, field);
  if (v === undefined) throw errors.missing(field);
  if (!/^\d+(\.\d+)?$/.test(v)) throw errors.invalid(field);
  const n = new Big(v);
  if (n.lte(0)) throw errors.invalid(field);
  return n;
}

const ORD_TYPES: readonly OrdType[] = ['limit', 'price', 'market'];
const TIME_IN_FORCE = ['ioc', 'fok', 'post_only'];

/** Places the order and matches it; returns the order as it stood when accepted (what the answer shows). */
export function placeOrder(state: UpbitState, account: Account, params: Params, fraction?: number): FakeUpbitOrder {
  const market = state.market(text(params, 'market'));
  const side = text(params, 'side');
  if (side !== 'bid' && side !== 'ask') throw errors.side();
  const ordType = text(params, 'ord_type');
  if (ordType === undefined) throw errors.missing('ord_type');
  if (!ORD_TYPES.includes(ordType as OrdType)) throw errors.invalid('ord_type');
  const timeInForce = text(params, 'time_in_force') ?? '';
  if (timeInForce !== '' && (!TIME_IN_FORCE.includes(timeInForce) || ordType !== 'limit'))
    throw errors.invalid('time_in_force');
  if (timeInForce !== '') throw errors.invalid('time_in_force (fake-upbit models GTC limits only)');
  const identifier = text(params, 'identifier') ?? '';
  if (identifier !== '' && state.orders.some((o) => o.apiKey === account.seed.apiKey && o.identifier === identifier))
    throw errors.identifierUsed();

  let price: Big | undefined;
  let volume: Big | undefined;
  if (ordType === 'limit') {
    price = decimal(params, 'price');
    volume = decimal(params, 'volume');
  } else if (ordType === 'price') {
    if (side !== 'bid') throw errors.invalid('ord_type');
    if (text(params, 'volume') !== undefined) throw errors.invalid('volume');
    price = decimal(params, 'price');
  } else {
    if (side !== 'ask') throw errors.invalid('ord_type');
    if (text(params, 'price') !== undefined) throw errors.invalid('price');
    volume = decimal(params, 'volume');
  }
  if (volume && volume.round(VOLUME_DP, Big.roundDown).lt(volume)) throw errors.invalid('volume');

  const { quote, base } = split(market);
  const total =
    ordType === 'price'
      ? (price as Big)
      : (volume as Big).times(ordType === 'limit' ? (price as Big) : state.price(market));
  if (total.lt(MIN_TOTAL_KRW)) throw side === 'bid' ? errors.underMinBid() : errors.underMinAsk();
  // A bid locks its KRW with the fee on top; an ask locks its coin.
  const fee = side === 'bid' ? total.times(FEE_RATE) : new Big(0);
  const lock = side === 'bid' ? total.plus(fee) : (volume as Big);
  const held = state.holding(account, side === 'bid' ? quote : base);
  if (held.balance.lt(lock)) throw side === 'bid' ? errors.insufficientBid() : errors.insufficientAsk(base);
  held.balance = held.balance.minus(lock);
  held.locked = held.locked.plus(lock);

  const order: FakeUpbitOrder = {
    apiKey: account.seed.apiKey,
    uuid: state.nextId(),
    identifier,
    market,
    side: side as Side,
    ordType: ordType as OrdType,
    price: price ? price.toString() : null,
    volume: volume ? volume.toString() : null,
    executedVolume: '0',
    executedFunds: '0',
    paidFee: '0',
    locked: lock.toString(),
    reservedFee: fee.toString(),
    state: 'wait',
    timeInForce,
    createdAt: state.now(),
    trades: [],
  };
  state.orders.push(order);
  // Upbit answers the order as accepted (state wait, nothing executed) and matches it after.
  const accepted = structuredClone(order);
  if (ordType === 'limit') placeLimit(state, account, order);
  else fillMarket(state, account, order, fraction);
  return accepted;
}

/** The account's order by uuid, else identifier ("if both are provided, the query will be based on the uuid"). */
export function findOrder(state: UpbitState, account: Account, params: Params): FakeUpbitOrder {
  const uuid = text(params, 'uuid');
  const identifier = text(params, 'identifier');
  if (uuid === undefined && identifier === undefined) throw errors.missing('uuid or identifier');
  const order = state.orders.find(
    (o) => o.apiKey === account.seed.apiKey && (uuid !== undefined ? o.uuid === uuid : o.identifier === identifier),
  );
  if (!order) throw errors.orderNotFound();
  return order;
}

/**
 * "Cancel order": a waiting order is cancelled and answered as it stood before (the documented
 * answer shows state wait). An order already done or cancelled is answered order_not_found: Upbit
 * documents no other name for it, so this is the fake's choice.
 */
export function cancelOrder(state: UpbitState, account: Account, params: Params): FakeUpbitOrder {
  const order = findOrder(state, account, params);
  if (order.state !== 'wait') throw errors.orderNotFound();
  const before = structuredClone(order);
  close(state, order, 'cancel');
  return before;
}
