// Entries on the fake Upbit through the real executor, the real ccxt adapter and ccxt's upbit: a
// market buy goes by its KRW cost and is booked at the fake's fill with its fee; an entry asking for
// a stop, targets or a trailing stop is refused before anything is sent (Upbit rests no conditional
// orders and the executor does not emulate them: see the report in docs/exchanges/upbit.md "Fake").
// What the fake's books hold is checked, not what the adapter says it sent.
import { Big } from '../../../shared/core/domain/money';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import type { Signal } from '../../../shared/core/signal/types';
import { deliver, liveExecutor, sid, signalFor } from '../live/helpers';
import {
  deliverLikeSqs,
  KRW_BTC,
  orderPosts,
  requestsSince,
  START_KRW,
  START_PRICE,
  startUpbitSuite,
  UPBIT_BTC,
  type UpbitSuite,
} from './helpers';

jest.setTimeout(30_000);

let s: UpbitSuite;
beforeAll(async () => {
  s = await startUpbitSuite();
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.clearFaults();
  s.fake.setPrice(KRW_BTC, START_PRICE);
});

const upbitSignal = (accountId: string, name: string, extra: Partial<Signal> = {}) =>
  signalFor(accountId, sid(name), { symbol: UPBIT_BTC, ...extra });
const rejections = async (accountId: string) =>
  (await s.h.runtime.repos.audit.listByAccount(accountId))
    .filter((e) => e.type === 'signal.rejected')
    .map((e) => e.message);

test('a market entry buys by its KRW cost (ord_type price) under our identifier and is booked at the fake fill with its KRW fee', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = upbitSignal(accountId, 'upbitentry');

  const log = requestsSince(s.fake);
  await deliverLikeSqs(s.h, signal);

  // one placement, however many deliveries it took (a redelivery looks the order up first)
  expect(orderPosts(log())).toHaveLength(1);
  // 10 % of 10 000 000 KRW at 100 000 000 = 0.01 BTC, bought as 1 000 000 KRW of BTC
  const [entry] = s.fake.orders(apiKey);
  expect(s.fake.orders(apiKey)).toHaveLength(1);
  expect(entry).toMatchObject({
    identifier: clientOrderIdFor(signal.signalId, 'open'),
    side: 'bid',
    ordType: 'price',
    price: '1000000',
    volume: null,
    executedVolume: '0.01',
    state: 'done',
  });
  // the fee is the fake's: 1 000 000 KRW × 0.05 % = 500 KRW, on top of the funds
  expect(s.fake.balance(apiKey, 'KRW')).toEqual({
    balance: new Big(START_KRW).minus(1_000_000).minus(500).toString(),
    locked: '0',
    avgBuyPrice: '0',
  });
  expect(s.fake.balance(apiKey, 'BTC')).toMatchObject({ balance: '0.01', locked: '0' });

  const position = await s.h.runtime.repos.positions.get(accountId, UPBIT_BTC.unified);
  expect(position).toMatchObject({ side: 'long', quantity: '0.01', entryPrice: '100000000', leverage: 1 });
  const [order] = (await s.h.runtime.repos.orders.listByAccount(accountId)).filter((o) => o.leg === 'open');
  expect(order).toMatchObject({
    status: 'filled',
    filled: '0.01',
    averagePrice: '100000000',
    exchangeOrderId: entry?.uuid,
    fee: '500',
    feeCurrency: 'KRW',
  });
});

// Found by this fake: Upbit answers a new order as accepted (the documented POST /v1/orders answer:
// state "wait", executed_volume "0"; it matches after answering), and the Upbit dialect does not
// read a market order back (createAnswersIdsOnly), so the executor takes the filled market entry
// for a resting order, fails the delivery, and books it only when SQS redelivers the signal.
// The fix: `createAnswersIdsOnly: true` in shared/adapters/exchange/dialects/upbit.ts.
test('a market entry completes in ONE delivery', async () => {
  const { accountId } = await s.newAccount();
  const result = await deliver(liveExecutor(s.h), upbitSignal(accountId, 'upbitonedelivery'));
  expect(result.batchItemFailures).toEqual([]);
  expect(await s.h.runtime.repos.positions.get(accountId, UPBIT_BTC.unified)).toMatchObject({ quantity: '0.01' });
});

test('an entry with a stop and two take-profits is refused before anything is sent: Upbit rests no stop orders', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = upbitSignal(accountId, 'upbitladder', {
    sl: { kind: 'percent', value: 2 },
    tp: { kind: 'percent', value: 2 },
    tpLevels: [
      { level: { kind: 'percent', value: 2 }, sharePct: 50 },
      { level: { kind: 'percent', value: 4 }, sharePct: 50 },
    ],
  });

  const log = requestsSince(s.fake);
  const result = await deliver(liveExecutor(s.h), signal);

  // a refusal is terminal: acknowledged, not redelivered
  expect(result.batchItemFailures).toEqual([]);
  expect(orderPosts(log())).toEqual([]);
  expect(s.fake.orders(apiKey)).toEqual([]);
  expect(s.fake.balance(apiKey, 'KRW').balance).toBe(String(START_KRW));
  expect(await rejections(accountId)).toEqual([expect.stringContaining('cannot rest stop-loss/take-profit orders')]);
  expect(await s.h.runtime.repos.positions.get(accountId, UPBIT_BTC.unified)).toBeUndefined();
});

test('a trailing stop is refused the same way: no native trailing stop and no order sent', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const log = requestsSince(s.fake);

  const result = await deliver(liveExecutor(s.h), upbitSignal(accountId, 'upbittrail', { trailPct: 1.5 }));

  expect(result.batchItemFailures).toEqual([]);
  expect(orderPosts(log())).toEqual([]);
  expect(s.fake.orders(apiKey)).toEqual([]);
  expect(await rejections(accountId)).toEqual([expect.stringContaining('cannot rest stop-loss/take-profit orders')]);
});

test('a short is refused: Upbit is spot, long only', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const result = await deliver(liveExecutor(s.h), upbitSignal(accountId, 'upbitshort', { intent: 'enter_short' }));
  expect(result.batchItemFailures).toEqual([]);
  expect(s.fake.orders(apiKey)).toEqual([]);
  expect(await rejections(accountId)).toEqual([expect.stringContaining('long only')]);
});
