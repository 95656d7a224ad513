// Bybit v5 (linear USDT perpetuals) against evidence Bybit's authors and ccxt's maintainers wrote:
// every request the adapter makes is recorded (method, path, query, body) and answered with a
// documented example body (test/fixtures/exchange/docs/bybit.json, each with its doc URL) or a
// response ccxt captured from Bybit (test/fixtures/exchange/ccxt-static/bybit.*.json). No ccxt
// method is stubbed. docs/exchanges/bybit.md lists which feature each test proves.
import { SignalRejectedError } from '../../shared/core/errors';
import { DuplicateClientOrderIdError, RateLimitedError, type OrderRequest } from '../../shared/core/ports/exchange';
import { DIALECTS } from '../../shared/adapters/exchange/dialects';
import { ccxtStatic, conformanceAdapter, documented, type Answer, type Router, type SentRequest } from './harness';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
/** Our client ids: 32 lower-case alphanumerics. */
const OUR_ID = 'b7c1e0d2a9f84e6b8c3d5f7a9e1b2c4d';

type Json = Record<string, unknown>;
const doc = (name: string): Answer => ({ body: documented('bybit', name) });
const docBody = (name: string): Json => documented('bybit', name) as Json;
const captured = (method: string, description: string): Answer => ({
  body: ccxtStatic('bybit', 'response', method, description).httpResponse,
});
/** The body ccxt built for one of its captured requests, parsed. */
const capturedRequest = (method: string, description: string): Json =>
  JSON.parse(String(ccxtStatic('bybit', 'request', method, description).output)) as Json;
const capturedQuery = (method: string, description: string): Record<string, string> =>
  Object.fromEntries(new URL(String(ccxtStatic('bybit', 'request', method, description).url)).searchParams);

/**
 * An error as Bybit answers it: the v5 envelope of the documented refusal (set-margin-mode's
 * example) carrying a code and message from the documented error table.
 */
function bybitError(code: number): Answer {
  const rows = documented('bybit', 'error-codes') as string[];
  const row = rows.find((r) => new RegExp(`^\\|\\s*${code}\\s*\\|`).test(r));
  if (!row) throw new Error(`error ${code} is not in the documented table`);
  const retMsg = (row.split('|')[2] ?? '').trim();
  const envelope = docBody('set-margin-mode.failure');
  return { body: { ...envelope, retCode: code, retMsg, result: {} } };
}

/** ccxt asks whether the account is unified before orders and balances (GET /v5/user/query-api, /v5/account/info). */
const ACCOUNT: Record<string, Answer> = {
  'GET /v5/user/query-api': doc('apikey-info.response'),
  'GET /v5/account/info': doc('account-info.response'),
};

type Entry = Answer | ((request: SentRequest, seen: number) => Answer | undefined);

/** Answers by "METHOD path"; a function entry also gets how many times that route was asked before. */
function routes(table: Record<string, Entry>): Router {
  const seen = new Map<string, number>();
  return (request) => {
    const key = `${request.method} ${request.path}`;
    const entry = table[key] ?? ACCOUNT[key];
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return typeof entry === 'function' ? entry(request, count) : entry;
  };
}

const to =
  (path: string, method = 'POST') =>
  (r: SentRequest) =>
    r.method === method && r.path === path;
/** The requests that reached one endpoint (ccxt's account probes left aside). */
function sentTo(calls: SentRequest[], path: string, method = 'POST'): SentRequest[] {
  return calls.filter(to(path, method));
}

const order = (overrides: Partial<OrderRequest>): OrderRequest => ({
  symbol: BTC,
  side: 'buy',
  type: 'market',
  amount: '0.01',
  reduceOnly: false,
  clientOrderId: OUR_ID,
  ...overrides,
});

describe('bybit conformance: market loading', () => {
  it('loads markets with public requests only (no signed coin-info call) and reads the documented filters', async () => {
    const c = conformanceAdapter('bybit', routes({}));
    const market = await c.adapter.loadMarket(BTC);
    expect(c.sent.length).toBeGreaterThan(0);
    for (const request of c.sent) {
      expect(request.path.startsWith('/v5/market/')).toBe(true);
      expect(Object.keys(request.headers).map((h) => h.toLowerCase())).not.toContain('x-bapi-sign');
    }
    expect(market).toMatchObject({
      symbol: BTC,
      contractSize: '1',
      amountStep: '0.001',
      minAmount: '0.001',
      priceStep: '0.1',
      minNotional: '5',
      maxAmount: '1190',
    });
  });
});

describe('bybit conformance: the volatility index', () => {
  it("fetchVolatilityIndex: GET /v5/market/historical-volatility (option, baseCoin, period 7); the documented body's fraction as an exact percent", async () => {
    const c = conformanceAdapter(
      'bybit',
      routes({ 'GET /v5/market/historical-volatility': doc('historical-volatility.response') }),
    );
    const reading = await c.adapter.fetchVolatilityIndex('ETH');
    expect(sentTo(c.calls(), '/v5/market/historical-volatility', 'GET')[0]?.query).toEqual({
      category: 'option',
      baseCoin: 'ETH',
      period: '7',
    });
    // The documented example answers a 30-day request: the period is the one the exchange reports.
    expect(reading).toEqual({
      base: 'ETH',
      periodDays: 30,
      valuePct: '45.024716',
      time: 1672052400000,
      source: 'Bybit options 7-day historical volatility',
    });
  });

  it('an empty answer (no reading for the coin) is undefined, not an error', async () => {
    const empty = { ...docBody('historical-volatility.response'), result: [] };
    const c = conformanceAdapter('bybit', routes({ 'GET /v5/market/historical-volatility': { body: empty } }));
    await expect(c.adapter.fetchVolatilityIndex('BTC')).resolves.toBeUndefined();
  });

  it.each(['binanceusdm', 'okx', 'bitget', 'upbit'] as const)(
    '%s exposes none: undefined, and no request is made',
    async (id) => {
      const c = conformanceAdapter(id, () => undefined);
      await expect(c.adapter.fetchVolatilityIndex('BTC')).resolves.toBeUndefined();
      expect(c.calls()).toEqual([]);
    },
  );
});

describe('bybit conformance: prices', () => {
  it('fetchPrice: GET /v5/market/tickers (linear, symbol); last, bid and ask of a captured BTCUSDT ticker', async () => {
    const c = conformanceAdapter('bybit', routes({ 'GET /v5/market/tickers': captured('fetchTicker', 'swap ticker') }));
    const quote = await c.adapter.fetchPrice(BTC);
    expect(sentTo(c.calls(), '/v5/market/tickers', 'GET')[0]?.query).toMatchObject({
      category: 'linear',
      symbol: 'BTCUSDT',
    });
    expect(quote).toMatchObject({ symbol: BTC, last: 51444.4, bid: 51444.3, ask: 51444.4 });
  });

  it('fetchBook: GET /v5/market/orderbook (linear, symbol, limit); a captured BTCUSDT book in base units', async () => {
    const c = conformanceAdapter(
      'bybit',
      routes({ 'GET /v5/market/orderbook': captured('fetchOrderBook', 'swap orderbook') }),
    );
    const book = await c.adapter.fetchBook(BTC, 50);
    expect(sentTo(c.calls(), '/v5/market/orderbook', 'GET')[0]?.query).toMatchObject({
      category: 'linear',
      symbol: 'BTCUSDT',
      limit: '50',
    });
    expect(book).toEqual({
      bids: [
        [42544.7, 172.404],
        [42544.5, 88.856],
      ],
      asks: [
        [42548, 108.998],
        [42548.2, 75.008],
      ],
    });
  });
});

describe('bybit conformance: createOrder', () => {
  /** Places `request`, answering the placement with the documented acknowledgement and the read-back with `readBack`. */
  async function place(request: OrderRequest, readBack: Record<string, Entry> = {}) {
    const c = conformanceAdapter(
      'bybit',
      routes({
        'POST /v5/order/create': doc('create-order.response'),
        'GET /v5/order/realtime': doc('open-order.response'),
        'GET /v5/order/history': doc('order-list.response'),
        ...readBack,
      }),
      { marginMode: 'cross' },
    );
    const placed = await c.adapter.createOrder(request);
    const creates = sentTo(c.calls(), '/v5/order/create');
    expect(creates).toHaveLength(1);
    return { c, placed, body: creates[0]?.body ?? {} };
  }

  /** Every field ccxt's captured request for the same kind of order carries is in ours too. */
  function hasCapturedFields(body: Json, description: string): void {
    for (const key of Object.keys(capturedRequest('createOrder', description))) expect(body).toHaveProperty(key);
  }

  it('market: Market order with our orderLinkId, qty in contracts, one-way positionIdx; a read-back that finds another id adopts nothing', async () => {
    const { c, placed, body } = await place(order({ amount: '0.012' }));
    expect(body).toEqual({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Market',
      qty: '0.012',
      orderLinkId: OUR_ID,
      positionIdx: 0,
    });
    hasCapturedFields(body, 'swap market buy hedged order');
    // The read-back asked for our id in both books; the documented rows carry other ids.
    const lookups = c.calls().filter((r) => r.path === '/v5/order/realtime' || r.path === '/v5/order/history');
    expect(lookups.map((r) => r.path)).toEqual(['/v5/order/realtime', '/v5/order/history']);
    for (const r of lookups)
      expect(r.query).toMatchObject({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: OUR_ID });
    // The documented acknowledgement: ids only (its own example orderLinkId), so the order stands
    // open for the requested amount with nothing filled yet; the risk-check job books the fill.
    expect(placed).toMatchObject({
      id: '1321003749386327552',
      status: 'open',
      filled: '0',
      amount: '0.012',
      type: 'market',
    });
  });

  it('limit GTC: Limit with price and timeInForce GTC; a resting order is not read back (the acknowledgement stands)', async () => {
    const { c, placed, body } = await place(
      order({
        symbol: ETH,
        type: 'limit',
        price: '1600',
        amount: '0.1',
        timeInForce: 'GTC',
        clientOrderId: 'test-000005',
      }),
    );
    expect(body).toMatchObject({
      category: 'linear',
      symbol: 'ETHUSDT',
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.1',
      price: '1600',
      timeInForce: 'GTC',
      orderLinkId: 'test-000005',
    });
    hasCapturedFields(body, 'Swap limit order');
    expect(c.calls().filter((r) => r.path === '/v5/order/realtime' || r.path === '/v5/order/history')).toEqual([]);
    expect(placed).toMatchObject({
      id: '1321003749386327552',
      status: 'open',
      amount: '0.1',
      filled: '0',
      side: 'buy',
      type: 'limit',
    });
  });

  it('limit IOC: timeInForce IOC', async () => {
    const { body } = await place(order({ type: 'limit', price: '65000', timeInForce: 'IOC' }));
    expect(body).toMatchObject({ orderType: 'Limit', price: '65000', timeInForce: 'IOC', orderLinkId: OUR_ID });
  });

  it('post-only: timeInForce PostOnly, as ccxt captured it', async () => {
    const { body } = await place(order({ type: 'limit', price: '65000', timeInForce: 'PO' }));
    expect(body).toMatchObject({ orderType: 'Limit', timeInForce: 'PostOnly', orderLinkId: OUR_ID });
    expect(capturedRequest('createOrder', 'Swap limit sell with reduceOnly and postOnly')).toMatchObject({
      timeInForce: 'PostOnly',
    });
  });

  it('reduce-only close: reduceOnly true on a Market Sell', async () => {
    const { body } = await place(order({ side: 'sell', reduceOnly: true }));
    expect(body).toMatchObject({
      side: 'Sell',
      orderType: 'Market',
      reduceOnly: true,
      orderLinkId: OUR_ID,
      positionIdx: 0,
    });
    expect(capturedRequest('createOrder', 'swap market sell reduceOnly order')).toMatchObject({ reduceOnly: true });
  });

  it('stop_market: a conditional Market order (triggerPrice, triggerDirection 2 "falls to" for a long\'s stop), reduceOnly, closeOnTrigger', async () => {
    const { body } = await place(order({ side: 'sell', type: 'stop_market', triggerPrice: '60000', reduceOnly: true }));
    expect(body).toMatchObject({
      side: 'Sell',
      orderType: 'Market',
      triggerPrice: '60000',
      triggerDirection: 2,
      reduceOnly: true,
      closeOnTrigger: true,
      orderLinkId: OUR_ID,
      qty: '0.01',
    });
    expect(body).not.toHaveProperty('orderFilter'); // "Spot ... only"
    hasCapturedFields(body, 'sl market order');
  });

  it('take_profit_market: triggerDirection 1 ("rises to") for a long\'s target, reduceOnly, not closeOnTrigger', async () => {
    const { body } = await place(
      order({ side: 'sell', type: 'take_profit_market', triggerPrice: '80000', reduceOnly: true }),
    );
    expect(body).toMatchObject({
      side: 'Sell',
      orderType: 'Market',
      triggerPrice: '80000',
      triggerDirection: 1,
      reduceOnly: true,
      orderLinkId: OUR_ID,
    });
    expect(body).not.toHaveProperty('closeOnTrigger');
  });

  it("a short's stop buys when the price rises: triggerDirection 1", async () => {
    const { body } = await place(order({ side: 'buy', type: 'stop_market', triggerPrice: '70000', reduceOnly: true }));
    expect(body).toMatchObject({ side: 'Buy', triggerDirection: 1, triggerPrice: '70000', reduceOnly: true });
  });

  it('trailing stop: refused before any request (Bybit trails a position, not an order)', async () => {
    const c = conformanceAdapter('bybit', routes({}));
    await expect(
      c.adapter.createOrder(
        order({ side: 'sell', type: 'trailing_stop_market', trailingPercent: 1, reduceOnly: true }),
      ),
    ).rejects.toMatchObject({ code: 'TRAILING_UNSUPPORTED' });
    expect(c.calls().filter((r) => r.path.startsWith('/v5/order') || r.path.startsWith('/v5/position'))).toEqual([]);
  });

  it('a duplicate orderLinkId (110072, documented) is a duplicate-id error, which the sender adopts', async () => {
    const c = conformanceAdapter('bybit', routes({ 'POST /v5/order/create': bybitError(110072) }));
    await expect(c.adapter.createOrder(order({}))).rejects.toBeInstanceOf(DuplicateClientOrderIdError);
  });
});

describe('bybit conformance: fetchOrderByClientId', () => {
  const lookupAdapter = (table: Record<string, Entry>) => conformanceAdapter('bybit', routes(table));

  it('asks /v5/order/realtime by orderLinkId (never orderId, no acknowledged flag) and parses the documented order', async () => {
    const c = lookupAdapter({ 'GET /v5/order/realtime': doc('open-order.response') });
    const found = await c.adapter.fetchOrderByClientId(ETH, 'test-000005');
    const [request, ...rest] = c.calls().filter((r) => r.path.startsWith('/v5/order/'));
    expect(rest).toEqual([]);
    expect(request).toMatchObject({
      method: 'GET',
      path: '/v5/order/realtime',
      query: { category: 'linear', symbol: 'ETHUSDT', orderLinkId: 'test-000005' },
    });
    expect(request?.query).not.toHaveProperty('orderId');
    expect(found).toMatchObject({
      id: 'fd4300ae-7847-404e-b947-b46980a4d140',
      clientOrderId: 'test-000005',
      side: 'buy',
      type: 'limit',
      status: 'open',
      amount: '0.1',
      filled: '0',
    });
  });

  it('falls back to /v5/order/history for a closed order, by orderLinkId', async () => {
    const c = lookupAdapter({
      'GET /v5/order/realtime': doc('open-order.response'),
      'GET /v5/order/history': doc('order-list.response'),
    });
    const found = await c.adapter.fetchOrderByClientId(BTC, 'YLxaWKMiHU');
    const history = sentTo(c.calls(), '/v5/order/history', 'GET');
    expect(history).toHaveLength(1);
    expect(history[0]?.query).toMatchObject({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'YLxaWKMiHU' });
    // Documented: a post-only order cancelled for taking liquidity.
    expect(found).toMatchObject({
      id: '14bad3a1-6454-43d8-bcf2-5345896cf74d',
      clientOrderId: 'YLxaWKMiHU',
      status: 'canceled',
      filled: '0',
      amount: '0.003',
      type: 'limit',
    });
  });

  it('absent: both books asked for our id, neither has it → undefined (rows of other ids are not adopted)', async () => {
    const c = lookupAdapter({
      'GET /v5/order/realtime': doc('open-order.response'),
      'GET /v5/order/history': doc('order-list.response'),
    });
    expect(await c.adapter.fetchOrderByClientId(BTC, OUR_ID)).toBeUndefined();
    const asked = c.calls().filter((r) => r.path.startsWith('/v5/order/'));
    expect(asked.map((r) => r.path)).toEqual(['/v5/order/realtime', '/v5/order/history']);
    for (const r of asked) expect(r.query.orderLinkId).toBe(OUR_ID);
  });

  it('conditional: the same look-up without orderFilter (all kinds by default), and no second look-up: a fired order keeps its id', async () => {
    const c = lookupAdapter({ 'GET /v5/order/realtime': doc('open-order.response') });
    const found = await c.adapter.fetchOrderByClientId(ETH, 'test-000005', { conditional: true });
    const asked = c.calls().filter((r) => r.path.startsWith('/v5/order/'));
    expect(asked).toHaveLength(1);
    expect(asked[0]?.query).toEqual(expect.objectContaining({ orderLinkId: 'test-000005', category: 'linear' }));
    expect(asked[0]?.query).not.toHaveProperty('orderFilter');
    expect(found?.id).toBe('fd4300ae-7847-404e-b947-b46980a4d140');
  });
});

describe('bybit conformance: cancelOrder', () => {
  const cancelAdapter = (answer: Answer) => conformanceAdapter('bybit', routes({ 'POST /v5/order/cancel': answer }));

  function cancelBody(calls: SentRequest[]): Json | undefined {
    const cancels = sentTo(calls, '/v5/order/cancel');
    expect(cancels).toHaveLength(1);
    return cancels[0]?.body;
  }

  it('POST /v5/order/cancel by orderLinkId only (no empty orderId), documented answer', async () => {
    const c = cancelAdapter(doc('cancel-order.response'));
    await c.adapter.cancelOrder(BTC, OUR_ID);
    expect(cancelBody(c.calls())).toEqual({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: OUR_ID });
    // ccxt's own cancel by client id (batch) names it orderLinkId too.
    expect(capturedRequest('cancelOrders', 'cancelOrders by clientOrderId')).toMatchObject({
      request: [{ orderLinkId: 'test123' }],
    });
  });

  it('conditional: the same request (orderFilter is "Spot trading only")', async () => {
    const c = cancelAdapter(doc('cancel-order.response'));
    await c.adapter.cancelOrder(BTC, OUR_ID, { conditional: true });
    expect(cancelBody(c.calls())).toEqual({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: OUR_ID });
  });

  it('"Order does not exist" (110001) for the id Bybit looked up means already gone', async () => {
    const c = cancelAdapter(bybitError(110001));
    await expect(c.adapter.cancelOrder(BTC, OUR_ID, { conditional: true })).resolves.toBeUndefined();
    expect(cancelBody(c.calls())?.orderLinkId).toBe(OUR_ID);
  });

  it('"completed or cancelled" (110008) means already gone', async () => {
    const c = cancelAdapter(bybitError(110008));
    await expect(c.adapter.cancelOrder(BTC, OUR_ID)).resolves.toBeUndefined();
  });

  it('any other refusal is not read as gone (a throttled cancel leaves the stop live)', async () => {
    const c = cancelAdapter(bybitError(10006));
    await expect(c.adapter.cancelOrder(BTC, OUR_ID)).rejects.toBeInstanceOf(RateLimitedError);
  });
});

describe('bybit conformance: fetchOpenOrders', () => {
  it('asks plain (orderFilter Order) and conditional (StopOrder) orders apart, 50 a page, and parses a captured filled linear order', async () => {
    const c = conformanceAdapter(
      'bybit',
      routes({
        'GET /v5/order/realtime': (r) =>
          r.query.orderFilter === 'Order'
            ? captured('fetchClosedOrders', 'Fetch swap closed order')
            : doc('open-order.response'),
      }),
    );
    const orders = await c.adapter.fetchOpenOrders(ETH);
    const asked = sentTo(c.calls(), '/v5/order/realtime', 'GET');
    expect(asked.map((r) => r.query)).toEqual([
      expect.objectContaining({ category: 'linear', symbol: 'ETHUSDT', orderFilter: 'Order', limit: '50' }),
      expect.objectContaining({ category: 'linear', symbol: 'ETHUSDT', orderFilter: 'StopOrder', limit: '50' }),
    ]);
    // The captured row: a linear Market Buy of 0.1 filled at 75.14 (its fee only in the deprecated cumExecFee).
    expect(orders[0]).toMatchObject({
      id: '2ffc823f-f1b5-4518-bc2b-5147764d33eb',
      side: 'buy',
      type: 'market',
      status: 'closed',
      amount: '0.1',
      filled: '0.1',
      average: '75.14',
    });
    expect(orders[1]).toMatchObject({
      id: 'fd4300ae-7847-404e-b947-b46980a4d140',
      clientOrderId: 'test-000005',
      type: 'limit',
      status: 'open',
    });
  });

  it('all symbols: settleCoin USDT (Bybit requires symbol, baseCoin or settleCoin for linear)', async () => {
    const c = conformanceAdapter('bybit', routes({ 'GET /v5/order/realtime': doc('open-order.response') }));
    await c.adapter.fetchOpenOrders();
    const asked = sentTo(c.calls(), '/v5/order/realtime', 'GET');
    expect(asked).toHaveLength(2);
    for (const r of asked) {
      expect(r.query).toMatchObject({ category: 'linear', settleCoin: 'USDT' });
      expect(r.query).not.toHaveProperty('symbol');
    }
  });
});

describe('bybit conformance: leverage and margin mode', () => {
  it('the documented unified account in REGULAR_MARGIN refuses an isolated entry, naming both, and switches nothing account-wide', async () => {
    const c = conformanceAdapter('bybit', routes({ 'POST /v5/position/set-leverage': doc('set-leverage.response') }), {
      marginMode: 'isolated',
    });
    const refused = c.adapter.setLeverage(BTC, 5);
    await expect(refused).rejects.toBeInstanceOf(SignalRejectedError);
    await expect(refused).rejects.toMatchObject({
      code: 'MARGIN_MODE_MISMATCH',
      message: expect.stringContaining('REGULAR_MARGIN'),
    });
    expect(c.calls().filter((r) => r.method === 'POST')).toEqual([]);
    expect(sentTo(c.calls(), '/v5/account/info', 'GET')).toHaveLength(1);
  });

  it('cross on that account: POST /v5/position/set-leverage with buy = sell leverage, as ccxt captured it', async () => {
    const c = conformanceAdapter('bybit', routes({ 'POST /v5/position/set-leverage': doc('set-leverage.response') }), {
      marginMode: 'cross',
    });
    await c.adapter.setLeverage(BTC, 5);
    const posts = c.calls().filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path)).toEqual(['/v5/position/set-leverage']);
    expect(posts[0]?.body).toEqual({ category: 'linear', symbol: 'BTCUSDT', buyLeverage: '5', sellLeverage: '5' });
    expect(Object.keys(capturedRequest('setLeverage', 'Set leverage swap linear')).sort()).toEqual(
      Object.keys(posts[0]?.body ?? {}).sort(),
    );
  });

  it('"leverage not modified" (110043) is success', async () => {
    const c = conformanceAdapter('bybit', routes({ 'POST /v5/position/set-leverage': bybitError(110043) }), {
      marginMode: 'cross',
    });
    await expect(c.adapter.setLeverage(BTC, 5)).resolves.toBeUndefined();
  });
});

describe('bybit conformance: position mode', () => {
  it("reads the mode from the open positions' positionIdx (ccxt has no fetchPositionMode for Bybit): 0 is one-way, nothing switched", async () => {
    const c = conformanceAdapter(
      'bybit',
      routes({ 'GET /v5/position/list': captured('fetchPositions', 'Fetch linear position') }),
    );
    await expect(c.adapter.ensureOneWayMode()).resolves.toBe('one-way');
    const asked = sentTo(c.calls(), '/v5/position/list', 'GET');
    expect(asked).toHaveLength(1);
    expect(asked[0]?.query).toMatchObject({ category: 'linear', settleCoin: 'USDT', limit: '200' });
    expect(sentTo(c.calls(), '/v5/position/switch-mode')).toEqual([]);
  });

  it('the documented position (positionIdx 0) reads as one-way too', async () => {
    const c = conformanceAdapter('bybit', routes({ 'GET /v5/position/list': doc('position-list.response') }));
    await expect(c.adapter.ensureOneWayMode()).resolves.toBe('one-way');
  });

  async function switchToOneWay(answer: Answer) {
    const c = conformanceAdapter('bybit', routes({ 'POST /v5/position/switch-mode': answer }));
    await c.adapter.loadMarket(BTC);
    const setOneWay = DIALECTS.bybit.setOneWay;
    if (!setOneWay) throw new Error('bybit dialect has no setOneWay');
    const done = setOneWay({ ex: c.ex, marginMode: 'isolated' });
    return { c, done };
  }

  it('switches with POST /v5/position/switch-mode, mode 0 (merged single) for the USDT coin, as ccxt captured mode 0', async () => {
    const { c, done } = await switchToOneWay(doc('switch-mode.response'));
    await done;
    expect(sentTo(c.calls(), '/v5/position/switch-mode')[0]?.body).toEqual({
      category: 'linear',
      coin: 'USDT',
      mode: 0,
    });
    expect(capturedRequest('setPositionMode', 'Set position mode to one-way mode')).toMatchObject({
      mode: 0,
      category: 'linear',
    });
  });

  it('"position mode has not been modified" (110025) is success; "existing position" (110024) is not', async () => {
    await expect((await switchToOneWay(bybitError(110025))).done).resolves.toBeUndefined();
    const rows = documented('bybit', 'error-codes') as string[];
    expect(rows.some((r) => r.includes('110025') && /not been modified/.test(r))).toBe(true);
    await expect(
      (
        await switchToOneWay({
          body: {
            ...docBody('set-margin-mode.failure'),
            retCode: 110024,
            retMsg: 'You have an existing position, so the position mode cannot be switched.',
            result: {},
          },
        })
      ).done,
    ).rejects.toThrow();
  });
});

describe('bybit conformance: fills, funding, positions, balance, keys', () => {
  it('fetchMyTrades: /v5/execution/list execType Trade from `since`; a captured linear fill in base units with its USDT fee', async () => {
    const row =
      (
        ccxtStatic('bybit', 'response', 'fetchMyTrades', 'swap trades without symbol').httpResponse as {
          result: { list: Json[] };
        }
      ).result.list[0] ?? {};
    const at = Number(row.execTime);
    const c = conformanceAdapter(
      'bybit',
      routes({ 'GET /v5/execution/list': captured('fetchMyTrades', 'swap trades without symbol') }),
      { clock: { now: () => at + 60_000 } },
    );
    const trades = await c.adapter.fetchMyTrades(BTC, at - 3_600_000);
    const asked = sentTo(c.calls(), '/v5/execution/list', 'GET');
    expect(asked).toHaveLength(1);
    expect(asked[0]?.query).toMatchObject({
      execType: 'Trade',
      category: 'linear',
      symbol: 'BTCUSDT',
      startTime: String(at - 3_600_000),
      limit: '100',
    });
    expect(capturedQuery('fetchMyTrades', 'Swap fetchMyTrades')).toMatchObject({
      execType: 'Trade',
      category: 'linear',
    });
    expect(trades).toEqual([
      {
        id: '751c8dba-bdeb-5d0c-9dd3-dda6bf98cdaf',
        orderId: 'c18b72e4-1bf7-4c30-9b99-ba3274066029',
        symbol: BTC,
        side: 'buy',
        amount: '0.1',
        price: '85.11',
        fee: '0.00468105',
        timestamp: at,
      },
    ]);
  });

  it('fetchFundingPayments: /v5/execution/list execType Funding from `since`; captured rows of another symbol (LTCUSDT) are not counted', async () => {
    const c = conformanceAdapter(
      'bybit',
      routes({ 'GET /v5/execution/list': captured('fetchFundingHistory', 'linear funding history') }),
      { clock: { now: () => 1_710_921_600_000 + 60_000 } },
    );
    const payments = await c.adapter.fetchFundingPayments(BTC, 1_710_892_800_000);
    const asked = sentTo(c.calls(), '/v5/execution/list', 'GET');
    expect(asked).toHaveLength(1);
    expect(asked[0]?.query).toMatchObject({
      execType: 'Funding',
      category: 'linear',
      symbol: 'BTCUSDT',
      startTime: '1710892800000',
    });
    // As ccxt captured it, `size` included: Bybit documents `limit` (default 50), so pages stop at 50 rows and the adapter splits them.
    expect(asked[0]?.query).toEqual(
      expect.objectContaining({ ...capturedQuery('fetchFundingHistory', 'funding history linear'), symbol: 'BTCUSDT' }),
    );
    // The markets fixture lists BTCUSDT and ETHUSDT only: ccxt reads these rows as LTC's, and the
    // adapter keeps funding of the asked symbol alone.
    expect(payments).toEqual([]);
  });

  it('fetchPosition: /v5/position/list by symbol; a captured empty position (size 0) is no position', async () => {
    const c = conformanceAdapter(
      'bybit',
      routes({ 'GET /v5/position/list': captured('fetchPosition', 'linear position') }),
    );
    await expect(c.adapter.fetchPosition(BTC)).resolves.toBeUndefined();
    expect(sentTo(c.calls(), '/v5/position/list', 'GET')[0]?.query).toMatchObject({
      category: 'linear',
      symbol: 'BTCUSDT',
    });
  });

  it('fetchPositions: settleCoin USDT, limit 200, as ccxt captured it', async () => {
    const c = conformanceAdapter(
      'bybit',
      routes({ 'GET /v5/position/list': captured('fetchPositions', 'Fetch linear position') }),
    );
    await c.adapter.fetchPositions();
    const query = sentTo(c.calls(), '/v5/position/list', 'GET')[0]?.query;
    expect(query).toEqual(expect.objectContaining(capturedQuery('fetchPositions', 'Swap fetchPositions')));
  });

  it("fetchBalance: the unified wallet; equity is the USDT coin's equity (wallet + unrealised P&L), free and used from ccxt", async () => {
    const c = conformanceAdapter(
      'bybit',
      routes({
        'GET /v5/account/wallet-balance': captured('fetchBalance', 'balance after availableToWithdraw update'),
      }),
    );
    const balance = await c.adapter.fetchBalance();
    expect(sentTo(c.calls(), '/v5/account/wallet-balance', 'GET')[0]?.query).toMatchObject(
      capturedQuery('fetchBalance', 'fetch default balance'),
    );
    expect(balance).toEqual({ currency: 'USDT', equity: '3304.29766609', free: '3229.64065465', used: '92.61831144' });
  });

  it('key check: the documented key is read-only, has no Withdraw right, is IP-bound; the account margin mode is told', async () => {
    const c = conformanceAdapter('bybit', routes({}));
    const permissions = await c.adapter.keyPermissions();
    expect(c.calls().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v5/user/query-api', 'GET /v5/account/info']);
    expect(permissions).toMatchObject({ canWithdraw: false, ipRestricted: true });
    expect(permissions?.warnings).toEqual([
      expect.stringContaining('read-only'),
      expect.stringContaining('REGULAR_MARGIN'),
    ]);
  });
});
