// `exchange smoke` against the fake Bitget through the real adapter and ccxt's bitget: nothing is
// left open, and a refused stop is a failed step with the limit placed before it still cancelled.
//
// Found by this fake: the smoke check's far stop is a stop_market BUY, not reduce-only, on a flat
// account. The Bitget dialect sends every stop as a position TP/SL (place-tpsl-order, planType
// pos_loss, holdSide = the position it protects), and a position TP/SL needs that position: the fake
// refuses it with 22002 "No position to close" (Bitget's error list). That refusal is the fake's
// reading of Place-Tpsl-Order ("holdSide: position direction"); no captured answer shows Bitget's
// own. Pinned below with test.failing; the healthy run otherwise passes every step.
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
const open = () => [...fake.orders(KEY.apiKey).filter((o) => o.state === 'live' || o.state === 'partially_filled'), ...fake.planOrders(KEY.apiKey).filter((p) => p.planStatus === 'not_trigger')];

test.failing('a healthy exchange: every step passes and nothing is left open', async () => {
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
  // both orders reached the fake's books (a limit and a conditional plan) and were cancelled there
  expect(fake.orders(KEY.apiKey).map((o) => [o.clientOid, o.orderType, o.state])).toEqual([['smka1b2c3l', 'limit', 'canceled']]);
  expect(fake.planOrders(KEY.apiKey).map((p) => [p.clientOid, p.planType, p.planStatus])).toEqual([['smka1b2c3s', expect.any(String), 'cancelled']]);
  expect(open()).toEqual([]);
}, 60_000);

test('a healthy exchange: every step but the far stop (a position TP/SL with no position) passes; the limit is placed, found, listed, cancelled, gone; nothing is left open', async () => {
  const steps = await runSmokeCheck(adapter(), { symbol: 'BTC/USDT:USDT', runId: 'g7h8i9', now: () => Date.now() });

  expect(steps.filter((s) => !s.ok)).toEqual([{ step: 'place far stop', ok: false, detail: expect.stringContaining('22002') }]);
  expect(steps.map((s) => s.step)).toEqual([
    'load market',
    'read price',
    'place far limit buy',
    'place far stop',
    'look up smkg7h8i9l by client id',
    'list open orders',
    'cancel smkg7h8i9l',
    'smkg7h8i9l is gone',
    'read fills',
    'position mode',
    'position and leverage',
  ]);
  expect(fake.orders(KEY.apiKey).filter((o) => o.clientOid === 'smkg7h8i9l').map((o) => [o.orderType, o.state])).toEqual([['limit', 'canceled']]);
  expect(fake.planOrders(KEY.apiKey).filter((p) => p.clientOid === 'smkg7h8i9s')).toEqual([]);
  expect(open()).toEqual([]);
}, 60_000);

test('a refused stop is a failed step; the limit placed before it is still cancelled', async () => {
  fake.fault({ kind: 'error', code: '40020', msg: 'Parameter triggerPrice error', match: { method: 'POST', path: '/api/v2/mix/order/place-plan-order' } });
  fake.fault({ kind: 'error', code: '40020', msg: 'Parameter triggerPrice error', match: { method: 'POST', path: '/api/v2/mix/order/place-tpsl-order' } });

  const steps = await runSmokeCheck(adapter(), { symbol: 'BTC/USDT:USDT', runId: 'd4e5f6', now: () => Date.now() });

  expect(steps.find((s) => s.step === 'place far stop')).toMatchObject({ ok: false });
  expect(steps.find((s) => s.step === 'cancel smkd4e5f6l')).toMatchObject({ ok: true });
  expect(open()).toEqual([]);
}, 60_000);
