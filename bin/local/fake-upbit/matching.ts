// The matching engine: a market order fills at once at the last price (a market buy spends its
// KRW amount, rounded down to 8 decimals of the coin), a limit that crosses the last price on
// placement takes at the last price, a resting limit fills at its own price when a price move
// crosses it. Every fill pays the 0.05 % fee in KRW (a buy on top of its funds, a sell out of its
// proceeds), moves the coin and the KRW, and is listed in the order's trades.
import { Big } from '../../../shared/core/domain/money';
import { split } from './markets';
import { type Account, FEE_RATE, type UpbitState, VOLUME_DP } from './state';
import type { FakeUpbitOrder } from './types';

/** Books one fill of `volume` at `px` on the order and the account. */
function fill(state: UpbitState, account: Account, order: FakeUpbitOrder, volume: Big, px: Big): void {
  const { quote, base } = split(order.market);
  const krw = state.holding(account, quote);
  const coin = state.holding(account, base);
  const funds = volume.times(px);
  const fee = funds.times(FEE_RATE);
  if (order.side === 'bid') {
    // the KRW (funds and fee) comes out of what the order locked
    krw.locked = krw.locked.minus(funds).minus(fee);
    order.locked = new Big(order.locked).minus(funds).minus(fee).toString();
    const held = coin.balance.plus(coin.locked);
    coin.avgBuyPrice = held.times(coin.avgBuyPrice).plus(funds).div(held.plus(volume));
    coin.balance = coin.balance.plus(volume);
  } else {
    coin.locked = coin.locked.minus(volume);
    order.locked = new Big(order.locked).minus(volume).toString();
    krw.balance = krw.balance.plus(funds).minus(fee);
    if (coin.balance.plus(coin.locked).eq(0)) coin.avgBuyPrice = new Big(0);
  }
  order.executedVolume = new Big(order.executedVolume).plus(volume).toString();
  order.executedFunds = new Big(order.executedFunds).plus(funds).toString();
  order.paidFee = new Big(order.paidFee).plus(fee).toString();
  order.trades.push({
    uuid: state.nextId(),
    price: px.toString(),
    volume: volume.toString(),
    funds: funds.toString(),
    fee: fee.toString(),
    at: state.now(),
  });
}

/** Ends an order (done or cancel) and gives back what it still locked. */
export function close(state: UpbitState, order: FakeUpbitOrder, end: 'done' | 'cancel'): void {
  const account = state.accountOrThrow(order.apiKey);
  const { quote, base } = split(order.market);
  const held = state.holding(account, order.side === 'bid' ? quote : base);
  const rest = new Big(order.locked);
  held.locked = held.locked.minus(rest);
  held.balance = held.balance.plus(rest);
  order.locked = '0';
  order.state = end;
}

const floorVolume = (v: Big): Big => v.round(VOLUME_DP, Big.roundDown);

/** What a limit still has to fill. */
const remaining = (order: FakeUpbitOrder): Big => new Big(order.volume ?? '0').minus(order.executedVolume);

/**
 * A market order: a buy (ord_type price) spends its KRW amount at the last price, a sell (ord_type
 * market) sells its volume; `fraction` (a scripted partial fill) fills part and cancels the rest.
 */
export function fillMarket(state: UpbitState, account: Account, order: FakeUpbitOrder, fraction?: number): void {
  const last = state.price(order.market);
  const wanted =
    order.ordType === 'price' ? floorVolume(new Big(order.price ?? '0').div(last)) : new Big(order.volume ?? '0');
  const volume = fraction === undefined ? wanted : floorVolume(wanted.times(fraction));
  if (volume.gt(0)) fill(state, account, order, volume, last);
  close(state, order, fraction === undefined ? 'done' : 'cancel');
}

/** Whether a limit at `px` trades against the last price: a bid at or above it, an ask at or below it. */
export function crosses(order: FakeUpbitOrder, last: Big): boolean {
  const px = new Big(order.price ?? '0');
  return order.side === 'bid' ? last.lte(px) : last.gte(px);
}

/** A limit on placement: takes at the last price when it crosses it, else rests. */
export function placeLimit(state: UpbitState, account: Account, order: FakeUpbitOrder): void {
  const last = state.price(order.market);
  if (!crosses(order, last)) return;
  fill(state, account, order, remaining(order), last);
  close(state, order, 'done');
}

/** After the last price of a market moved: resting limits it crosses fill at their own price. */
export function onPriceMove(state: UpbitState, market: string): void {
  const last = state.price(market);
  for (const order of state.orders) {
    if (order.market !== market || order.state !== 'wait' || order.ordType !== 'limit' || !crosses(order, last))
      continue;
    fill(state, state.accountOrThrow(order.apiKey), order, remaining(order), new Big(order.price ?? '0'));
    close(state, order, 'done');
  }
}
