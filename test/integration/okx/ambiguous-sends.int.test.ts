// Exactly-once placement on the fake OKX when the answer is lost or refused (case 11, docs/FAILURE_CASES.md),
// through the real executor and ccxt's okx: accept-then-5xx and a timeout that was accepted are
// looked up by clOrdId and adopted; a 5xx that processed nothing is confirmed absent and resent
// once under the same clOrdId; a partial fill books what filled and protects only that.
import type { FakeOkxFault, FakeOkxFaultKind } from '../../../bin/local/fake-okx';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { sid, signalFor } from '../live/helpers';
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

jest.setTimeout(40_000);

let s: OkxSuite;
beforeAll(async () => {
  // a hang of 2 s must outlast the exchange timeout: 800 ms here, not the suites' load-sized default
  s = await startOkxSuite({ EXCHANGE_TIMEOUT_MS: '800' });
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.clearFaults();
  s.fake.setPrice(BTC_SWAP, START_PRICE);
});

const BATCH = { method: 'POST', path: '/api/v5/trade/batch-orders' };

async function entryWith(name: string, fault: FakeOkxFaultKind) {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid(name), { symbol: OKX_BTC, sl: { kind: 'percent', value: 2 } });
  const scripted: FakeOkxFault = { ...fault, match: BATCH };
  s.fake.fault(scripted);
  const log = requestsSince(s.fake);
  await deliverLikeSqs(s.h, signal);
  const clientOrderId = clientOrderIdFor(signal.signalId, 'open');
  return {
    log: log(),
    apiKey,
    onExchange: s.fake.orders(apiKey),
    record: await s.h.runtime.repos.orders.get(accountId, clientOrderId),
    position: await s.h.runtime.repos.positions.get(accountId, OKX_BTC.unified),
    events: (await s.h.runtime.repos.audit.listByAccount(accountId)).map((e) => e.type),
    clientOrderId,
  };
}

test('accept-then-5xx: the order went through; it is found by clOrdId and adopted, never sent twice', async () => {
  const run = await entryWith('okxaccept5xx', { kind: 'accept-then-5xx' });

  expect(orderPosts(run.log)).toEqual([expect.objectContaining({ status: 500 })]);
  expect(run.onExchange).toEqual([
    expect.objectContaining({ clOrdId: run.clientOrderId, state: 'filled', accFillSz: '1.66' }),
  ]);
  expect(run.log.some((r) => r.method === 'GET' && r.path === '/api/v5/trade/order' && r.status === 200)).toBe(true);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.0166', exchangeOrderId: run.onExchange[0]?.ordId });
  expect(run.events).toContain('order.adopted');
  expect(run.position).toMatchObject({ side: 'long', quantity: '0.0166' });
  expect(s.fake.position(run.apiKey, BTC_SWAP).pos).toBe('1.66');
  // and the position got its stop
  expect(s.fake.algoOrders(run.apiKey)).toEqual([
    expect.objectContaining({ ordType: 'conditional', slTriggerPx: '58800', sz: '1.66', state: 'live' }),
  ]);
});

test('a timeout after the exchange accepted: the look-up finds the order; one order, one position', async () => {
  const run = await entryWith('okxtimeoutaccept', { kind: 'timeout', accept: true, delayMs: 2_000 });

  expect(orderPosts(run.log)).toHaveLength(1);
  expect(run.onExchange).toHaveLength(1);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.0166' });
  expect(s.fake.position(run.apiKey, BTC_SWAP).pos).toBe('1.66');
});

test('a 5xx that processed nothing: confirmed absent (51603) by look-up, resent once with the same clOrdId', async () => {
  const run = await entryWith('okxreject5xx', { kind: 'reject-5xx' });

  expect(orderPosts(run.log).map((r) => r.status)).toEqual([503, 200]);
  expect(run.onExchange).toEqual([expect.objectContaining({ clOrdId: run.clientOrderId, state: 'filled' })]);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.0166' });
  expect(s.fake.position(run.apiKey, BTC_SWAP).pos).toBe('1.66');
});

test('a partial fill books the filled contracts and sizes the stop to them', async () => {
  const run = await entryWith('okxpartial', { kind: 'partial-fill', fraction: 0.5 });

  // 1.66 asked, half (0.83) filled, the rest canceled
  expect(run.onExchange).toEqual([expect.objectContaining({ sz: '1.66', accFillSz: '0.83', state: 'canceled' })]);
  expect(run.position).toMatchObject({ side: 'long', quantity: '0.0083' });
  expect(s.fake.algoOrders(run.apiKey)).toEqual([
    expect.objectContaining({ slTriggerPx: '58800', sz: '0.83', reduceOnly: true }),
  ]);
});
