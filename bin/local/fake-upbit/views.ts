// What the fake answers, field for field as Upbit's documented response examples
// (test/fixtures/exchange/docs/upbit.json names each; fake-upbit.int.test.ts holds every answer to
// its example's field names) and, for the ticker, ccxt's capture from Upbit. `identifier` is added
// when the order carries one (a documented response field of the order endpoints); times are KST
// with their offset, as Upbit sends them ("2018-04-10T15:42:23+09:00", ccxt's comments).
import { Big } from '../../../shared/core/domain/money';
import type { Account, UpbitState } from './state';
import type { FakeUpbitOrder } from './types';

type Row = Record<string, unknown>;
const KST_MS = 9 * 3_600_000;

/** "2026-12-07T12:00:00+09:00" */
export function kst(ms: number): string {
  return `${new Date(ms + KST_MS).toISOString().slice(0, 19)}+09:00`;
}

/** The order of POST /v1/orders ("order-created"), DELETE /v1/order ("order-cancelled") and GET /v1/orders/open. */
export function orderRow(o: FakeUpbitOrder): Row {
  const remainingVolume = o.volume === null ? null : new Big(o.volume).minus(o.executedVolume).toString();
  const remainingFee =
    o.state === 'wait' ? new Big(o.reservedFee).minus(o.side === 'bid' ? o.paidFee : '0').toString() : '0';
  return {
    uuid: o.uuid,
    side: o.side,
    ord_type: o.ordType,
    price: o.price,
    state: o.state,
    market: o.market,
    created_at: kst(o.createdAt),
    volume: o.volume,
    remaining_volume: remainingVolume,
    executed_volume: o.executedVolume,
    reserved_fee: o.reservedFee,
    remaining_fee: remainingFee,
    paid_fee: o.paidFee,
    locked: o.locked,
    prevented_volume: '0',
    prevented_locked: '0',
    trades_count: o.trades.length,
    ...(o.identifier !== '' ? { identifier: o.identifier } : {}),
  };
}

/** GET /v1/order ("order-done"): the order with its trades. */
export function orderWithTrades(o: FakeUpbitOrder): Row {
  return {
    ...orderRow(o),
    trades: o.trades.map((t) => ({
      market: o.market,
      uuid: t.uuid,
      price: t.price,
      volume: t.volume,
      funds: t.funds,
      trend: o.side === 'bid' ? 'up' : 'down',
      created_at: kst(t.at),
      side: o.side,
    })),
  };
}

/** GET /v1/accounts ("accounts"): KRW, then every coin the account holds or has locked. */
export function accountRows(account: Account): Row[] {
  const rows: Row[] = [];
  for (const [currency, h] of account.holdings) {
    if (currency !== 'KRW' && h.balance.plus(h.locked).eq(0)) continue;
    rows.push({
      currency,
      balance: h.balance.toString(),
      locked: h.locked.toString(),
      avg_buy_price: h.avgBuyPrice.toString(),
      avg_buy_price_modified: false,
      unit_currency: 'KRW',
    });
  }
  return rows;
}

/** GET /v1/ticker: the fields of ccxt's captured ticker, every price the fake's last. */
export function tickerRow(state: UpbitState, market: string): Row {
  const now = state.now();
  const last = state.price(market).toString();
  const utc = new Date(now).toISOString();
  const local = new Date(now + KST_MS).toISOString();
  const date = (iso: string) => iso.slice(0, 10).replace(/-/g, '');
  const time = (iso: string) => iso.slice(11, 19).replace(/:/g, '');
  return {
    market,
    trade_date: date(utc),
    trade_time: time(utc),
    trade_date_kst: date(local),
    trade_time_kst: time(local),
    trade_timestamp: String(now),
    opening_price: last,
    high_price: last,
    low_price: last,
    trade_price: last,
    prev_closing_price: last,
    change: 'EVEN',
    change_price: '0',
    change_rate: '0',
    signed_change_price: '0',
    signed_change_rate: '0',
    trade_volume: '0',
    acc_trade_price: '0',
    acc_trade_price_24h: '0',
    acc_trade_volume: '0',
    acc_trade_volume_24h: '0',
    highest_52_week_price: last,
    highest_52_week_date: utc.slice(0, 10),
    lowest_52_week_price: last,
    lowest_52_week_date: utc.slice(0, 10),
    timestamp: String(now),
  };
}

/** Levels the fake's book shows on each side, each 1 BTC-equivalent deep and one basis point apart. */
const BOOK_LEVELS = 15;
const LEVEL_SIZE = '1';

/**
 * GET /v1/orderbook: the shape of Upbit's "orderbook" (market, timestamp, total sizes,
 * orderbook_units of ask/bid price and size; ccxt's comments quote it). The fake has no other
 * traders: the best ask and bid are the last price, deeper levels a basis point apart.
 */
export function bookRow(state: UpbitState, market: string, count: number): Row {
  const last = state.price(market);
  const step = last.times('0.0001');
  const levels = Math.min(Math.max(count, 1), BOOK_LEVELS);
  const units = Array.from({ length: levels }, (_, i) => ({
    ask_price: last.plus(step.times(i)).toNumber(),
    bid_price: last.minus(step.times(i)).toNumber(),
    ask_size: Number(LEVEL_SIZE),
    bid_size: Number(LEVEL_SIZE),
  }));
  const total = new Big(LEVEL_SIZE).times(levels).toNumber();
  return {
    market,
    timestamp: state.now(),
    total_ask_size: total,
    total_bid_size: total,
    orderbook_units: units,
    level: 0,
  };
}
