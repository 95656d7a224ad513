// Exactly-once placement on the fake Bybit when the answer is lost or refused (case 11,
// docs/FAILURE_CASES.md), through the real executor and ccxt's bybit: accept-then-5xx and a timeout
// that was accepted are looked up by orderLinkId (GET /v5/order/realtime) and adopted; a 5xx that
// processed nothing is confirmed absent (realtime and history both empty) and resent once under the
// same orderLinkId; a partial fill books what filled and protects only that.
import type { FakeBybitFault, FakeBybitFaultKind } from '../../../bin/local/fake-bybit';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { sid, signalFor } from '../live/helpers';
import {
  BTCUSDT,
  BYBIT_BTC,
  deliverLikeSqs,
  orderPosts,
  requestsSince,
  START_PRICE,
  startBybitSuite,
  type BybitSuite,
} from './helpers';

jest.setTimeout(40_000);

let s: BybitSuite;
beforeAll(async () => {
  // a hang of 2 s must outlast the exchange timeout: 800 ms here, not the suites' load-sized default
  s = await startBybitSuite({ EXCHANGE_TIMEOUT_MS: '800' });
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.clearFaults();
  s.fake.setPrice(BTCUSDT, START_PRICE);
});

// the entry's placement only: the stop that follows is placed on the same endpoint
const ENTRY = { method: 'POST', path: '/v5/order/create', instrument: BTCUSDT };

async function entryWith(name: string, fault: FakeBybitFaultKind) {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid(name), { symbol: BYBIT_BTC, sl: { kind: 'percent', value: 2 } });
  const scripted: FakeBybitFault = { ...fault, match: ENTRY };
  s.fake.fault(scripted);
  const log = requestsSince(s.fake);
  await deliverLikeSqs(s.h, signal);
  const clientOrderId = clientOrderIdFor(signal.signalId, 'open');
  const onExchange = s.fake.orders(apiKey);
  return {
    log: log(),
    apiKey,
    entries: onExchange.filter((o) => o.stopOrderType === ''),
    stops: onExchange.filter((o) => o.stopOrderType === 'Stop'),
    record: await s.h.runtime.repos.orders.get(accountId, clientOrderId),
    position: await s.h.runtime.repos.positions.get(accountId, BYBIT_BTC.unified),
    events: (await s.h.runtime.repos.audit.listByAccount(accountId)).map((e) => e.type),
    clientOrderId,
  };
}

test('accept-then-5xx: the order went through; it is found by orderLinkId and adopted, never sent twice', async () => {
  const run = await entryWith('bybitaccept5xx', { kind: 'accept-then-5xx' });

  // the entry's one placement (answered 500), then the stop's
  expect(orderPosts(run.log).map((r) => r.status)).toEqual([500, 200]);
  expect(run.entries).toEqual([
    expect.objectContaining({ orderLinkId: run.clientOrderId, orderStatus: 'Filled', cumExecQty: '0.016' }),
  ]);
  expect(run.log.some((r) => r.method === 'GET' && r.path === '/v5/order/realtime' && r.status === 200)).toBe(true);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.016', exchangeOrderId: run.entries[0]?.orderId });
  expect(run.events).toContain('order.adopted');
  expect(run.position).toMatchObject({ side: 'long', quantity: '0.016' });
  expect(s.fake.position(run.apiKey, BTCUSDT).size).toBe('0.016');
  // and the position got its stop
  expect(run.stops).toEqual([
    expect.objectContaining({ triggerPrice: '58800', qty: '0.016', orderStatus: 'Untriggered', reduceOnly: true }),
  ]);
});

test('a timeout after the exchange accepted: the look-up finds the order; one order, one position', async () => {
  const run = await entryWith('bybittimeoutaccept', { kind: 'timeout', accept: true, delayMs: 2_000 });

  expect(run.entries).toHaveLength(1);
  // the entry's one placement (its answer never reached the client: status 0), then the stop's
  expect(orderPosts(run.log).map((r) => r.status)).toEqual([0, 200]);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.016' });
  expect(s.fake.position(run.apiKey, BTCUSDT).size).toBe('0.016');
  expect(run.stops).toHaveLength(1);
});

test('a 5xx that processed nothing: confirmed absent by look-up (realtime, then history), resent once with the same orderLinkId', async () => {
  const run = await entryWith('bybitreject5xx', { kind: 'reject-5xx' });

  // the refused entry, its resend, then the stop
  expect(orderPosts(run.log).map((r) => r.status)).toEqual([503, 200, 200]);
  expect(run.log.some((r) => r.method === 'GET' && r.path === '/v5/order/history')).toBe(true);
  expect(run.entries).toEqual([expect.objectContaining({ orderLinkId: run.clientOrderId, orderStatus: 'Filled' })]);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.016' });
  expect(s.fake.position(run.apiKey, BTCUSDT).size).toBe('0.016');
});

test('a partial fill books the filled coins and sizes the stop to them', async () => {
  const run = await entryWith('bybitpartial', { kind: 'partial-fill', fraction: 0.5 });

  // 0.016 asked, half (0.008) filled, the rest cancelled
  expect(run.entries).toEqual([
    expect.objectContaining({ qty: '0.016', cumExecQty: '0.008', orderStatus: 'Cancelled' }),
  ]);
  expect(run.position).toMatchObject({ side: 'long', quantity: '0.008' });
  expect(run.stops).toEqual([expect.objectContaining({ triggerPrice: '58800', qty: '0.008', reduceOnly: true })]);
});
