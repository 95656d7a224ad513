// `exchange smoke` against the fake Binance through ccxt: every step passes on a healthy exchange,
// nothing is left open, and a step that fails (here: the stop refused) is reported while the
// orders already placed are still cancelled.
import { startFakeBinance, type FakeBinance } from '../../../bin/local/fake-binance';
import { CcxtExchangeAdapter } from '../../../shared/adapters/exchange/ccxt-exchange';
import { runSmokeCheck } from '../../../shared/adapters/exchange/smoke-check';

const KEY = { apiKey: 'smoke-key', secret: 'smoke-secret', usdt: 1_000 };
let fake: FakeBinance;

beforeAll(async () => {
  fake = await startFakeBinance({ accounts: [KEY] });
});
afterAll(() => fake.close());

const adapter = () =>
  new CcxtExchangeAdapter({
    id: 'binanceusdm',
    credentials: KEY,
    testnet: false,
    marginMode: 'isolated',
    apiUrl: fake.url,
    clock: { now: () => Date.now() },
  });
const open = () => [
  ...fake.orders(KEY.apiKey).filter((o) => o.status === 'NEW'),
  ...fake.algoOrders(KEY.apiKey).filter((a) => a.algoStatus === 'NEW'),
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
  expect(open()).toEqual([]);
}, 60_000);

test('a refused stop is a failed step; the limit placed before it is still cancelled', async () => {
  fake.fault({
    kind: 'error',
    code: -2021,
    msg: 'Order would immediately trigger.',
    match: { method: 'POST', path: '/fapi/v1/algoOrder' },
  });

  const steps = await runSmokeCheck(adapter(), { symbol: 'BTC/USDT:USDT', runId: 'd4e5f6', now: () => Date.now() });

  expect(steps.find((s) => s.step === 'place far stop')).toMatchObject({ ok: false });
  expect(steps.find((s) => s.step === 'cancel smkd4e5f6l')).toMatchObject({ ok: true });
  expect(open()).toEqual([]);
}, 60_000);
