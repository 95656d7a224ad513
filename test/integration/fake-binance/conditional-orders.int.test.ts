// Stop-loss, take-profit and trailing stops through ccxt's createOrder params: they go to the algo
// endpoint, rest until setPrice crosses them, then become reduce-only market orders. Siblings are
// not cancelled for you, as on Binance.
import type { FakeBinance } from '../../../bin/local/fake-binance';
import { BTC, ccxt, client, idOf, KEY, rejectionOf, startFake, type Binance } from './helpers';

let fake: FakeBinance;
let ex: Binance;

beforeEach(async () => {
  fake = await startFake();
  ex = client(fake);
  await ex.loadMarkets();
  await ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'it-open' });
});
afterEach(() => fake.close());

const algoPaths = () => fake.requests().filter((r) => r.path === '/fapi/v1/algoOrder');

test('a stop-loss goes to /fapi/v1/algoOrder and closes the position when the price falls through it', async () => {
  const sl = await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
    stopLossPrice: 62000,
    reduceOnly: true,
    clientOrderId: 'it-sl-1',
  });

  expect(algoPaths()).toEqual([expect.objectContaining({ method: 'POST', status: 200 })]);
  expect(sl).toMatchObject({ status: 'open', triggerPrice: 62000, clientOrderId: 'it-sl-1', reduceOnly: true });
  expect((await ex.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })).map((o) => o.id)).toEqual([sl.id]);

  fake.setPrice('BTCUSDT', 62500);
  expect((await ex.fetchOrder(idOf(sl), BTC, { trigger: true })).status).toBe('open');

  fake.setPrice('BTCUSDT', 61900);

  const fired = await ex.fetchOrder('', BTC, { trigger: true, clientOrderId: 'it-sl-1' });
  expect(fired.status).toBe('closed');
  const actualId = (fired.info as { actualOrderId: string }).actualOrderId;
  const market = await ex.fetchOrder(actualId, BTC);
  expect(market).toMatchObject({
    type: 'market',
    status: 'closed',
    filled: 0.01,
    average: 61900,
    reduceOnly: true,
    side: 'sell',
  });
  expect(fake.position(KEY, 'BTCUSDT').amount).toBe(0);
  // realized (61900 − 65000) × 0.01 = −31, fees 0.325 + 0.3095
  expect(fake.walletBalance(KEY)).toBeCloseTo(10_000 - 31 - 0.325 - 0.3095, 8);
});

test('a take-profit fires on a rise; the sibling stop stays open (nothing cancels it) and expires when it fires with nothing to close', async () => {
  const tp = await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
    takeProfitPrice: 67000,
    reduceOnly: true,
    clientOrderId: 'it-tp-1',
  });
  const sl = await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
    stopLossPrice: 62000,
    reduceOnly: true,
    clientOrderId: 'it-sl-2',
  });

  fake.setPrice('BTCUSDT', 67050);

  expect((await ex.fetchOrder(idOf(tp), BTC, { trigger: true })).status).toBe('closed');
  expect(fake.position(KEY, 'BTCUSDT').amount).toBe(0);
  expect((await ex.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })).map((o) => o.clientOrderId)).toEqual([
    'it-sl-2',
  ]);

  fake.setPrice('BTCUSDT', 61000);
  const stale = await ex.fetchOrder(idOf(sl), BTC, { trigger: true });
  expect(stale.status).toBe('expired');
  expect(fake.orders(KEY).filter((o) => o.algoId !== undefined)).toHaveLength(1);
});

test('a trailing stop follows the high and fires after the callback-rate retrace', async () => {
  const trail = await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
    trailingPercent: 1,
    reduceOnly: true,
    clientOrderId: 'it-trail-1',
  });
  expect(trail.status).toBe('open');

  fake.setPrice('BTCUSDT', 70000);
  fake.setPrice('BTCUSDT', 69400); // 0.86 % off the high: holds
  expect((await ex.fetchOrder(idOf(trail), BTC, { trigger: true })).status).toBe('open');

  fake.setPrice('BTCUSDT', 69300); // 1 % off 70000 is 69300: fires

  expect((await ex.fetchOrder(idOf(trail), BTC, { trigger: true })).status).toBe('closed');
  const [triggered] = fake.orders(KEY).filter((o) => o.algoId !== undefined);
  expect(triggered).toMatchObject({
    origType: 'TRAILING_STOP_MARKET',
    executedQty: 0.01,
    avgPrice: 69300,
    reduceOnly: true,
  });
});

test('a stop larger than the position closes only the position', async () => {
  await ex.createOrder(BTC, 'market', 'sell', 0.05, undefined, { stopLossPrice: 64000, reduceOnly: true });

  fake.setPrice('BTCUSDT', 63000);

  const [triggered] = fake.orders(KEY).filter((o) => o.algoId !== undefined);
  expect(triggered).toMatchObject({ origQty: 0.01, executedQty: 0.01, status: 'FILLED' });
  expect(fake.position(KEY, 'BTCUSDT').amount).toBe(0);
});

test('a stop that would trigger at once is refused with -2021 (OrderImmediatelyFillable)', async () => {
  const error = await rejectionOf(
    ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, { stopLossPrice: 66000, reduceOnly: true }),
  );
  expect(error).toBeInstanceOf(ccxt.OrderImmediatelyFillable);
  expect(error.message).toContain('-2021');
});

test('a reduce-only stop on the side that would add to the position is refused with -2022', async () => {
  const error = await rejectionOf(
    ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { stopLossPrice: 66000, reduceOnly: true }),
  );
  expect(error).toBeInstanceOf(ccxt.InvalidOrder);
  expect(error.message).toContain('-2022');
});

test('cancelling a conditional order by id or client id; a second cancel is -2011', async () => {
  const a = await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
    stopLossPrice: 60000,
    reduceOnly: true,
    clientOrderId: 'it-c-1',
  });
  await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
    takeProfitPrice: 70000,
    reduceOnly: true,
    clientOrderId: 'it-c-2',
  });

  expect((await ex.cancelOrder(idOf(a), BTC, { trigger: true })).id).toBe(a.id);
  expect((await ex.cancelOrder('', BTC, { trigger: true, clientOrderId: 'it-c-2' })).clientOrderId).toBe('it-c-2');
  await expect(ex.cancelOrder(idOf(a), BTC, { trigger: true })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  expect(fake.algoOrders(KEY).map((o) => o.algoStatus)).toEqual(['CANCELED', 'CANCELED']);

  fake.setPrice('BTCUSDT', 59000);
  expect(fake.position(KEY, 'BTCUSDT').amount).toBe(0.01);
});

test('a close-position stop closes whatever is open when it fires', async () => {
  await ex.createOrder(BTC, 'market', 'buy', 0.02);
  await ex.createOrder(BTC, 'market', 'sell', undefined as never, undefined, {
    stopLossPrice: 64000,
    closePosition: true,
  });

  fake.setPrice('BTCUSDT', 63500);

  expect(fake.position(KEY, 'BTCUSDT').amount).toBe(0);
  expect(fake.algoOrders(KEY)[0]).toMatchObject({ closePosition: true, algoStatus: 'FINISHED' });
});
