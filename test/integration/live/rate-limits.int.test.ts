// Throttling and bans from the fake Binance through the real executor and unmodified ccxt
// (case 21, docs/FAILURE_CASES.md): a short Retry-After is waited out, a long one returns the message to the
// queue, and a 418 ban halts the account's trading until it ends, with an alert.
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import {
  AFTER_LEASE_MS,
  deliver,
  laterClock,
  liveExecutor,
  orderPosts,
  recordWaits,
  requestsSince,
  sid,
  signalFor,
  startLiveSuite,
  type LiveSuite,
} from './helpers';

jest.setTimeout(30_000);

let s: LiveSuite;
beforeAll(async () => {
  // MAX_RETRY_AFTER_MS is 1,500 in the suite: Retry-After 1 s fits, 30 s does not.
  s = await startLiveSuite();
});
afterAll(() => s.close());
afterEach(() => s.fake.clearFaults());

const ORDER_POST = { method: 'POST', path: '/fapi/v1/order' };

test('case 21: a 429 whose Retry-After fits the budget is waited out, then the same order goes through once', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('ratelimitshort'));
  s.fake.fault({ match: ORDER_POST, kind: 'rate-limit', retryAfterSec: 1 });
  const log = requestsSince(s.fake);
  const { sleep, waits } = recordWaits(() => orderPosts(log()).length);

  const result = await deliver(liveExecutor(s.h, { sleep }), signal);

  expect(result.batchItemFailures).toEqual([]);
  const posts = orderPosts(log());
  expect(posts.map((r) => r.status)).toEqual([429, 200]);
  // the Retry-After (1 s) is waited between the refused post and the accepted one
  expect(waits).toEqual([{ ms: 1000, ordersPosted: 1 }]);
  expect(s.fake.orders(apiKey)).toEqual([
    expect.objectContaining({ clientOrderId: clientOrderIdFor(signal.signalId, 'open'), status: 'FILLED' }),
  ]);
  expect(await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId)).toMatchObject({ status: 'executed' });
});

test('case 21: a 429 with a Retry-After beyond the budget returns the message to the queue with no order; the redelivery sends it once', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('ratelimitlong'));
  s.fake.fault({ match: ORDER_POST, kind: 'rate-limit', retryAfterSec: 30 });
  const log = requestsSince(s.fake);
  const { sleep, waits } = recordWaits(() => orderPosts(log()).length);

  const result = await deliver(liveExecutor(s.h, { sleep }), signal);

  expect(waits).toEqual([]); // not waited in the function
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: signal.signalId }]);
  expect(orderPosts(log()).map((r) => r.status)).toEqual([429]);
  expect(s.fake.orders(apiKey)).toEqual([]);
  const clientOrderId = clientOrderIdFor(signal.signalId, 'open');
  expect(await s.h.runtime.repos.orders.get(accountId, clientOrderId)).toMatchObject({ status: 'intent' });
  expect(await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId)).toMatchObject({ status: 'executing' });

  // the redelivery, after the lease lapsed
  const retry = await deliver(liveExecutor(s.h, { clock: laterClock(s.h, AFTER_LEASE_MS) }), signal, 'redelivery');

  expect(retry.batchItemFailures).toEqual([]);
  expect(orderPosts(log()).map((r) => r.status)).toEqual([429, 200]);
  expect(s.fake.orders(apiKey)).toEqual([expect.objectContaining({ clientOrderId, status: 'FILLED' })]);
});

test('case 21: a 418 ban halts the account until it ends with an alert; the next signal is refused ACCOUNT_HALTED without calling the exchange', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('banned'));
  s.fake.fault({ match: ORDER_POST, kind: 'ban', retryAfterSec: 120 });
  const executor = liveExecutor(s.h);
  const before = Date.now();

  const result = await deliver(executor, signal);

  expect(result.batchItemFailures).toEqual([]);
  expect(s.fake.orders(apiKey)).toEqual([]);
  expect(await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId)).toMatchObject({
    status: 'rejected',
    outcome: expect.stringMatching(/^EXCHANGE_BANNED/),
  });
  const account = await s.h.runtime.repos.accounts.get(accountId);
  // the fake says "banned until <server time + 120 s>"
  expect(account?.haltedUntil).toBeGreaterThanOrEqual(before + 119_000);
  expect(account?.haltedUntil).toBeLessThanOrEqual(Date.now() + 121_000);
  const alerts = (await s.h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === 'alert');
  expect(alerts).toEqual([
    expect.objectContaining({ data: expect.objectContaining({ until: account?.haltedUntil, severity: 'critical' }) }),
  ]);

  const log = requestsSince(s.fake);
  const next = signalFor(accountId, sid('afterban'));
  const refused = await deliver(executor, next);

  expect(refused.batchItemFailures).toEqual([]);
  expect(await s.h.runtime.repos.signals.getSignal(accountId, next.signalId)).toMatchObject({
    status: 'rejected',
    outcome: expect.stringMatching(/^ACCOUNT_HALTED/),
  });
  expect(log()).toEqual([]);
});
