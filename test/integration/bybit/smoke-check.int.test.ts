// `exchange smoke` against the fake Bybit through the real adapter and ccxt's bybit: every step
// passes on a healthy exchange and nothing is left open; a refused stop is a failed step and the
// limit placed before it is still cancelled.
import { startFakeBybit, type FakeBybit } from '../../../bin/local/fake-bybit';
import { CcxtExchangeAdapter } from '../../../shared/adapters/exchange/ccxt-exchange';
import { runSmokeCheck } from '../../../shared/adapters/exchange/smoke-check';

const KEY = { apiKey: 'bybit-smoke-key', secret: 'bybit-smoke-secret', usdt: 1_000 };
let fake: FakeBybit;

beforeAll(async () => {
  fake = await startFakeBybit({ accounts: [KEY] });
});
afterAll(() => fake.close());

const adapter = () =>
  new CcxtExchangeAdapter({
    id: 'bybit',
    credentials: { apiKey: KEY.apiKey, secret: KEY.secret },
    testnet: false,
    marginMode: 'cross',
    apiUrl: fake.url,
    clock: { now: () => Date.now() },
  });
const working = () =>
  fake
    .orders(KEY.apiKey)
    .filter((o) => o.orderStatus === 'New' || o.orderStatus === 'PartiallyFilled' || o.orderStatus === 'Untriggered');

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
  // both reached the fake's book (a resting limit and a conditional buy that rises to its trigger) and were cancelled there
  expect(
    fake
      .orders(KEY.apiKey)
      .map((o) => [o.orderLinkId, o.orderType, o.stopOrderType, o.triggerDirection, o.orderStatus]),
  ).toEqual([
    ['smka1b2c3l', 'Limit', '', 0, 'Cancelled'],
    ['smka1b2c3s', 'Market', 'Stop', 1, 'Deactivated'],
  ]);
  expect(working()).toEqual([]);
}, 60_000);

test('a refused stop is a failed step; the limit placed before it is still cancelled', async () => {
  const a = adapter();
  const place = a.createOrder.bind(a);
  // plain and conditional orders share POST /v5/order/create: the refusal is armed as the stop is sent,
  // and the fake answers it (Bybit's 110092, a rising trigger already reached)
  a.createOrder = (request) => {
    if (request.type === 'stop_market')
      fake.fault({
        kind: 'error',
        retCode: 110092,
        retMsg: 'expect Rising, but trigger_price[120000] <= current[60000]',
        match: { method: 'POST', path: '/v5/order/create' },
      });
    return place(request);
  };

  const steps = await runSmokeCheck(a, { symbol: 'BTC/USDT:USDT', runId: 'd4e5f6', now: () => Date.now() });

  expect(steps.find((s) => s.step === 'place far stop')).toMatchObject({ ok: false });
  expect(steps.find((s) => s.step === 'cancel smkd4e5f6l')).toMatchObject({ ok: true });
  expect(
    fake
      .orders(KEY.apiKey)
      .filter((o) => o.orderLinkId.startsWith('smkd4e5f6'))
      .map((o) => [o.orderLinkId, o.orderStatus]),
  ).toEqual([['smkd4e5f6l', 'Cancelled']]);
  expect(working()).toEqual([]);
}, 60_000);
