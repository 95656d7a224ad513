// Exactly-once placement against the fake Binance when the answer is lost or refused: the failure
// cases of docs/FAILURE_CASES.md 11 (5xx and timeouts), 12 (crash between send and record), 20 (clock skew) and
// 22 (duplicate client order id), through the real executor and unmodified ccxt.
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { FaultSpec } from '../../../bin/local/fake-binance';
import type { OrderRepository } from '../../../shared/core/ports/repositories';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { tableName } from '../../../shared/platform/resource-names';
import {
  AFTER_LEASE_MS,
  deliver,
  laterClock,
  liveExecutor,
  orderPosts,
  requestsSince,
  sid,
  signalFor,
  startLiveSuite,
  type LiveSuite,
} from './helpers';

jest.setTimeout(30_000);

let s: LiveSuite;
beforeAll(async () => {
  // a hang of 2 s must outlast the exchange timeout: 800 ms here, not the suites' load-sized default
  s = await startLiveSuite({ executorEnv: { EXCHANGE_TIMEOUT_MS: '800' } });
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.clearFaults();
  s.fake.setClockSkew(0);
});

const ORDER_POST = { method: 'POST', path: '/fapi/v1/order' };

/** Runs one entry with a fault on its order request; returns what the fake and the tables saw. */
async function entryWith(name: string, fault: FaultSpec) {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid(name));
  s.fake.fault(fault);
  const log = requestsSince(s.fake);
  const result = await deliver(liveExecutor(s.h), signal);
  const clientOrderId = clientOrderIdFor(signal.signalId, 'open');
  return {
    result,
    log: log(),
    onExchange: s.fake.orders(apiKey),
    record: await s.h.runtime.repos.orders.get(accountId, clientOrderId),
    events: await s.h.runtime.repos.audit.listByAccount(accountId),
    position: await s.h.runtime.repos.positions.get(accountId, signal.symbol.unified),
    signal: await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId),
    clientOrderId,
  };
}

test('case 11: the exchange accepts the order, then answers 5xx: the order is looked up by client id and adopted, never sent twice', async () => {
  const run = await entryWith('acceptthen5xx', { match: ORDER_POST, kind: 'accept-then-5xx' });

  expect(run.result.batchItemFailures).toEqual([]);
  expect(orderPosts(run.log)).toEqual([expect.objectContaining({ status: 503 })]);
  expect(run.onExchange).toEqual([
    expect.objectContaining({ clientOrderId: run.clientOrderId, status: 'FILLED', executedQty: 0.015 }),
  ]);
  expect(run.log.some((r) => r.method === 'GET' && r.path === '/fapi/v1/order' && r.status === 200)).toBe(true);
  expect(run.record).toMatchObject({
    status: 'filled',
    filled: '0.015',
    exchangeOrderId: String(run.onExchange[0]?.orderId),
  });
  expect(run.events.map((e) => e.type)).toContain('order.adopted');
  expect(run.position).toMatchObject({ side: 'long', quantity: '0.015' });
  expect(run.signal?.status).toBe('executed');
});

test('case 11: a 5xx that processed nothing: confirmed absent by look-up, resent once with the same client id', async () => {
  const run = await entryWith('reject5xx', { match: ORDER_POST, kind: 'reject-5xx' });

  expect(run.result.batchItemFailures).toEqual([]);
  expect(orderPosts(run.log).map((r) => r.status)).toEqual([503, 200]);
  // between the two sends, the look-up by client id answered "no such order" (-2013)
  const posts = run.log.flatMap((r, i) => (r.method === 'POST' && r.path === '/fapi/v1/order' ? [i] : []));
  const between = run.log.slice((posts[0] ?? 0) + 1, posts[1]);
  expect(between).toEqual(
    expect.arrayContaining([expect.objectContaining({ method: 'GET', path: '/fapi/v1/order', status: 400 })]),
  );
  expect(run.onExchange).toEqual([expect.objectContaining({ clientOrderId: run.clientOrderId, status: 'FILLED' })]);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.015' });
  expect(run.position).toMatchObject({ quantity: '0.015' });
});

test('case 11: an answer slower than EXCHANGE_TIMEOUT_MS (order executed) is resolved by look-up: one order', async () => {
  const run = await entryWith('timeoutaccepted', { match: ORDER_POST, kind: 'timeout', accept: true, delayMs: 1_500 });

  expect(run.result.batchItemFailures).toEqual([]);
  expect(orderPosts(run.log)).toHaveLength(1);
  expect(run.onExchange).toEqual([expect.objectContaining({ clientOrderId: run.clientOrderId, status: 'FILLED' })]);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.015' });
  expect(run.events.map((e) => e.type)).toContain('order.adopted');
  expect(run.position).toMatchObject({ quantity: '0.015' });
});

test("case 11: Binance's own timeout answer (-1007, execution status unknown, nothing executed) leads to one resend: one order", async () => {
  const run = await entryWith('timeout1007', { match: ORDER_POST, kind: 'timeout', accept: false, delayMs: 10 });

  expect(run.result.batchItemFailures).toEqual([]);
  expect(orderPosts(run.log).map((r) => r.status)).toEqual([408, 200]);
  expect(run.onExchange).toEqual([expect.objectContaining({ clientOrderId: run.clientOrderId, status: 'FILLED' })]);
  expect(run.position).toMatchObject({ quantity: '0.015' });
});

test('case 11 on a protective order: the stop accepted then answered 5xx is found in the conditional book and adopted: one stop', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('stopthen5xx'), { sl: { kind: 'percent', value: 2 } });
  s.fake.fault({ match: { method: 'POST', path: '/fapi/v1/algoOrder' }, kind: 'accept-then-5xx' });
  const log = requestsSince(s.fake);

  const result = await deliver(liveExecutor(s.h), signal);

  expect(result.batchItemFailures).toEqual([]);
  expect(
    log()
      .filter((r) => r.method === 'POST' && r.path === '/fapi/v1/algoOrder')
      .map((r) => r.status),
  ).toEqual([503]);
  const slId = clientOrderIdFor(signal.signalId, 'sl');
  expect(s.fake.algoOrders(apiKey)).toEqual([
    expect.objectContaining({
      clientAlgoId: slId,
      orderType: 'STOP_MARKET',
      quantity: 0.015,
      triggerPrice: 63_700,
      algoStatus: 'NEW',
    }),
  ]);
  expect(await s.h.runtime.repos.orders.get(accountId, slId)).toMatchObject({
    status: 'open',
    exchangeOrderId: String(s.fake.algoOrders(apiKey)[0]?.algoId),
  });
  expect((await s.h.runtime.repos.positions.get(accountId, signal.symbol.unified))?.stopLoss).toMatchObject({
    clientOrderId: slId,
    triggerPrice: '63700',
  });
});

test('case 12: the function dies after the exchange filled, before recording: the retry finds the order by client id, places nothing and books once', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('crashafterfill'));
  const repo = s.h.runtime.repos.orders;
  let died = false;
  // The first result write never happens: the Lambda is killed between the exchange's answer and the table.
  const dying: OrderRepository = {
    putIntent: (o) => repo.putIntent(o),
    get: (a, c) => repo.get(a, c),
    listByAccount: (a, l) => repo.listByAccount(a, l),
    update: async (a, c, patch) => {
      if (!died && patch.exchangeOrderId !== undefined) {
        died = true;
        throw new Error('Task timed out after 30.00 seconds');
      }
      return repo.update(a, c, patch);
    },
  };
  const log = requestsSince(s.fake);

  const first = await deliver(liveExecutor(s.h, { orders: dying }), signal);
  expect(first.batchItemFailures).toEqual([{ itemIdentifier: signal.signalId }]);
  expect(await repo.get(accountId, clientOrderIdFor(signal.signalId, 'open'))).toMatchObject({ status: 'intent' });
  // the redelivery, after the lease lapsed (as after the visibility timeout)
  const retry = await deliver(liveExecutor(s.h, { clock: laterClock(s.h, AFTER_LEASE_MS) }), signal, 'redelivery');

  expect(retry.batchItemFailures).toEqual([]);
  expect(orderPosts(log())).toHaveLength(1);
  expect(s.fake.orders(apiKey)).toHaveLength(1);
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0.015);
  expect(await repo.listByAccount(accountId)).toEqual([
    expect.objectContaining({ status: 'filled', filled: '0.015', bookedAt: expect.any(Number) }),
  ]);
  expect(await s.h.runtime.repos.positions.list(accountId)).toEqual([
    expect.objectContaining({ side: 'long', quantity: '0.015' }),
  ]);
  const trades = await s.h.runtime.repos.trades.listByAccount(accountId);
  expect(trades).toEqual([expect.objectContaining({ status: 'open', quantity: '0.015' })]);
  const events = (await s.h.runtime.repos.audit.listByAccount(accountId)).map((e) => e.type);
  expect(events).toContain('order.adopted');
  expect(events.filter((t) => t === 'trade.opened')).toHaveLength(1);
});

test('case 20: a one-off -1021 (timestamp outside recvWindow) resyncs the time and retries once with the same id: one order', async () => {
  const run = await entryWith('skewonce', {
    match: ORDER_POST,
    kind: 'error',
    code: -1021,
    msg: 'Timestamp for this request is outside of the recvWindow.',
  });

  expect(run.result.batchItemFailures).toEqual([]);
  const posts = orderPosts(run.log);
  expect(posts.map((r) => r.status)).toEqual([400, 200]);
  const between = run.log.slice(run.log.indexOf(posts[0] as never) + 1, run.log.indexOf(posts[1] as never));
  expect(between.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /fapi/v1/time']);
  expect(run.onExchange).toEqual([expect.objectContaining({ clientOrderId: run.clientOrderId, status: 'FILLED' })]);
  expect(run.position).toMatchObject({ quantity: '0.015' });
});

test('case 20: an exchange clock far from ours: every signed call fails until the adapter resyncs; then one order', async () => {
  s.fake.setClockSkew(-20_000); // our timestamps look 20 s ahead of the server's
  const run = await entryWith('skewclock', { match: { path: '/never' }, kind: 'reject-5xx' });

  expect(run.result.batchItemFailures).toEqual([]);
  expect(run.log.filter((r) => r.path === '/fapi/v1/time')).toHaveLength(1);
  expect(run.log.filter((r) => r.status === 400)).toHaveLength(1); // the one call before the resync
  expect(orderPosts(run.log).map((r) => r.status)).toEqual([200]);
  expect(run.onExchange).toHaveLength(1);
  expect(run.position).toMatchObject({ quantity: '0.015' });
});

test('case 22: a client order id the exchange already holds (-4116) adopts the existing order: one order on the exchange', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('duplicateid'), {
    order: { type: 'limit', limit: { kind: 'price', value: 60_000 }, timeInForce: 'GTC' },
  });
  await deliver(liveExecutor(s.h), signal);
  const clientOrderId = clientOrderIdFor(signal.signalId, 'open');
  expect(s.fake.orders(apiKey)).toEqual([
    expect.objectContaining({ clientOrderId, type: 'LIMIT', status: 'NEW', price: 60_000 }),
  ]);
  // The tables lose the signal and its order (a restore from an older backup): only the exchange remembers.
  const db = s.h.runtime.repos.documentClient;
  await db.send(
    new DeleteCommand({ TableName: tableName(s.h.stage, 'signals'), Key: { accountId, signalId: signal.signalId } }),
  );
  await db.send(new DeleteCommand({ TableName: tableName(s.h.stage, 'orders'), Key: { accountId, clientOrderId } }));
  const log = requestsSince(s.fake);

  const again = await deliver(liveExecutor(s.h), signal, 'replayed');

  expect(again.batchItemFailures).toEqual([]);
  expect(orderPosts(log()).map((r) => r.status)).toEqual([400]);
  expect(s.fake.orders(apiKey)).toEqual([expect.objectContaining({ clientOrderId, status: 'NEW' })]);
  expect(await s.h.runtime.repos.orders.get(accountId, clientOrderId)).toMatchObject({
    status: 'open',
    type: 'limit',
    price: '60000',
    exchangeOrderId: String(s.fake.orders(apiKey)[0]?.orderId),
  });
  const adopted = (await s.h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === 'order.adopted');
  expect(adopted).toEqual([expect.objectContaining({ message: expect.stringContaining('duplicate client id') })]);
});

test('open-only client ids: the first request arrives after the look-up said "absent" and fills: the fills and the position forbid a resend, the next look-up adopts it: ONE order', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('latearrival'));
  s.fake.fault({ match: ORDER_POST, kind: 'late-arrival' });
  const log = requestsSince(s.fake);

  const result = await deliver(liveExecutor(s.h), signal);

  const clientOrderId = clientOrderIdFor(signal.signalId, 'open');
  expect(result.batchItemFailures).toEqual([]);
  expect(orderPosts(log()).map((r) => r.status)).toEqual([408]); // never sent again
  expect(s.fake.orders(apiKey)).toEqual([
    expect.objectContaining({ clientOrderId, status: 'FILLED', executedQty: 0.015 }),
  ]);
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0.015);
  // the evidence was read between the "absent" look-up and the adopting one
  const reads = log().map((r) => `${r.method} ${r.path} ${r.status}`);
  const absent = reads.indexOf('GET /fapi/v1/order 400');
  expect(absent).toBeGreaterThan(-1);
  expect(reads.slice(absent + 1)).toEqual(
    expect.arrayContaining(['GET /fapi/v1/userTrades 200', 'GET /fapi/v1/order 200']),
  );
  expect(await s.h.runtime.repos.orders.get(accountId, clientOrderId)).toMatchObject({
    status: 'filled',
    filled: '0.015',
    positionBefore: '0',
  });
  expect(await s.h.runtime.repos.positions.list(accountId)).toEqual([
    expect.objectContaining({ side: 'long', quantity: '0.015' }),
  ]);
  expect((await s.h.runtime.repos.audit.listByAccount(accountId)).map((e) => e.type)).toContain('order.adopted');
  expect((await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId))?.status).toBe('executed');
});
