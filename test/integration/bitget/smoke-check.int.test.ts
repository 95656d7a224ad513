// `exchange smoke` against the fake Bitget through the real adapter and ccxt's bitget: nothing is
// left open, and a refused stop is a failed step with the limit placed before it still cancelled.
//
// Found by this fake: the smoke check's far stop is a stop_market BUY, not reduce-only, on a flat
// account, and the Bitget dialect sent every stop as a position TP/SL (place-tpsl-order, pos_loss),
// which needs the position it protects (22002 "No position to close"). A stop that is not
// reduce-only is now a trigger order (place-plan-order, planType normal_plan, market), placed,
// found, listed and cancelled under its own plan family; protective stops stay pos_loss.
import { startFakeBitget, type FakeBitget } from '../../../bin/local/fake-bitget';
import { CcxtExchangeAdapter } from '../../../shared/adapters/exchange/ccxt-exchange';
import { runSmokeCheck } from '../../../shared/adapters/exchange/smoke-check';

const KEY = { apiKey: 'bg-smoke-key', secret: 'bg-smoke-secret', passphrase: 'bg-smoke-pass', usdt: 1_000 };
let fake: FakeBitget;

beforeAll(async () => {
  fake = await startFakeBitget({ accounts: [KEY] });
});
afterAll(() => fake.close());

const adapter = () =>
  new CcxtExchangeAdapter({
    id: 'bitget',
    credentials: { apiKey: KEY.apiKey, secret: KEY.secret, password: KEY.passphrase },
    testnet: false,
    marginMode: 'isolated',
    apiUrl: fake.url,
    clock: { now: () => Date.now() },
  });
const open = () => [
  ...fake.orders(KEY.apiKey).filter((o) => o.state === 'live' || o.state === 'partially_filled'),
  ...fake.planOrders(KEY.apiKey).filter((p) => p.planStatus === 'not_trigger'),
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
  // both orders reached the fake's books (a limit and a trigger order) and were cancelled there
  expect(fake.orders(KEY.apiKey).map((o) => [o.clientOid, o.orderType, o.state])).toEqual([
    ['smka1b2c3l', 'limit', 'canceled'],
  ]);
  expect(fake.planOrders(KEY.apiKey).map((p) => [p.clientOid, p.planType, p.side, p.reduceOnly, p.planStatus])).toEqual(
    [['smka1b2c3s', 'normal_plan', 'buy', false, 'cancelled']],
  );
  expect(open()).toEqual([]);
}, 60_000);

test('a protective stop (reduce-only) on the flat account is still a position TP/SL: refused with 22002, never sent as a trigger order', async () => {
  const before = fake.planOrders(KEY.apiKey).length;

  await expect(
    adapter().createOrder({
      symbol: 'BTC/USDT:USDT',
      side: 'sell',
      type: 'stop_market',
      triggerPrice: '50000',
      amount: '0.001',
      reduceOnly: true,
      clientOrderId: 'protflat1',
    }),
  ).rejects.toThrow(/22002/);

  expect(
    fake
      .requests()
      .filter((r) => r.method === 'POST' && r.path.startsWith('/api/v2/mix/order/place-'))
      .at(-1)?.path,
  ).toBe('/api/v2/mix/order/place-tpsl-order');
  expect(fake.planOrders(KEY.apiKey)).toHaveLength(before);
}, 60_000);

test('a refused stop is a failed step; the limit placed before it is still cancelled', async () => {
  // the far stop is a trigger order: place-plan-order refuses it
  fake.fault({
    kind: 'error',
    code: '40020',
    msg: 'Parameter triggerPrice error',
    match: { method: 'POST', path: '/api/v2/mix/order/place-plan-order' },
  });

  const steps = await runSmokeCheck(adapter(), { symbol: 'BTC/USDT:USDT', runId: 'd4e5f6', now: () => Date.now() });

  expect(steps.find((s) => s.step === 'place far stop')).toMatchObject({ ok: false });
  expect(steps.find((s) => s.step === 'cancel smkd4e5f6l')).toMatchObject({ ok: true });
  expect(open()).toEqual([]);
}, 60_000);
