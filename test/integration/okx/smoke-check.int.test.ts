// `exchange smoke` against the fake OKX through the real adapter and ccxt's okx: every step passes
// on a healthy exchange and nothing is left open; a refused stop is a failed step and the limit
// placed before it is still cancelled.
import { startFakeOkx, type FakeOkx } from '../../../bin/local/fake-okx';
import { CcxtExchangeAdapter } from '../../../shared/adapters/exchange/ccxt-exchange';
import { runSmokeCheck } from '../../../shared/adapters/exchange/smoke-check';

const KEY = { apiKey: 'okx-smoke-key', secret: 'okx-smoke-secret', passphrase: 'okx-smoke-pass', usdt: 1_000 };
let fake: FakeOkx;

beforeAll(async () => {
  fake = await startFakeOkx({ accounts: [KEY] });
});
afterAll(() => fake.close());

const adapter = () =>
  new CcxtExchangeAdapter({
    id: 'okx',
    credentials: { apiKey: KEY.apiKey, secret: KEY.secret, password: KEY.passphrase },
    testnet: false,
    marginMode: 'isolated',
    apiUrl: fake.url,
    clock: { now: () => Date.now() },
  });
const open = () => [
  ...fake.orders(KEY.apiKey).filter((o) => o.state === 'live' || o.state === 'partially_filled'),
  ...fake.algoOrders(KEY.apiKey).filter((a) => a.state === 'live'),
];

test('a healthy exchange: every step passes and nothing is left open', async () => {
  const steps = await runSmokeCheck(adapter(), { symbol: 'BTC/USDT:USDT', runId: 'a1b2c3', now: () => Date.now() });

  expect(steps.filter((s) => !s.ok)).toEqual([]);
  expect(steps.map((s) => s.step)).toEqual([
    'load market',
    'read price',
    'place far limit buy',
    'place far stop',
    'look up smka1b2c3l by client id',
    'look up smka1b2c3s by client id',
    'list open orders',
    'cancel smka1b2c3l',
    'smka1b2c3l is gone',
    'cancel smka1b2c3s',
    'smka1b2c3s is gone',
    'read fills',
    'position mode',
    'position and leverage',
  ]);
  // both orders reached the fake's books (a limit and a conditional algo) and were cancelled there
  expect(fake.orders(KEY.apiKey).map((o) => [o.clOrdId, o.ordType, o.state])).toEqual([
    ['smka1b2c3l', 'limit', 'canceled'],
  ]);
  expect(fake.algoOrders(KEY.apiKey).map((a) => [a.algoClOrdId, a.ordType, a.state])).toEqual([
    ['smka1b2c3s', 'conditional', 'canceled'],
  ]);
  expect(open()).toEqual([]);
}, 60_000);

test('a refused stop is a failed step; the limit placed before it is still cancelled', async () => {
  fake.fault({
    kind: 'error',
    code: '51000',
    msg: 'Parameter slTriggerPx error',
    match: { method: 'POST', path: '/api/v5/trade/order-algo' },
  });

  const steps = await runSmokeCheck(adapter(), { symbol: 'BTC/USDT:USDT', runId: 'd4e5f6', now: () => Date.now() });

  expect(steps.find((s) => s.step === 'place far stop')).toMatchObject({ ok: false });
  expect(steps.find((s) => s.step === 'cancel smkd4e5f6l')).toMatchObject({ ok: true });
  expect(open()).toEqual([]);
}, 60_000);
