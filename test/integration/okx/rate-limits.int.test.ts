// OKX throttling from the fake through the real executor and ccxt's okx: OKX answers HTTP 429 with
// code 50011 and no Retry-After header; the adapter then assumes one second, which fits the suite's
// budget (MAX_RETRY_AFTER_MS 1 500), waits it out and sends the same order, with the same clOrdId, once.
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { recordWaits, sid, signalFor } from '../live/helpers';
import { deliverLikeSqs, OKX_BTC, orderPosts, requestsSince, startOkxSuite, type OkxSuite } from './helpers';

jest.setTimeout(40_000);

let s: OkxSuite;
beforeAll(async () => {
  s = await startOkxSuite();
});
afterAll(() => s.close());
afterEach(() => s.fake.clearFaults());

test('a 429 (50011) on the order is waited out and the same order goes through once', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('okxratelimit'), { symbol: OKX_BTC });
  s.fake.fault({ kind: 'rate-limit', match: { method: 'POST', path: '/api/v5/trade/batch-orders' } });
  const log = requestsSince(s.fake);
  const { sleep, waits } = recordWaits(() => orderPosts(log()).length);

  await deliverLikeSqs(s.h, signal, { sleep });

  const posts = orderPosts(log());
  expect(posts.map((r) => r.status)).toEqual([429, 200]);
  // one second (the adapter's assumption without a Retry-After) waited between the two posts
  expect(waits).toEqual([{ ms: 1000, ordersPosted: 1 }]);
  expect(s.fake.orders(apiKey)).toEqual([
    expect.objectContaining({ clOrdId: clientOrderIdFor(signal.signalId, 'open'), state: 'filled' }),
  ]);
  expect(await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId)).toMatchObject({ status: 'executed' });
});
