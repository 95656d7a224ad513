// Entries on the fake OKX through the real executor, the real ccxt adapter and ccxt's okx: an entry
// with a stop and two take-profits sized in contracts to what filled, and the native trailing stop.
// What the fake's books hold is checked, not what the adapter says it sent.
import { Big } from '../../../shared/core/domain/money';
import type { Signal } from '../../../shared/core/signal/types';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { deliver, liveExecutor, sid, signalFor } from '../live/helpers';
import {
  BTC_SWAP,
  deliverLikeSqs,
  OKX_BTC,
  orderPosts,
  requestsSince,
  START_PRICE,
  startOkxSuite,
  type OkxSuite,
} from './helpers';

jest.setTimeout(30_000);

let s: OkxSuite;
beforeAll(async () => {
  s = await startOkxSuite();
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.clearFaults();
  s.fake.setPrice(BTC_SWAP, START_PRICE);
});

const okxSignal = (accountId: string, name: string, extra: Partial<Signal> = {}) =>
  signalFor(accountId, sid(name), { symbol: OKX_BTC, ...extra });
const algos = (apiKey: string) =>
  s.fake
    .algoOrders(apiKey)
    .map(
      (a) =>
        `${a.ordType}:${a.side}:sl=${a.slTriggerPx}:tp=${a.tpTriggerPx}:cb=${a.callbackRatio}:sz=${a.sz}:${a.reduceOnly ? 'ro' : ''}:${a.state}`,
    );

test('an entry with a stop and two take-profits: market fill in contracts, three reduce-only algo orders under our ids, booked at the fill', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = okxSignal(accountId, 'okxladder', {
    sl: { kind: 'percent', value: 2 },
    tp: { kind: 'percent', value: 2 },
    tpLevels: [
      { level: { kind: 'percent', value: 2 }, sharePct: 50 },
      { level: { kind: 'percent', value: 4 }, sharePct: 50 },
    ],
  });

  const log = requestsSince(s.fake);
  await deliverLikeSqs(s.h, signal);

  // one placement, however many deliveries it took (a redelivery looks the order up first)
  expect(orderPosts(log())).toHaveLength(1);
  // 10 % of 10 000 USDT at 1× on 60 000 = 0.016666 BTC = 1.6666 contracts of 0.01 BTC → 1.66 (lot 0.01)
  const [entry] = s.fake.orders(apiKey);
  expect(s.fake.orders(apiKey)).toHaveLength(1);
  expect(entry).toMatchObject({
    clOrdId: clientOrderIdFor(signal.signalId, 'open'),
    ordType: 'market',
    side: 'buy',
    sz: '1.66',
    tdMode: 'isolated',
    state: 'filled',
    avgPx: '60000',
  });
  expect(s.fake.position(apiKey, BTC_SWAP)).toEqual({ pos: '1.66', avgPx: '60000', lever: '1', mgnMode: 'isolated' });
  // stop at −2 % for the whole position; TP1 = half rounded down to the lot, TP2 the rest
  expect(algos(apiKey)).toEqual([
    'conditional:sell:sl=58800:tp=:cb=:sz=1.66:ro:live',
    'conditional:sell:sl=:tp=61200:cb=:sz=0.83:ro:live',
    'conditional:sell:sl=:tp=62400:cb=:sz=0.83:ro:live',
  ]);
  expect(s.fake.algoOrders(apiKey).map((a) => a.algoClOrdId)).toEqual([
    clientOrderIdFor(signal.signalId, 'sl'),
    expect.stringMatching(/^[A-Za-z0-9]{1,32}$/),
    expect.stringMatching(/^[A-Za-z0-9]{1,32}$/),
  ]);
  // the book is in base units: 1.66 contracts × 0.01 BTC
  const position = await s.h.runtime.repos.positions.get(accountId, OKX_BTC.unified);
  expect(position).toMatchObject({ side: 'long', quantity: '0.0166', entryPrice: '60000' });
  expect(position?.stopLoss).toMatchObject({ triggerPrice: '58800', amount: '0.0166' });
  expect(position?.takeProfits?.map((t) => `${t.triggerPrice}x${t.amount}`)).toEqual(['61200x0.0083', '62400x0.0083']);
  const [order] = (await s.h.runtime.repos.orders.listByAccount(accountId)).filter((o) => o.leg === 'open');
  // the fee is the fake's: 0.0166 BTC × 60 000 × 0.05 % taker = 0.498 USDT
  expect(order).toMatchObject({
    status: 'filled',
    filled: '0.0166',
    averagePrice: '60000',
    exchangeOrderId: entry?.ordId,
  });
  expect(Number(order?.fee)).toBeCloseTo(Number(new Big('0.0166').times(60_000).times('0.0005')), 8);

  // the market reaches TP1: the fake fires it as a reduce-only market order listed in ordIdList
  s.fake.setPrice(BTC_SWAP, '61200');
  const tp1 = s.fake.algoOrders(apiKey)[1];
  expect(tp1).toMatchObject({ state: 'effective', actualSide: 'tp', actualSz: '0.83', actualPx: '61200' });
  expect(s.fake.orders(apiKey).find((o) => o.ordId === tp1?.ordIdList[0])).toMatchObject({
    side: 'sell',
    sz: '0.83',
    state: 'filled',
    reduceOnly: true,
  });
  expect(s.fake.position(apiKey, BTC_SWAP).pos).toBe('0.83');
});

test('the trailing stop is a native move_order_stop (callbackRatio as a ratio) that follows the high and closes on the callback', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = okxSignal(accountId, 'okxtrail', { trailPct: 1.5 });

  await deliverLikeSqs(s.h, signal);

  const [trail] = s.fake.algoOrders(apiKey);
  expect(trail).toMatchObject({
    ordType: 'move_order_stop',
    side: 'sell',
    callbackRatio: '0.015',
    sz: '1.66',
    reduceOnly: true,
    state: 'live',
  });
  expect(trail?.algoClOrdId).toMatch(/^[A-Za-z0-9]{1,32}$/);

  s.fake.setPrice(BTC_SWAP, '62000'); // a new high: the trigger follows to 62 000 × 0.985 = 61 070
  expect(s.fake.algoOrders(apiKey)[0]).toMatchObject({ state: 'live', moveTriggerPx: '61070' });
  s.fake.setPrice(BTC_SWAP, '61100'); // above the trigger: still live
  expect(s.fake.algoOrders(apiKey)[0]?.state).toBe('live');
  s.fake.setPrice(BTC_SWAP, '61000'); // through it: closed at the market
  expect(s.fake.algoOrders(apiKey)[0]).toMatchObject({ state: 'effective', actualSz: '1.66', actualPx: '61000' });
  expect(s.fake.position(apiKey, BTC_SWAP).pos).toBe('0');
});

// Found by this fake: OKX's place answer ("Place multiple orders" response: ordId, clOrdId, sCode,
// sMsg, tag, ts) carries no fill; without reading the order back (createAnswersIdsOnly) the executor
// took the market entry for resting, failed the delivery and left the position without its stop
// until SQS redelivered it.
test('a market entry with a stop completes in ONE delivery', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const result = await deliver(
    liveExecutor(s.h),
    okxSignal(accountId, 'okxonedelivery', { sl: { kind: 'percent', value: 2 } }),
  );
  expect(result.batchItemFailures).toEqual([]);
  expect(s.fake.algoOrders(apiKey)).toHaveLength(1);
});
