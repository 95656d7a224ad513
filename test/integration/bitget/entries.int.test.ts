// Entries on the fake Bitget through the real executor, the real ccxt adapter and ccxt's bitget: an
// entry with a stop (pos_loss, whole position) and two sized take-profits (profit_plan: Bitget
// allows a ladder), and the native trailing stop (track_plan). What the fake's books hold is
// checked, not what the adapter says it sent.
import { Big } from '../../../shared/core/domain/money';
import type { Signal } from '../../../shared/core/signal/types';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { deliver, liveExecutor, sid, signalFor } from '../live/helpers';
import { BITGET_BTC, BTC, orderPosts, requestsSince, START_PRICE, startBitgetSuite, type BitgetSuite } from './helpers';

jest.setTimeout(30_000);

let s: BitgetSuite;
beforeAll(async () => {
  s = await startBitgetSuite();
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.clearFaults();
  s.fake.setPrice(BTC, START_PRICE);
});

const bitgetSignal = (accountId: string, name: string, extra: Partial<Signal> = {}) =>
  signalFor(accountId, sid(name), { symbol: BITGET_BTC, ...extra });
const plans = (apiKey: string) =>
  s.fake
    .planOrders(apiKey)
    .map((p) => `${p.planType}:${p.side}:${p.triggerPrice}:cb=${p.callbackRatio}:sz=${p.size}:${p.planStatus}`);

test('an entry with a stop and two take-profits completes in one delivery: market fill in coins, pos_loss and two profit_plan under our ids, booked at the fill', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = bitgetSignal(accountId, 'bgladder', {
    sl: { kind: 'percent', value: 2 },
    tp: { kind: 'percent', value: 2 },
    tpLevels: [
      { level: { kind: 'percent', value: 2 }, sharePct: 50 },
      { level: { kind: 'percent', value: 4 }, sharePct: 50 },
    ],
  });

  const log = requestsSince(s.fake);
  const result = await deliver(liveExecutor(s.h), signal);

  expect(result.batchItemFailures).toEqual([]);
  expect(orderPosts(log())).toHaveLength(1);
  // 10 % of 10 000 USDT at 1× on 60 000 = 0.016666 BTC → 0.0166 (lot 0.0001)
  const [entry] = s.fake.orders(apiKey);
  expect(s.fake.orders(apiKey)).toHaveLength(1);
  expect(entry).toMatchObject({
    clientOid: clientOrderIdFor(signal.signalId, 'open'),
    orderType: 'market',
    side: 'buy',
    size: '0.0166',
    marginMode: 'isolated',
    state: 'filled',
    priceAvg: '60000',
  });
  expect(s.fake.position(apiKey, BTC)).toEqual({
    total: '0.0166',
    openPriceAvg: '60000',
    leverage: '1',
    marginMode: 'isolated',
  });
  // stop at −2 % for the whole position; TP1 = half rounded down to the lot, TP2 the rest
  expect(plans(apiKey)).toEqual([
    'pos_loss:sell:58800:cb=:sz=:not_trigger',
    'profit_plan:sell:61200:cb=:sz=0.0083:not_trigger',
    'profit_plan:sell:62400:cb=:sz=0.0083:not_trigger',
  ]);
  expect(s.fake.planOrders(apiKey)[0]?.clientOid).toBe(clientOrderIdFor(signal.signalId, 'sl'));
  const position = await s.h.runtime.repos.positions.get(accountId, BITGET_BTC.unified);
  expect(position).toMatchObject({ side: 'long', quantity: '0.0166', entryPrice: '60000' });
  expect(position?.stopLoss).toMatchObject({ triggerPrice: '58800', amount: '0.0166' });
  expect(position?.takeProfits?.map((t) => `${t.triggerPrice}x${t.amount}`)).toEqual(['61200x0.0083', '62400x0.0083']);
  const [order] = (await s.h.runtime.repos.orders.listByAccount(accountId)).filter((o) => o.leg === 'open');
  // the fee is the fake's: 0.0166 BTC × 60 000 × 0.06 % taker (the contract's takerFeeRate) = 0.5976 USDT
  expect(order).toMatchObject({
    status: 'filled',
    filled: '0.0166',
    averagePrice: '60000',
    exchangeOrderId: entry?.orderId,
  });
  expect(Number(order?.fee)).toBeCloseTo(Number(new Big('0.0166').times(60_000).times('0.0006')), 8);

  // the market reaches TP1: the fake fires it as a reduce-only market order of its size
  s.fake.setPrice(BTC, '61200');
  const tp1 = s.fake.planOrders(apiKey)[1];
  expect(tp1?.planStatus).toBe('executed');
  expect(s.fake.orders(apiKey).find((o) => o.orderId === tp1?.executeOrderId)).toMatchObject({
    side: 'sell',
    size: '0.0083',
    state: 'filled',
    reduceOnly: true,
    priceAvg: '61200',
  });
  expect(s.fake.position(apiKey, BTC).total).toBe('0.0083');
});

test('the trailing stop is a native track_plan (callbackRatio in percent, activation at the last price) that follows the high and closes on the callback', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = bitgetSignal(accountId, 'bgtrail', { trailPct: 1.5 });

  const result = await deliver(liveExecutor(s.h), signal);
  expect(result.batchItemFailures).toEqual([]);

  const [trail] = s.fake.planOrders(apiKey);
  expect(trail).toMatchObject({
    planType: 'track_plan',
    side: 'sell',
    callbackRatio: '1.5',
    triggerPrice: START_PRICE,
    size: '0.0166',
    planStatus: 'not_trigger',
  });
  expect(trail?.clientOid).toMatch(/^[A-Za-z0-9_-]{1,50}$/);

  s.fake.setPrice(BTC, '62000'); // a new high: the stop follows to 62 000 × 0.985 = 61 070
  expect(s.fake.planOrders(apiKey)[0]).toMatchObject({ planStatus: 'not_trigger', trackPrice: '62000' });
  s.fake.setPrice(BTC, '61100'); // above the stop: still pending
  expect(s.fake.planOrders(apiKey)[0]?.planStatus).toBe('not_trigger');
  s.fake.setPrice(BTC, '61000'); // through it: closed at the market
  const fired = s.fake.planOrders(apiKey)[0];
  expect(fired?.planStatus).toBe('executed');
  expect(s.fake.orders(apiKey).find((o) => o.orderId === fired?.executeOrderId)).toMatchObject({
    size: '0.0166',
    priceAvg: '61000',
    state: 'filled',
  });
  expect(s.fake.position(apiKey, BTC).total).toBe('0');
});
