// An alert's partial exit on the fake Binance USDⓈ-M through the real webhook, SQS FIFO and the
// harness's executor (unmodified ccxt, the algo-order calls of docs/EXCHANGES.md): the stop rests
// through the reduce and is re-sized to what is left (the new STOP_MARKET placed before the old is
// cancelled), the targets trimmed to it, the book's refs naming exactly the live orders; a reduce
// of all of it leaves nothing live. A native trailing stop is re-sized as a trailing stop.
import type { FakeAlgoOrder } from '../../../bin/local/fake-binance';
import { BTC, requestsSince, startLiveSuite, type LiveSuite } from './helpers';

jest.setTimeout(180_000);

let s: LiveSuite;
beforeAll(async () => {
  s = await startLiveSuite();
});
afterAll(() => s.close());

/** The fake's conditional orders of a key, as type@trigger×qty:status, oldest first. */
const algos = (apiKey: string) =>
  s.fake
    .algoOrders(apiKey)
    .map((a: FakeAlgoOrder) => `${a.orderType}@${a.triggerPrice || a.callbackRate}x${a.quantity}:${a.algoStatus}`);
const liveAlgos = (apiKey: string) => s.fake.algoOrders(apiKey).filter((a: FakeAlgoOrder) => a.algoStatus === 'NEW');
const live = (apiKey: string) => algos(apiKey).filter((a) => a.endsWith(':NEW'));
const book = async (accountId: string) => s.h.runtime.repos.positions.get(accountId, BTC.unified);
const post = (token: string, accountId: string, id: string, fields: Record<string, unknown>) =>
  s.h.post({ token, account: accountId, symbol: 'BTCUSDT.P', id, ...fields });

test('an alert reduce of 40 % leaves exactly one live stop for the rest, the book naming it; a reduce of 100 % leaves nothing live', async () => {
  s.fake.setPrice('BTCUSDT', 65_000);
  const { accountId, apiKey, token } = await s.newAccount();
  expect((await post(token, accountId, 'lr-entry', { action: 'long', sl: '2%', tp: '2%:50,4%' })).statusCode).toBe(202);
  await s.h.drain();
  expect(live(apiKey)).toEqual([
    'STOP_MARKET@63700x0.015:NEW',
    'TAKE_PROFIT_MARKET@66300x0.007:NEW',
    'TAKE_PROFIT_MARKET@67600x0.008:NEW',
  ]);

  // TradingView's partial exit: sell 0.006 (40 %) and still long
  const since = requestsSince(s.fake);
  expect(
    (await post(token, accountId, 'lr-reduce', { action: 'sell', position: 'long', size: 0.006 })).statusCode,
  ).toBe(202);
  await s.h.drain();
  // the reduce went out while the old stop rested, and the new stop before any cancel
  const calls = since()
    .filter((r) => r.path === '/fapi/v1/order' || r.path === '/fapi/v1/algoOrder')
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}`);
  expect(calls.slice(0, 3)).toEqual(['POST /fapi/v1/order', 'POST /fapi/v1/algoOrder', 'DELETE /fapi/v1/algoOrder']);
  const after = await book(accountId);
  expect(after?.quantity).toBe('0.009');
  // the old stop and the further target replaced; the further target holds the 0.002 left
  expect(algos(apiKey)).toEqual([
    'STOP_MARKET@63700x0.015:CANCELED',
    'TAKE_PROFIT_MARKET@66300x0.007:NEW',
    'TAKE_PROFIT_MARKET@67600x0.008:CANCELED',
    'STOP_MARKET@63700x0.009:NEW',
    'TAKE_PROFIT_MARKET@67600x0.002:NEW',
  ]);
  const stops = liveAlgos(apiKey).filter((a) => a.orderType === 'STOP_MARKET');
  expect(stops).toHaveLength(1);
  expect(after?.stopLoss).toMatchObject({ clientOrderId: stops[0]?.clientAlgoId, amount: '0.009' });
  const targets = liveAlgos(apiKey).filter((a) => a.orderType === 'TAKE_PROFIT_MARKET');
  expect((after?.takeProfits ?? []).map((t) => `${t.clientOrderId}x${t.amount}`)).toEqual(
    targets.map((a) => `${a.clientAlgoId}x${a.quantity}`),
  );

  expect((await post(token, accountId, 'lr-all', { action: 'sell', position: 'long', size: 0.009 })).statusCode).toBe(
    202,
  );
  await s.h.drain();
  expect((await book(accountId))?.side).toBeUndefined();
  expect(live(apiKey)).toEqual([]);
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0);
  expect(s.fake.orders(apiKey).filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')).toEqual([]);
});

test('a native trailing stop stays a trailing stop, re-sized to what an alert reduce left', async () => {
  s.fake.setPrice('BTCUSDT', 65_000);
  const { accountId, apiKey, token } = await s.newAccount();
  expect((await post(token, accountId, 'lt-entry', { action: 'long', trail: '1.5%' })).statusCode).toBe(202);
  await s.h.drain();
  expect(live(apiKey)).toEqual(['TRAILING_STOP_MARKET@1.5x0.015:NEW']);

  expect(
    (await post(token, accountId, 'lt-reduce', { action: 'sell', position: 'long', size: 0.006 })).statusCode,
  ).toBe(202);
  await s.h.drain();
  expect(live(apiKey)).toEqual(['TRAILING_STOP_MARKET@1.5x0.009:NEW']);
  const [trail] = liveAlgos(apiKey);
  expect((await book(accountId))?.stopLoss).toMatchObject({
    clientOrderId: trail?.clientAlgoId,
    amount: '0.009',
    trailingPercent: 1.5,
  });
});
