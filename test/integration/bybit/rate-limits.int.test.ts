// Bybit throttling from the fake through the real executor and ccxt's bybit: Bybit answers retCode
// 10006 "Too many visits" in the JSON body with its X-Bapi-Limit-* headers (docs v5 "Rate Limit
// Rules"); the adapter waits it out within the suite's budget (MAX_RETRY_AFTER_MS 1 500) and sends
// the same order, with the same orderLinkId, once.
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { recordWaits, sid, signalFor } from '../live/helpers';
import { BYBIT_BTC, deliverLikeSqs, orderPosts, requestsSince, startBybitSuite, type BybitSuite } from './helpers';

jest.setTimeout(40_000);

let s: BybitSuite;
beforeAll(async () => {
  s = await startBybitSuite();
});
afterAll(() => s.close());
afterEach(() => s.fake.clearFaults());

test('a 10006 on the order is waited out and the same order goes through once', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('bybitratelimit'), { symbol: BYBIT_BTC });
  s.fake.fault({ kind: 'rate-limit', match: { method: 'POST', path: '/v5/order/create' } });
  const log = requestsSince(s.fake);
  const { sleep, waits } = recordWaits(() => orderPosts(log()).length);

  await deliverLikeSqs(s.h, signal, { sleep });

  // both answered HTTP 200: the refusal is in the body
  expect(orderPosts(log()).map((r) => r.status)).toEqual([200, 200]);
  // one second (the adapter's assumption without a Retry-After) waited between the two posts
  expect(waits).toEqual([{ ms: 1000, ordersPosted: 1 }]);
  expect(s.fake.orders(apiKey)).toEqual([
    expect.objectContaining({ orderLinkId: clientOrderIdFor(signal.signalId, 'open'), orderStatus: 'Filled' }),
  ]);
  expect(await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId)).toMatchObject({ status: 'executed' });
});
