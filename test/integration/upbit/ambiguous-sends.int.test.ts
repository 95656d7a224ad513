// Exactly-once placement on the fake Upbit when the answer is lost or refused (case 11,
// docs/FAILURE_CASES.md), through the real executor and ccxt's upbit: accept-then-5xx and a timeout
// that was accepted are looked up by `identifier` (GET /v1/order?identifier=…) and adopted; a 5xx
// that processed nothing is not found by identifier (order_not_found), cannot be proven absent from
// the fills (Upbit lists none), so it is failed with an alert, never resent; a partial fill books
// what filled. The 5xx are a gateway's (no Upbit body: Upbit documents none).
import type { FakeUpbitFault, FakeUpbitFaultKind } from '../../../bin/local/fake-upbit';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { sid, signalFor } from '../live/helpers';
import {
  deliverLikeSqs,
  KRW_BTC,
  orderPosts,
  requestsSince,
  START_PRICE,
  startUpbitSuite,
  UPBIT_BTC,
  type UpbitSuite,
} from './helpers';

jest.setTimeout(40_000);

let s: UpbitSuite;
beforeAll(async () => {
  // a hang of 2 s must outlast the exchange timeout: 800 ms here, not the suites' load-sized default
  s = await startUpbitSuite({ EXCHANGE_TIMEOUT_MS: '800' });
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.clearFaults();
  s.fake.setPrice(KRW_BTC, START_PRICE);
});

const ORDERS = { method: 'POST', path: '/v1/orders' };

async function entryWith(name: string, fault: FakeUpbitFaultKind) {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid(name), { symbol: UPBIT_BTC });
  const scripted: FakeUpbitFault = { ...fault, match: ORDERS };
  s.fake.fault(scripted);
  const log = requestsSince(s.fake);
  await deliverLikeSqs(s.h, signal);
  const clientOrderId = clientOrderIdFor(signal.signalId, 'open');
  return {
    log: log(),
    apiKey,
    onExchange: s.fake.orders(apiKey),
    record: await s.h.runtime.repos.orders.get(accountId, clientOrderId),
    position: await s.h.runtime.repos.positions.get(accountId, UPBIT_BTC.unified),
    events: (await s.h.runtime.repos.audit.listByAccount(accountId)).map((e) => e.type),
    clientOrderId,
  };
}

const lookups = (log: { method: string; path: string; status: number }[]) =>
  log.filter((r) => r.method === 'GET' && r.path === '/v1/order').map((r) => r.status);

test('accept-then-5xx: the order went through; it is found by identifier and adopted, never sent twice', async () => {
  const run = await entryWith('upbitaccept5xx', { kind: 'accept-then-5xx' });

  expect(orderPosts(run.log)).toEqual([expect.objectContaining({ status: 502 })]);
  expect(run.onExchange).toEqual([
    expect.objectContaining({ identifier: run.clientOrderId, state: 'done', executedVolume: '0.01' }),
  ]);
  expect(lookups(run.log)).toContain(200);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.01', exchangeOrderId: run.onExchange[0]?.uuid });
  expect(run.events).toContain('order.adopted');
  expect(run.position).toMatchObject({ side: 'long', quantity: '0.01', entryPrice: '100000000' });
  expect(s.fake.balance(run.apiKey, 'BTC').balance).toBe('0.01');
});

test('a timeout after the exchange accepted: the look-up finds the order; one order, one holding', async () => {
  const run = await entryWith('upbittimeoutaccept', { kind: 'timeout', accept: true, delayMs: 2_000 });

  expect(orderPosts(run.log)).toHaveLength(1);
  expect(run.onExchange).toHaveLength(1);
  expect(run.record).toMatchObject({ status: 'filled', filled: '0.01' });
  expect(s.fake.balance(run.apiKey, 'BTC').balance).toBe('0.01');
});

// Upbit lists fills only inside orders (TRADES_UNSUPPORTED), so the sender cannot prove the order
// absent from the account's fills: it does not send again, fails the order and alerts once. No
// duplicate is possible; the entry is lost and the owner is told (see the report: Upbit's
// identifier is never reusable, so a resend under it could not have doubled the order).
test('a 5xx that processed nothing: order_not_found by identifier, not proven absent by fills, so not sent again; failed and alerted', async () => {
  const run = await entryWith('upbitreject5xx', { kind: 'reject-5xx' });

  expect(orderPosts(run.log).map((r) => r.status)).toEqual([503]);
  expect(lookups(run.log).length).toBeGreaterThan(0);
  expect(lookups(run.log).every((status) => status === 404)).toBe(true);
  expect(run.onExchange).toEqual([]);
  expect(run.record).toMatchObject({ status: 'rejected', error: expect.stringContaining('not proven absent') });
  expect(run.events.filter((e) => e === 'alert')).toHaveLength(1);
  expect(run.position).toBeUndefined();
  expect(s.fake.balance(run.apiKey, 'KRW')).toEqual({ balance: '10000000', locked: '0', avgBuyPrice: '0' });
});

test('a partial fill books the filled part; the rest of the KRW comes back', async () => {
  const run = await entryWith('upbitpartial', { kind: 'partial-fill', fraction: 0.5 });

  // 1 000 000 KRW asked, half spent (0.005 BTC), the order cancelled with the rest unlocked
  expect(run.onExchange).toEqual([
    expect.objectContaining({ price: '1000000', executedVolume: '0.005', state: 'cancel', locked: '0' }),
  ]);
  expect(s.fake.balance(run.apiKey, 'KRW')).toMatchObject({ balance: String(10_000_000 - 500_000 - 250), locked: '0' });
  expect(run.position).toMatchObject({ side: 'long', quantity: '0.005' });
});
