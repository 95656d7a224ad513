// An entry with both a stop-loss and a trailing stop on the fake Binance USDⓈ-M, through the real
// webhook, SQS FIFO, executor and unmodified ccxt (the algo-order calls of docs/EXCHANGES.md): the
// book names both resting orders (stopLoss, trailingStop), a reduce re-sizes both, a close leaves no
// protective order live, and the trailing stop firing cancels the fixed stop (Binance links none of
// them: a forgotten reduce-only stop would rest until it closed a later position).
import type { FakeAlgoOrder } from '../../../bin/local/fake-binance';
import type { BookPosition } from '../../../shared/core/domain/trade';
import { BTC, protectionOf, startLiveSuite, type LiveSuite } from './helpers';

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
const live = (apiKey: string) => algos(apiKey).filter((a) => a.endsWith(':NEW'));
const liveAlgo = (apiKey: string, type: string) =>
  s.fake.algoOrders(apiKey).filter((a: FakeAlgoOrder) => a.algoStatus === 'NEW' && a.orderType === type);
const book = async (accountId: string) =>
  (await s.h.runtime.repos.positions.get(accountId, BTC.unified)) as BookPosition;
const post = (token: string, accountId: string, id: string, fields: Record<string, unknown>) =>
  s.h.post({ token, account: accountId, symbol: 'BTCUSDT.P', id, ...fields });

test('sl + trail: the book names both live orders, a reduce re-sizes both, a close leaves nothing live', async () => {
  s.fake.setPrice('BTCUSDT', 65_000);
  const { accountId, apiKey, token } = await s.newAccount();
  expect((await post(token, accountId, 'st-entry', { action: 'long', sl: '2%', trail: '1.5%' })).statusCode).toBe(202);
  await s.h.drain();
  expect(live(apiKey)).toEqual(['STOP_MARKET@63700x0.015:NEW', 'TRAILING_STOP_MARKET@1.5x0.015:NEW']);
  const armed = await book(accountId);
  expect(armed.stopLoss).toMatchObject({
    clientOrderId: liveAlgo(apiKey, 'STOP_MARKET')[0]?.clientAlgoId,
    triggerPrice: '63700',
    amount: '0.015',
  });
  expect(armed.trailingStop).toMatchObject({
    clientOrderId: liveAlgo(apiKey, 'TRAILING_STOP_MARKET')[0]?.clientAlgoId,
    amount: '0.015',
    trailingPercent: 1.5,
  });

  // TradingView's partial exit: sell 0.006 and still long; both stops follow what is left
  expect(
    (await post(token, accountId, 'st-reduce', { action: 'sell', position: 'long', size: 0.006 })).statusCode,
  ).toBe(202);
  await s.h.drain();
  expect(live(apiKey)).toEqual(['STOP_MARKET@63700x0.009:NEW', 'TRAILING_STOP_MARKET@1.5x0.009:NEW']);
  const reduced = await book(accountId);
  expect(reduced.stopLoss?.clientOrderId).toBe(liveAlgo(apiKey, 'STOP_MARKET')[0]?.clientAlgoId);
  expect(reduced.trailingStop?.clientOrderId).toBe(liveAlgo(apiKey, 'TRAILING_STOP_MARKET')[0]?.clientAlgoId);

  expect((await post(token, accountId, 'st-close', { action: 'close_long' })).statusCode).toBe(202);
  await s.h.drain();
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0);
  expect(live(apiKey)).toEqual([]);
  const closed = await book(accountId);
  expect(closed.side).toBeUndefined();
  expect(closed.stopLoss).toBeUndefined();
  expect(closed.trailingStop).toBeUndefined();
  const open = (await s.h.runtime.repos.orders.listByAccount(accountId)).filter((o) => o.status === 'open');
  expect(open).toEqual([]);
});

test('the native trailing stop firing cancels the fixed stop on the exchange; the trade closes as stop_loss', async () => {
  s.fake.setPrice('BTCUSDT', 65_000);
  const { accountId, apiKey, token } = await s.newAccount();
  expect((await post(token, accountId, 'sf-entry', { action: 'long', sl: '2%', trail: '1%' })).statusCode).toBe(202);
  await s.h.drain();
  expect(live(apiKey)).toEqual(['STOP_MARKET@63700x0.015:NEW', 'TRAILING_STOP_MARKET@1x0.015:NEW']);

  s.fake.setPrice('BTCUSDT', 67_000);
  s.fake.setPrice('BTCUSDT', 66_300); // 1 % off the 67,000 high: the trail sells 0.015
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0);
  expect(live(apiKey)).toEqual(['STOP_MARKET@63700x0.015:NEW']); // Binance leaves the stop resting

  const { exchange, market, protection } = await protectionOf(s.h, accountId);
  const report = await protection.sync(exchange, await book(accountId), market);

  expect(report).toMatchObject({ fills: 1, canceled: 1 });
  expect(live(apiKey)).toEqual([]);
  const legs = (await s.h.runtime.repos.orders.listByAccount(accountId)).map((o) => `${o.leg}:${o.status}`).sort();
  expect(legs).toEqual(['open:filled', 'sl:canceled', 'trail:filled']);
  const [trade] = await s.h.runtime.repos.trades.listByAccount(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'stop_loss', exitPrice: '66300' });
  expect((await book(accountId)).trailingStop).toBeUndefined();
});
