// Upbit (KRW spot) against evidence Upbit and ccxt's maintainers wrote: Upbit's documented example
// bodies (test/fixtures/exchange/docs/upbit.json) and ccxt's captured request/response fixtures
// (test/fixtures/exchange/ccxt-static/upbit.*.json). ccxt builds, signs and parses every request;
// only its transport is replaced (harness.ts).
import { ccxtStatic, conformanceAdapter, documented, type Answer, type SentRequest } from './harness';
import { clientOrderIdFor } from '../../shared/core/signal/ids';

const SIGNAL = 's0123456789abcdef0123456789abcde';
const OPEN_ID = clientOrderIdFor(SIGNAL, 'open');
const CLOSE_ID = clientOrderIdFor(SIGNAL, 'close');
const notFound: Answer = { status: 404, body: documented('upbit', 'error-order-not-found') };

function upbit(route: (r: SentRequest) => Answer | undefined) {
  const c = conformanceAdapter('upbit', route);
  const last = (): SentRequest => {
    const calls = c.calls();
    const request = calls[calls.length - 1];
    if (!request) throw new Error('no request was sent');
    return request;
  };
  return { ...c, last };
}

describe('Upbit orders: POST /v1/orders with our client id as `identifier`', () => {
  it('a market buy goes by cost (ord_type price, KRW) as ccxt captured it, priced from the documented ticker', async () => {
    const ticker = ccxtStatic('upbit', 'response', 'fetchTicker', 'public spot ticker');
    const captured = ccxtStatic('upbit', 'request', 'createOrder', 'Spot market buy order using the cost param');
    const { adapter, calls } = upbit((r) =>
      r.path === '/v1/ticker'
        ? { body: ticker.httpResponse }
        : r.path === '/v1/orders'
          ? { body: documented('upbit', 'order-created') }
          : undefined,
    );

    const placed = await adapter.createOrder({
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'market',
      amount: '0.001',
      reduceOnly: false,
      clientOrderId: OPEN_ID,
    });

    const order = calls().find((r) => r.path === '/v1/orders');
    // The captured request's shape (market, side, ord_type price, price = cost), with our identifier.
    const capturedBody = JSON.parse(String(captured.output)) as Record<string, unknown>;
    expect(Object.keys(capturedBody).sort()).toEqual(['market', 'ord_type', 'price', 'side']);
    // 0.001 BTC at the documented last trade 73,578.655 USDT, rounded down to whole units.
    expect(order).toMatchObject({
      method: 'POST',
      body: { market: 'USDT-BTC', side: 'bid', ord_type: 'price', price: '73', identifier: OPEN_ID },
    });
    expect(placed).toMatchObject({ id: 'd098ceaf-6811-4df8-97f2-b7e01aefc03f', status: 'open', filled: '0' });
  });

  it('a limit sell carries price, volume and identifier (the captured limit sell, plus identifier)', async () => {
    const captured = ccxtStatic('upbit', 'request', 'createOrder', 'Spot limit sell order');
    const { adapter, last } = upbit((r) =>
      r.path === '/v1/orders' ? { body: documented('upbit', 'order-created') } : undefined,
    );

    await adapter.createOrder({
      symbol: 'BTC/USDT',
      side: 'sell',
      type: 'limit',
      price: '55000',
      amount: '0.00015',
      reduceOnly: true,
      clientOrderId: CLOSE_ID,
    });

    expect(last().body).toEqual({ ...(JSON.parse(String(captured.output)) as object), identifier: CLOSE_ID });
  });
});

describe('Upbit look-up by client id: GET /v1/order?identifier=… (never an empty uuid)', () => {
  it('asks by identifier alone and parses the documented filled order: amount, average, fee, closed', async () => {
    const { adapter, last } = upbit((r) =>
      r.path === '/v1/order' && r.method === 'GET' ? { body: documented('upbit', 'order-done') } : undefined,
    );

    const found = await adapter.fetchOrderByClientId('BTC/USDT', CLOSE_ID);

    // Upbit reads uuid first when both are present: an empty uuid next to our id found nothing.
    expect(last()).toMatchObject({ method: 'GET', path: '/v1/order' });
    expect(Object.keys(last().query).sort()).toEqual(['identifier']);
    expect(last().query.identifier).toBe(CLOSE_ID);
    expect(found).toMatchObject({
      id: '9ca023a5-851b-4fec-9f0a-48cd83c2eaae',
      status: 'closed',
      side: 'sell',
      amount: '1',
      filled: '1',
      average: '153559',
      fee: '383.8975',
    });
  });

  it('order_not_found for our identifier means the order does not exist (identifiers are never reused): undefined', async () => {
    const { adapter, last } = upbit((r) => (r.path === '/v1/order' ? notFound : undefined));

    await expect(adapter.fetchOrderByClientId('BTC/USDT', OPEN_ID)).resolves.toBeUndefined();
    expect(last().query).toEqual({ identifier: OPEN_ID });
  });
});

describe('Upbit cancel by client id: DELETE /v1/order?identifier=…', () => {
  it('addresses the order by identifier alone (the captured cancel addresses it by uuid alone)', async () => {
    const captured = ccxtStatic('upbit', 'request', 'cancelOrder', 'Spot cancel sell order');
    const { adapter, last } = upbit((r) =>
      r.path === '/v1/order' && r.method === 'DELETE' ? { body: documented('upbit', 'order-cancelled') } : undefined,
    );

    await adapter.cancelOrder('BTC/USDT', OPEN_ID);

    expect(Object.keys(Object.fromEntries(new URL(String(captured.url)).searchParams))).toEqual(['uuid']);
    expect(last()).toMatchObject({ method: 'DELETE', path: '/v1/order', query: { identifier: OPEN_ID } });
    expect(Object.keys(last().query)).toEqual(['identifier']);
  });

  it('not found for that identifier is "already gone", because Upbit looked for exactly that id', async () => {
    const { adapter, last } = upbit((r) => (r.path === '/v1/order' ? notFound : undefined));

    await expect(adapter.cancelOrder('BTC/USDT', OPEN_ID)).resolves.toBeUndefined();
    expect(last().query).toEqual({ identifier: OPEN_ID });
  });
});

describe('Upbit holdings: GET /v1/accounts', () => {
  it('a spot holding is the documented balance of the base coin (2 BTC); no leverage, no entry price', async () => {
    const { adapter, last } = upbit((r) =>
      r.path === '/v1/accounts' ? { body: documented('upbit', 'accounts') } : undefined,
    );

    const held = await adapter.fetchPosition('BTC/USDT');

    expect(last()).toMatchObject({ method: 'GET', path: '/v1/accounts' });
    expect(held).toMatchObject({ side: 'long', quantity: '2', leverage: 1 });
  });
});
