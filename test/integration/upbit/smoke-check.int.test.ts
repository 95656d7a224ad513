// `exchange smoke`'s steps (runSmokeCheck) against the fake Upbit through the real adapter and ccxt's
// upbit. The CLI refuses Upbit (no testnet: the check would place real orders); the steps are run
// here on the fake directly: a far limit buy is placed, found by identifier, listed, cancelled and
// confirmed gone; the stop step is skipped (Upbit rests no stop orders); nothing is left open.
import { startFakeUpbit, type FakeUpbit } from '../../../bin/local/fake-upbit';
import { CcxtExchangeAdapter } from '../../../shared/adapters/exchange/ccxt-exchange';
import { runSmokeCheck } from '../../../shared/adapters/exchange/smoke-check';

const KEY = { apiKey: 'upbit-smoke-key', secret: 'upbit-smoke-secret', krw: 1_000_000 };
let fake: FakeUpbit;

beforeAll(async () => {
  fake = await startFakeUpbit({ accounts: [KEY] });
});
afterAll(() => fake.close());

const adapter = () =>
  new CcxtExchangeAdapter({
    id: 'upbit',
    credentials: { apiKey: KEY.apiKey, secret: KEY.secret },
    testnet: false,
    marginMode: 'isolated',
    apiUrl: fake.url,
    clock: { now: () => Date.now() },
  });
const open = () => fake.orders(KEY.apiKey).filter((o) => o.state === 'wait');

const STEPS = [
  'load market',
  'read price',
  'place far limit buy',
  'place far stop',
  'look up smka1b2c3l by client id',
  'list open orders',
  'cancel smka1b2c3l',
  'smka1b2c3l is gone',
  'read fills',
];

test('every order step passes on the fake and nothing is left open; the stop step is skipped', async () => {
  const steps = await runSmokeCheck(adapter(), { symbol: 'BTC/KRW', runId: 'a1b2c3', now: () => Date.now() });

  expect(steps.map((s) => s.step)).toEqual(STEPS);
  expect(steps.find((s) => s.step === 'place far stop')).toMatchObject({
    ok: true,
    detail: expect.stringContaining('rests no stop orders: skipped'),
  });
  // 'read fills' is the failing test below
  expect(steps.filter((s) => !s.ok && s.step !== 'read fills')).toEqual([]);
  // the limit reached the fake's book under our identifier, at half the price, and was cancelled there
  expect(fake.orders(KEY.apiKey).map((o) => [o.identifier, o.ordType, o.price, o.state])).toEqual([
    ['smka1b2c3l', 'limit', '50000000', 'cancel'],
  ]);
  expect(open()).toEqual([]);
  expect(fake.balance(KEY.apiKey, 'KRW')).toEqual({ balance: '1000000', locked: '0', avgBuyPrice: '0' });
}, 60_000);

// Found by this fake (fixed): the "read fills" step calls fetchMyTrades, which the adapter refuses for Upbit
// (Upbit lists fills only inside orders), so the smoke check can never pass on Upbit. The fix, in
// shared/adapters/exchange/smoke-check.ts: a TRADES_UNSUPPORTED refusal is a skipped step (as the
// stop step is on an exchange without conditional orders), not a failure.
test('every step passes', async () => {
  const steps = await runSmokeCheck(adapter(), { symbol: 'BTC/KRW', runId: 'b2c3d4', now: () => Date.now() });
  expect(steps.filter((s) => !s.ok)).toEqual([]);
}, 60_000);

test('a refused limit (insufficient funds) is a failed step; nothing is left open', async () => {
  fake.fault({
    kind: 'error',
    name: 'insufficient_funds_bid',
    message: '주문가능한 금액(KRW)이 부족합니다.',
    match: { method: 'POST', path: '/v1/orders' },
  });

  const steps = await runSmokeCheck(adapter(), { symbol: 'BTC/KRW', runId: 'd4e5f6', now: () => Date.now() });

  expect(steps.find((s) => s.step === 'place far limit buy')).toMatchObject({
    ok: false,
    detail: expect.stringContaining('insufficient_funds_bid'),
  });
  expect(fake.orders(KEY.apiKey).filter((o) => o.identifier.startsWith('smkd4e5f6'))).toEqual([]);
  expect(open()).toEqual([]);
}, 60_000);
