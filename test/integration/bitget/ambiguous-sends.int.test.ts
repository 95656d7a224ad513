// Exactly-once placement on the fake Bitget when the answer is lost or refused (case 11,
// docs/FAILURE_CASES.md), through the real executor and ccxt's bitget: accept-then-5xx and a timeout
// that was accepted are looked up by clientOid and adopted; a 5xx that processed nothing is confirmed
// absent (40109) and resent once under the same clientOid; a partial fill books what filled and
// protects only that.
import type { FakeBitgetFault, FakeBitgetFaultKind } from '../../../bin/local/fake-bitget';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { AFTER_LEASE_MS, deliver, laterClock, liveExecutor, sid, signalFor } from '../live/helpers';
import {
  BITGET_BTC,
  BTC,
  orderPosts,
  PLACE_ORDER,
  requestsSince,
  START_PRICE,
  startBitgetSuite,
  type BitgetSuite,
} from './helpers';

jest.setTimeout(40_000);

let s: BitgetSuite;
beforeAll(async () => {
  // a hang of 2 s must outlast the exchange timeout: 800 ms here, not the suites' load-sized default
  s = await startBitgetSuite({ EXCHANGE_TIMEOUT_MS: '800' });
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.clearFaults();
  s.fake.setPrice(BTC, START_PRICE);
});

/**
 * Delivers as SQS does: again after the lease lapses while the executor reports the message failed,
 * each time to a new container whose clock reads a lapsed lease later (no wait for the lease).
 */
async function deliverLikeSqs(signal: Parameters<typeof deliver>[1], attempts = 3): Promise<number> {
  for (let n = 1; n <= attempts; n++) {
    const result = await deliver(
      liveExecutor(s.h, { clock: laterClock(s.h, (n - 1) * AFTER_LEASE_MS) }),
      signal,
      `${signal.signalId}-${n}`,
    );
    if (result.batchItemFailures.length === 0) return n;
  }
  throw new Error(`signal ${signal.signalId} still failing after ${attempts} deliveries`);
}

async function entryWith(name: string, fault: FakeBitgetFaultKind) {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid(name), { symbol: BITGET_BTC, sl: { kind: 'percent', value: 2 } });
  const scripted: FakeBitgetFault = { ...fault, match: { method: 'POST', path: PLACE_ORDER } };
  s.fake.fault(scripted);
  const log = requestsSince(s.fake);
  const deliveries = await deliverLikeSqs(signal);
  const clientOrderId = clientOrderIdFor(signal.signalId, 'open');
  return {
    deliveries,
    log: log(),
    apiKey,
    onExchange: s.fake.orders(apiKey),
    record: await s.h.runtime.repos.orders.get(accountId, clientOrderId),
    position: await s.h.runtime.repos.positions.get(accountId, BITGET_BTC.unified),
    events: (await s.h.runtime.repos.audit.listByAccount(accountId)).map((e) => e.type),
    clientOrderId,
  };
}

test('accept-then-5xx: the order went through; it is found by clientOid and adopted, never sent twice', async () => {
  const run = await entryWith('bgaccept5xx', { kind: 'accept-then-5xx' });

  expect(orderPosts(run.log)).toEqual([expect.objectContaining({ status: 500 })]);
  expect(run.onExchange).toEqual([
    expect.objectContaining({ clientOid: run.clientOrderId, state: 'filled', baseVolume: '0.0166' }),
  ]);
  expect(run.log.some((r) => r.method === 'GET' && r.path === '/api/v2/mix/order/detail' && r.status === 200)).toBe(
    true,
  );
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.0166', exchangeOrderId: run.onExchange[0]?.orderId });
  expect(run.events).toContain('order.adopted');
  expect(run.position).toMatchObject({ side: 'long', quantity: '0.0166' });
  expect(s.fake.position(run.apiKey, BTC).total).toBe('0.0166');
  // and the position got its stop
  expect(s.fake.planOrders(run.apiKey)).toEqual([
    expect.objectContaining({ planType: 'pos_loss', triggerPrice: '58800', planStatus: 'not_trigger' }),
  ]);
});

test('a timeout after the exchange accepted: the look-up finds the order; one order, one position', async () => {
  const run = await entryWith('bgtimeoutaccept', { kind: 'timeout', accept: true, delayMs: 2_000 });

  expect(orderPosts(run.log)).toHaveLength(1);
  expect(run.onExchange).toHaveLength(1);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.0166' });
  expect(s.fake.position(run.apiKey, BTC).total).toBe('0.0166');
});

test('a 5xx that processed nothing: confirmed absent (40109) by look-up, resent once with the same clientOid', async () => {
  const run = await entryWith('bgreject5xx', { kind: 'reject-5xx' });

  expect(orderPosts(run.log).map((r) => r.status)).toEqual([503, 200]);
  expect(run.log.some((r) => r.method === 'GET' && r.path === '/api/v2/mix/order/detail' && r.status === 400)).toBe(
    true,
  );
  expect(run.onExchange).toEqual([expect.objectContaining({ clientOid: run.clientOrderId, state: 'filled' })]);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.0166' });
  expect(s.fake.position(run.apiKey, BTC).total).toBe('0.0166');
});

test('a partial fill books the filled coins and sizes the stop to them (pos_loss covers the whole position)', async () => {
  const run = await entryWith('bgpartial', { kind: 'partial-fill', fraction: 0.5 });

  // 0.0166 asked, half (0.0083) filled, the rest canceled
  expect(run.onExchange).toEqual([
    expect.objectContaining({ size: '0.0166', baseVolume: '0.0083', state: 'canceled' }),
  ]);
  expect(run.position).toMatchObject({ side: 'long', quantity: '0.0083' });
  expect(s.fake.planOrders(run.apiKey)).toEqual([
    expect.objectContaining({ planType: 'pos_loss', triggerPrice: '58800', size: '' }),
  ]);
  // the stop closes what filled, no more
  s.fake.setPrice(BTC, '58800');
  expect(s.fake.position(run.apiKey, BTC).total).toBe('0');
  expect(s.fake.orders(run.apiKey).at(-1)).toMatchObject({ size: '0.0083', state: 'filled', reduceOnly: true });
});

test('a 429 on placement (refused, not processed): sent again under the same clientOid, one order, one delivery', async () => {
  const run = await entryWith('bgratelimit', { kind: 'rate-limit' });

  expect(orderPosts(run.log).map((r) => r.status)).toEqual([429, 200]);
  expect(run.deliveries).toBe(1);
  expect(run.onExchange).toEqual([
    expect.objectContaining({ clientOid: run.clientOrderId, state: 'filled', baseVolume: '0.0166' }),
  ]);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.0166' });
});
