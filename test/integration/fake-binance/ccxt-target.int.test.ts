// pointCcxtAt: every API root of the instance moves under the fake with its path kept, and
// Binance's per-market error table still applies although the host is loopback.
import type { FakeBinance } from '../../../bin/local/fake-binance';
import { BTC, ccxt, client, KEY, rejectionOf, SECRET, startFake } from './helpers';

let fake: FakeBinance;

beforeEach(async () => {
  fake = await startFake();
});
afterEach(() => fake.close());

test('every API root keeps its path under the fake base URL', () => {
  const api = client(fake).urls.api as Record<string, string>;

  expect(api).toMatchObject({
    fapiPublic: `${fake.url}/fapi/v1`,
    fapiPublicV2: `${fake.url}/fapi/v2`,
    fapiPublicV3: `${fake.url}/fapi/v3`,
    fapiPrivate: `${fake.url}/fapi/v1`,
    fapiPrivateV2: `${fake.url}/fapi/v2`,
    fapiPrivateV3: `${fake.url}/fapi/v3`,
    fapiData: `${fake.url}/futures/data`,
    sapi: `${fake.url}/sapi/v1`,
  });
  expect(Object.values(api).every((u) => u.startsWith(fake.url))).toBe(true);
});

test('linear-only error codes keep their classes; with the URLs alone they would be bare ExchangeErrors', async () => {
  const pointed = client(fake);
  await pointed.loadMarkets();
  const urlsOnly = new ccxt.binanceusdm({ apiKey: KEY, secret: SECRET, enableRateLimit: false });
  const api = urlsOnly.urls.api as Record<string, string>;
  for (const key of Object.keys(api)) api[key] = fake.url + new URL(api[key]!).pathname;
  await urlsOnly.loadMarkets();

  fake.fault({
    match: { path: '/fapi/v1/order' },
    kind: 'error',
    code: -2019,
    msg: 'Margin is insufficient.',
    times: 2,
  });

  expect(await rejectionOf(pointed.createOrder(BTC, 'market', 'buy', 0.01))).toBeInstanceOf(ccxt.InsufficientFunds);
  const bare = await rejectionOf(urlsOnly.createOrder(BTC, 'market', 'buy', 0.01));
  expect(bare).toBeInstanceOf(ccxt.ExchangeError);
  expect(bare).not.toBeInstanceOf(ccxt.InsufficientFunds);
});
