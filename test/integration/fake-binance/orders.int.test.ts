// Plain orders through unmodified ccxt against the fake: markets and their filters, market and
// limit fills with fees, look-up by client order id, and Binance's rejections.
import type { FakeBinance } from '../../../bin/local/fake-binance';
import { BTC, ccxt, client, idOf, KEY, rejectionOf, startFake, type Binance } from './helpers';

let fake: FakeBinance;
let ex: Binance;

beforeEach(async () => {
  fake = await startFake();
  ex = client(fake);
  await ex.loadMarkets();
});
afterEach(() => fake.close());

test('loadMarkets builds precision and limits from the exchangeInfo filters', () => {
  const btc = ex.market(BTC);
  expect(btc).toMatchObject({ id: 'BTCUSDT', swap: true, linear: true, settle: 'USDT', contractSize: 1 });
  expect(btc.precision).toMatchObject({ amount: 0.001, price: 0.1 });
  expect(btc.limits.amount?.min).toBe(0.001);
  expect(btc.limits.cost?.min).toBe(100);
  expect(ex.market('ETH/USDT:USDT').limits.cost?.min).toBe(20);
  expect(ex.market('XRP/USDT:USDT').precision).toMatchObject({ amount: 0.1, price: 0.0001 });
  expect(ex.market('XRP/USDT:USDT').limits.cost?.min).toBe(5);
});

test('a market order with a client order id fills at the price; the fill carries the taker fee', async () => {
  const order = await ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'it-entry-1' });

  expect(order).toMatchObject({
    status: 'closed',
    filled: 0.01,
    average: 65000,
    clientOrderId: 'it-entry-1',
    side: 'buy',
  });
  const trades = await ex.fetchMyTrades(BTC, undefined, undefined, { orderId: order.id });
  expect(trades).toHaveLength(1);
  expect(trades[0]?.fee).toEqual({ currency: 'USDT', cost: 0.325 });
  expect(fake.position(KEY, 'BTCUSDT')).toMatchObject({ amount: 0.01, entryPrice: 65000 });
  expect(fake.walletBalance(KEY)).toBeCloseTo(10_000 - 0.325, 8);
});

test('fetchOrder finds an order by clientOrderId or origClientOrderId', async () => {
  const placed = await ex.createOrder(BTC, 'market', 'sell', 0.002, undefined, { clientOrderId: 'it-find-1' });

  const byClientId = await ex.fetchOrder('', BTC, { clientOrderId: 'it-find-1' });
  const byOrig = await ex.fetchOrder('', BTC, { origClientOrderId: 'it-find-1' });
  expect(byClientId.id).toBe(placed.id);
  expect(byOrig).toMatchObject({ id: placed.id, status: 'closed', filled: 0.002 });
  await expect(ex.fetchOrder('', BTC, { clientOrderId: 'never-sent' })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
});

test('a client order id still open is refused with -4116 (InvalidOrder)', async () => {
  await ex.createOrder(BTC, 'limit', 'buy', 0.01, 60000, { clientOrderId: 'it-dup-1' });

  const error = await rejectionOf(ex.createOrder(BTC, 'limit', 'buy', 0.01, 60000, { clientOrderId: 'it-dup-1' }));
  expect(error).toBeInstanceOf(ccxt.InvalidOrder);
  expect(error.message).toContain('-4116');
  expect(fake.orders(KEY)).toHaveLength(1);
});

test('a client order id outside Binance’s pattern is refused with -1100', async () => {
  const error = await rejectionOf(
    ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'has space' }),
  );
  expect(error).toBeInstanceOf(ccxt.BadRequest);
  expect(error.message).toContain('-1100');
});

test('a resting limit fills as maker when the price crosses it; cancel then fails with -2011', async () => {
  const resting = await ex.createOrder(BTC, 'limit', 'buy', 0.01, 64000, { clientOrderId: 'it-limit-1' });
  const other = await ex.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
  expect(resting.status).toBe('open');
  expect((await ex.fetchOpenOrders(BTC)).map((o) => o.id).sort()).toEqual([resting.id, other.id].sort());

  fake.setPrice('BTCUSDT', 63900);

  const filled = await ex.fetchOrder(idOf(resting), BTC);
  expect(filled).toMatchObject({ status: 'closed', average: 64000, filled: 0.01 });
  const [trade] = await ex.fetchMyTrades(BTC, undefined, undefined, { orderId: resting.id });
  expect(trade).toMatchObject({ takerOrMaker: 'maker', fee: { cost: 0.128, currency: 'USDT' } });
  expect((await ex.fetchOpenOrders(BTC)).map((o) => o.id)).toEqual([other.id]);
  await expect(ex.cancelOrder(idOf(resting), BTC)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  expect((await ex.cancelOrder(idOf(other), BTC)).status).toBe('canceled');
});

test('a post-only limit that would cross is refused (-5022); an IOC limit that cannot fill expires', async () => {
  const postOnly = await rejectionOf(ex.createOrder(BTC, 'limit', 'buy', 0.01, 65100, { postOnly: true }));
  expect(postOnly).toBeInstanceOf(ccxt.OrderNotFillable);
  expect(postOnly.message).toContain('-5022');

  const ioc = await ex.createOrder(BTC, 'limit', 'buy', 0.01, 64000, { timeInForce: 'IOC' });
  expect(ioc).toMatchObject({ status: 'expired', filled: 0 });
});

test('reduce-only without a position is refused with -2022 (InvalidOrder)', async () => {
  const error = await rejectionOf(ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, { reduceOnly: true }));
  expect(error).toBeInstanceOf(ccxt.InvalidOrder);
  expect(error.message).toContain('-2022');
});

test('reduce-only closes at most the position: the rest expires, the position is flat', async () => {
  fake.setPosition(KEY, 'BTCUSDT', 0.01, 60000);

  const close = await ex.createOrder(BTC, 'market', 'sell', 0.02, undefined, { reduceOnly: true });

  expect(close).toMatchObject({ status: 'expired', filled: 0.01, amount: 0.02 });
  expect(fake.position(KEY, 'BTCUSDT').amount).toBe(0);
  // realized 0.01 × (65000 − 60000) = 50, commission 0.325
  expect(fake.walletBalance(KEY)).toBeCloseTo(10_000 + 50 - 0.325, 8);
});

test('a notional below the minimum is refused with -4164 unless reduce-only', async () => {
  const error = await rejectionOf(ex.createOrder(BTC, 'market', 'buy', 0.001));
  expect(error).toBeInstanceOf(ccxt.InvalidOrder);
  expect(error.message).toContain('-4164');

  fake.setPosition(KEY, 'BTCUSDT', 0.001, 65000);
  expect((await ex.createOrder(BTC, 'market', 'sell', 0.001, undefined, { reduceOnly: true })).status).toBe('closed');
});

test('an order beyond the margin available is refused with -2019 (InsufficientFunds)', async () => {
  await ex.setLeverage(2, BTC);
  // 0.5 BTC × 65000 / 2 = 16 250 USDT of margin > 10 000
  const error = await rejectionOf(ex.createOrder(BTC, 'market', 'buy', 0.5));
  expect(error).toBeInstanceOf(ccxt.InsufficientFunds);
  expect(error.message).toContain('-2019');
  expect(fake.orders(KEY)).toHaveLength(0);
});

test('quantity or price finer than the lot or tick is refused with -1111; conditional types need the algo endpoint (-4120)', async () => {
  // ccxt rounds what createOrder sends, so the raw endpoint (still signed and parsed by ccxt) is used.
  const base = { symbol: 'BTCUSDT', side: 'BUY', newOrderRespType: 'RESULT' };
  const quantity = await rejectionOf(ex.fapiPrivatePostOrder({ ...base, type: 'MARKET', quantity: '0.0105' }));
  expect(quantity).toBeInstanceOf(ccxt.BadRequest);
  expect(quantity.message).toContain('-1111');

  const price = await rejectionOf(
    ex.fapiPrivatePostOrder({ ...base, type: 'LIMIT', quantity: '0.01', price: '60000.15', timeInForce: 'GTC' }),
  );
  expect(price.message).toContain('-1111');

  const stop = await rejectionOf(
    ex.fapiPrivatePostOrder({ ...base, type: 'STOP_MARKET', quantity: '0.01', stopPrice: '60000' }),
  );
  expect(stop.message).toContain('-4120');
  expect(fake.orders(KEY)).toHaveLength(0);
});

test('a price between ticks of a coarse tick is refused with -4014', async () => {
  const coarse = await startFake({
    markets: [{ symbol: 'BTCUSDT', tickSize: 0.5, stepSize: 0.001, minNotional: 100, price: 65000 }],
  });
  try {
    const c = client(coarse);
    const error = await rejectionOf(
      c.fapiPrivatePostOrder({
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        quantity: '0.01',
        price: '60000.3',
        timeInForce: 'GTC',
      }),
    );
    expect(error.message).toContain('-4014');
    expect((await c.createOrder(BTC, 'limit', 'buy', 0.01, 60000.5)).status).toBe('open');
  } finally {
    await coarse.close();
  }
});

test('hedge mode needs a position side (-4061) and books LONG and SHORT separately', async () => {
  await ex.setPositionMode(true);
  const mismatch = await rejectionOf(ex.createOrder(BTC, 'market', 'buy', 0.01));
  expect(mismatch).toBeInstanceOf(ccxt.OperationRejected);
  expect(mismatch.message).toContain('-4061');

  await ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { hedged: true });
  await ex.createOrder(BTC, 'market', 'sell', 0.004, undefined, { hedged: true });
  await ex.createOrder(BTC, 'market', 'sell', 0.003, undefined, { hedged: true, reduceOnly: true });

  const positions = await ex.fetchPositions([BTC]);
  expect(positions.map((p) => [p.side, p.contracts, p.hedged]).sort()).toEqual([
    ['long', 0.007, true],
    ['short', 0.004, true],
  ]);
});
