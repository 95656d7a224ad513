// Look-up and cancel by client id on the fake Bitget through the real adapter and ccxt's bitget: a
// resting limit by clientOid (cancel-order), then "absent" (40109) and a second cancel that finds it
// gone (43001) without an error; a stop (pos_loss) and a target (profit_plan) by clientOid on the
// plan endpoints with their planType; a fired stop looked up as the order it became.
import { startFakeBitget, type FakeBitget } from '../../../bin/local/fake-bitget';
import { CcxtExchangeAdapter } from '../../../shared/adapters/exchange/ccxt-exchange';

jest.setTimeout(30_000);

const KEY = { apiKey: 'bg-cancel-key', secret: 'bg-cancel-secret', passphrase: 'bg-cancel-pass', usdt: 10_000 };
const SYMBOL = 'BTC/USDT:USDT';
let fake: FakeBitget;

beforeAll(async () => {
  fake = await startFakeBitget({ accounts: [KEY], prices: { BTCUSDT: '60000' } });
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
const CONDITIONAL = { conditional: true };

test('a resting limit: found open by clientOid, cancelled, then absent; a second cancel is "already gone"', async () => {
  const ex = adapter();
  await ex.createOrder({
    symbol: SYMBOL,
    side: 'buy',
    type: 'limit',
    price: '50000',
    timeInForce: 'GTC',
    amount: '0.01',
    reduceOnly: false,
    clientOrderId: 'cxlimit1',
  });
  expect(await ex.fetchOrderByClientId(SYMBOL, 'cxlimit1')).toMatchObject({
    clientOrderId: 'cxlimit1',
    status: 'open',
    filled: '0',
  });

  await ex.cancelOrder(SYMBOL, 'cxlimit1');
  expect(fake.orders(KEY.apiKey).find((o) => o.clientOid === 'cxlimit1')?.state).toBe('canceled');
  expect(await ex.fetchOrderByClientId(SYMBOL, 'cxlimit1')).toMatchObject({ status: 'canceled' });
  expect(await ex.fetchOrderByClientId(SYMBOL, 'cxnosuch')).toBeUndefined();
  // cancel-order answers 43001 for what is no longer pending: already gone, not an error
  await expect(ex.cancelOrder(SYMBOL, 'cxlimit1')).resolves.toBeUndefined();
  expect(
    fake
      .requests()
      .filter((r) => r.path === '/api/v2/mix/order/cancel-order')
      .map((r) => r.status),
  ).toEqual([200, 400]);
});

test('a stop and a target by clientOid: pending, cancelled with their planType, then absent', async () => {
  const ex = adapter();
  await ex.createOrder({
    symbol: SYMBOL,
    side: 'buy',
    type: 'market',
    amount: '0.02',
    reduceOnly: false,
    clientOrderId: 'cxentry1',
  });
  await ex.createOrder({
    symbol: SYMBOL,
    side: 'sell',
    type: 'stop_market',
    triggerPrice: '58000',
    amount: '0.02',
    reduceOnly: true,
    clientOrderId: 'cxstop1',
  });
  await ex.createOrder({
    symbol: SYMBOL,
    side: 'sell',
    type: 'take_profit_market',
    triggerPrice: '65000',
    amount: '0.01',
    reduceOnly: true,
    clientOrderId: 'cxtp1',
  });
  expect(fake.planOrders(KEY.apiKey).map((p) => `${p.clientOid}:${p.planType}:${p.planStatus}`)).toEqual([
    'cxstop1:pos_loss:not_trigger',
    'cxtp1:profit_plan:not_trigger',
  ]);
  expect(await ex.fetchOrderByClientId(SYMBOL, 'cxtp1', CONDITIONAL)).toMatchObject({
    clientOrderId: 'cxtp1',
    status: 'open',
  });

  await ex.cancelOrder(SYMBOL, 'cxtp1', CONDITIONAL);
  await ex.cancelOrder(SYMBOL, 'cxstop1', CONDITIONAL);
  expect(fake.planOrders(KEY.apiKey).map((p) => p.planStatus)).toEqual(['cancelled', 'cancelled']);
  expect(await ex.fetchOrderByClientId(SYMBOL, 'cxstop1', CONDITIONAL)).toMatchObject({ status: 'canceled' });
  await expect(ex.cancelOrder(SYMBOL, 'cxstop1', CONDITIONAL)).resolves.toBeUndefined();
});

test('a fired stop is looked up as the order it became: closed at the fake price, under our client id', async () => {
  const ex = adapter();
  await ex.createOrder({
    symbol: SYMBOL,
    side: 'sell',
    type: 'stop_market',
    triggerPrice: '57000',
    amount: '0.02',
    reduceOnly: true,
    clientOrderId: 'cxstop2',
  });
  fake.setPrice('BTCUSDT', '56900');
  const fired = await ex.fetchOrderByClientId(SYMBOL, 'cxstop2', CONDITIONAL);
  expect(fired).toMatchObject({
    clientOrderId: 'cxstop2',
    status: 'closed',
    filled: '0.02',
    average: '56900',
    reduceOnly: true,
  });
  expect(fake.position(KEY.apiKey, 'BTCUSDT').total).toBe('0');
});
