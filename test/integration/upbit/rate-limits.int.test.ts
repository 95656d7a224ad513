// Upbit throttling from the fake through the real executor and ccxt's upbit: the fake answers HTTP
// 429 with {error: {name: "too_many_requests"}} and a Remaining-Req header, no Retry-After; the
// adapter assumes one second, which fits the suite's budget (MAX_RETRY_AFTER_MS 1 500), waits it out
// and sends the same order, under the same identifier, once.
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { recordWaits, sid, signalFor } from '../live/helpers';
import { deliverLikeSqs, orderPosts, requestsSince, startUpbitSuite, UPBIT_BTC, type UpbitSuite } from './helpers';

jest.setTimeout(40_000);

let s: UpbitSuite;
beforeAll(async () => {
  s = await startUpbitSuite();
});
afterAll(() => s.close());
afterEach(() => s.fake.clearFaults());

test('a 429 (too_many_requests) on the order is waited out and the same order goes through once', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('upbitratelimit'), { symbol: UPBIT_BTC });
  s.fake.fault({ kind: 'rate-limit', match: { method: 'POST', path: '/v1/orders' } });
  const log = requestsSince(s.fake);
  const { sleep, waits } = recordWaits(() => orderPosts(log()).length);

  await deliverLikeSqs(s.h, signal, { sleep });

  expect(orderPosts(log()).map((r) => r.status)).toEqual([429, 201]);
  // one second (the adapter's assumption without a Retry-After) waited between the two posts
  expect(waits).toEqual([{ ms: 1000, ordersPosted: 1 }]);
  expect(s.fake.orders(apiKey)).toEqual([
    expect.objectContaining({
      identifier: clientOrderIdFor(signal.signalId, 'open'),
      state: 'done',
      executedVolume: '0.01',
    }),
  ]);
  expect(await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId)).toMatchObject({ status: 'executed' });
});
