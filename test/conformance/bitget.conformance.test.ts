// Bitget v2 USDT-M futures, proven against Bitget's documentation examples
// (test/fixtures/exchange/docs/bitget.json) and ccxt's captured request/response fixtures
// (test/fixtures/exchange/ccxt-static/bitget.*.json): every request the adapter makes is recorded
// by the harness with only ccxt's transport replaced, and answered with those bodies.
// docs/exchanges/bitget.md maps each feature to the test here that proves it.
import type { OrderRequest } from '../../shared/core/ports/exchange';
import {
  ccxtStatic,
  conformanceAdapter,
  documented,
  NOW,
  type Answer,
  type Conformance,
  type SentRequest,
} from './harness';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const ID = 'c0ffee00c0ffee00c0ffee00c0ffee01';

type Json = Record<string, unknown>;
type Handler = (request: SentRequest) => Answer | undefined;

/** Answers "METHOD /path" with a body, or a function of the request; anything else fails the test. */
function bitget(routes: Record<string, unknown>, overrides = {}): Conformance {
  return conformanceAdapter(
    'bitget',
    (request) => {
      const route = routes[`${request.method} ${request.path}`];
      if (route === undefined) return undefined;
      return typeof route === 'function' ? (route as Handler)(request) : { body: route };
    },
    overrides,
  );
}

const doc = (name: string): Json => documented('bitget', name) as Json;
const docData = (name: string): Json => doc(name).data as Json;
/** A Bitget error answer: the common envelope, the code and message from Bitget's error-code list. */
const bitgetError = (code: string): Answer => ({
  status: 400,
  body: { code, msg: (doc('error codes') as Record<string, string>)[code], requestTime: NOW, data: null },
});
/** ccxt's captured request body for an entry, parsed. */
const ccxtBody = (method: string, description: string): Json =>
  JSON.parse(ccxtStatic('bitget', 'request', method, description).output as string) as Json;
/** The path and query ccxt captured for an entry. */
function ccxtUrl(method: string, description: string): { path: string; query: Record<string, string> } {
  const url = new URL(ccxtStatic('bitget', 'request', method, description).url as string);
  return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
}
const captured = (method: string, description: string): unknown =>
  ccxtStatic('bitget', 'response', method, description).httpResponse;

/** A documented plan-list row carrying our client id: the examples use their own ids (or none). */
function planList(name: string, fields: Json): Json {
  const answer = doc(name);
  const data = answer.data as { entrustedList: Json[] };
  return { ...answer, data: { ...data, entrustedList: data.entrustedList.map((row) => ({ ...row, ...fields })) } };
}
/** The documented plan-list envelope with no rows: what a query for an id the exchange does not hold gives. */
function emptyPlanList(): Json {
  const answer = doc('orders-plan-pending response');
  return { ...answer, data: { ...(answer.data as Json), entrustedList: [] } };
}

const order = (fields: Partial<OrderRequest>): OrderRequest => ({
  symbol: BTC,
  side: 'buy',
  type: 'market',
  amount: '0.001',
  reduceOnly: false,
  clientOrderId: ID,
  ...fields,
});

describe('Bitget markets and the unified-account probe', () => {
  it('loads BTC/USDT:USDT in coins (size step 0.0001) without any signed call or /api/v3 probe', async () => {
    const { adapter, sent } = bitget({});

    const market = await adapter.loadMarket(BTC);

    expect(market).toMatchObject({
      symbol: BTC,
      contractSize: '1',
      amountStep: '0.0001',
      minAmount: '0.0001',
      priceStep: '0.1',
    });
    expect(
      sent.every((r) => r.method === 'GET' && r.path.startsWith('/api/v2/') && r.headers['ACCESS-SIGN'] === undefined),
    ).toBe(true);
  });

  it('no GET /api/v3/account/settings probe (ccxt sends it signed while loading markets unless uta is set): a private call is v2 only', async () => {
    const { adapter, sent, calls } = bitget({ 'GET /api/v2/mix/account/accounts': doc('accounts response') });

    await adapter.fetchBalance();

    expect(sent.filter((r) => r.path.startsWith('/api/v3/'))).toEqual([]);
    expect(calls().map((r) => r.path)).toEqual(['/api/v2/mix/account/accounts']);
  });
});

describe('Bitget createOrder', () => {
  const placed = {
    'POST /api/v2/mix/order/place-order': doc('place-order response'),
    'GET /api/v2/mix/order/detail': captured('fetchOrder', 'swap market buy'),
  };

  it('market entry: place-order, isolated, size in coins, our id as clientOid; the ids-only answer is read back for the fill', async () => {
    // the documented request and answer share this clientOid
    const documentedId = String(doc('place-order request').clientOid);
    const { adapter, calls } = bitget(placed);

    const result = await adapter.createOrder(order({ clientOrderId: documentedId }));

    const [sent, readBack] = calls();
    // ccxt's captured one-way market order, opening instead of reducing, with our id
    const { reduceOnly: _close, ...oneWay } = ccxtBody(
      'createOrder',
      'Swap oneWayMode market sell order with reduceOnly',
    );
    expect(sent?.method).toBe('POST');
    expect(sent?.path).toBe('/api/v2/mix/order/place-order');
    expect(sent?.body).toEqual({ ...oneWay, side: 'buy', clientOid: documentedId });
    expect(docData('place-order response')).toEqual({ clientOid: documentedId, orderId: expect.any(String) });
    expect([readBack?.method, readBack?.path, readBack?.query.clientOid]).toEqual([
      'GET',
      '/api/v2/mix/order/detail',
      documentedId,
    ]);
    // the captured filled market buy: 0.1 at 68.74, fee 0.0041244 USDT
    expect(result).toMatchObject({
      id: '1139544620032237568',
      clientOrderId: documentedId,
      type: 'market',
      status: 'closed',
      amount: '0.1',
      filled: '0.1',
      average: '68.74',
      fee: '0.0041244',
    });
  });

  it('reduce-only close: reduceOnly YES, exactly the captured one-way request', async () => {
    const { adapter, calls } = bitget(placed);

    await adapter.createOrder(order({ side: 'sell', reduceOnly: true }));

    expect(calls()[0]?.body).toEqual({
      ...ccxtBody('createOrder', 'Swap oneWayMode market sell order with reduceOnly'),
      clientOid: ID,
    });
  });

  it('limit GTC: the captured one-way limit request', async () => {
    const { adapter, calls } = bitget(placed);

    await adapter.createOrder(order({ type: 'limit', price: '40000', timeInForce: 'GTC' }));

    expect(calls()[0]?.body).toEqual({ ...ccxtBody('createOrder', 'Swap oneWayMode limit buy order'), clientOid: ID });
  });

  it('limit IOC and post-only: force ioc / post_only (Place-Order force values)', async () => {
    const { adapter, calls } = bitget(placed);

    await adapter.createOrder(order({ type: 'limit', price: '40000', timeInForce: 'IOC' }));
    await adapter.createOrder(order({ type: 'limit', price: '40000', timeInForce: 'PO', clientOrderId: `${ID}p` }));

    const placements = calls().filter((r) => r.method === 'POST' && r.path === '/api/v2/mix/order/place-order');
    expect(String(placements[0]?.body?.force).toLowerCase()).toBe('ioc');
    expect(placements[1]?.body).toMatchObject({
      force: ccxtBody('createOrder', 'Swap limit sell order with postOnly and reduceOnly').force,
      orderType: 'limit',
      price: '40000',
      clientOid: `${ID}p`,
    });
  });

  it('stop-loss: place-tpsl-order pos_loss (whole position), holdSide of the position, trigger price, our clientOid', async () => {
    const { adapter, calls } = bitget({ 'POST /api/v2/mix/order/place-tpsl-order': doc('place-tpsl-order response') });

    const result = await adapter.createOrder(
      order({ side: 'sell', type: 'stop_market', triggerPrice: '93000.5', reduceOnly: true }),
    );

    const [sent] = calls();
    expect(sent?.path).toBe('/api/v2/mix/order/place-tpsl-order');
    expect(sent?.body).toMatchObject({
      symbol: 'BTCUSDT',
      productType: 'USDT-FUTURES',
      marginCoin: 'USDT',
      planType: 'pos_loss',
      triggerPrice: '93000.5',
      triggerType: 'mark_price',
      holdSide: 'buy',
      clientOid: ID,
    });
    // every parameter Bitget needs for a tpsl order is there (its documented example's keys, less the optional ones)
    const documentedKeys = Object.keys(doc('place-tpsl-order request')).filter(
      (k) => !['executePrice', 'rangeRate'].includes(k),
    );
    expect(Object.keys(sent?.body ?? {})).toEqual(expect.arrayContaining(documentedKeys));
    expect(result).toMatchObject({ id: '121212121212', type: 'stop_market', status: 'open' });
    expect(calls()).toHaveLength(1);
  });

  it("a stop that is not reduce-only (the smoke check's far buy stop, flat account): place-plan-order normal_plan, market, never a position tpsl", async () => {
    const { adapter, calls } = bitget({ 'POST /api/v2/mix/order/place-plan-order': doc('place-plan-order response') });

    const result = await adapter.createOrder(
      order({ side: 'buy', type: 'stop_market', triggerPrice: '190000', reduceOnly: false }),
    );

    const [sent] = calls();
    expect(sent?.path).toBe('/api/v2/mix/order/place-plan-order');
    expect(sent?.body).toEqual({
      symbol: 'BTCUSDT',
      productType: 'USDT-FUTURES',
      marginCoin: 'USDT',
      marginMode: 'isolated',
      planType: 'normal_plan',
      orderType: 'market',
      side: 'buy',
      size: '0.001',
      triggerPrice: '190000',
      triggerType: 'mark_price',
      clientOid: ID,
      // not a documented Place-Plan-Order parameter: ccxt sends it with every plan order, and its captured trigger
      // and trailing requests carry it too
      force: 'GTC',
    });
    // Every other field sent is one of the documented example's (a normal_plan order), and ccxt's captured trigger
    // order sends the same fields but the limit's own (price, executePrice).
    const { force: _force, ...documentedFields } = sent?.body ?? {};
    expect(Object.keys(doc('place-plan-order request'))).toEqual(expect.arrayContaining(Object.keys(documentedFields)));
    expect(doc('place-plan-order request')).toMatchObject({ planType: 'normal_plan', triggerType: 'mark_price' });
    const {
      price: _price,
      executePrice: _execute,
      ...capturedTrigger
    } = ccxtBody('createOrder', 'Swap cross limit buy with trigger price');
    expect(Object.keys(sent?.body ?? {}).sort()).toEqual([...Object.keys(capturedTrigger), 'clientOid'].sort());
    expect(sent?.body).not.toHaveProperty('holdSide');
    expect(result).toMatchObject({ id: '121212121212', type: 'stop_market', status: 'open' });
    expect(calls()).toHaveLength(1);
  });

  it('take-profit: profit_plan with its size (a ladder keeps each size), as in the documented example', async () => {
    const { adapter, calls } = bitget({ 'POST /api/v2/mix/order/place-tpsl-order': doc('place-tpsl-order response') });

    await adapter.createOrder(
      order({ side: 'sell', type: 'take_profit_market', amount: '0.0005', triggerPrice: '105000', reduceOnly: true }),
    );

    const example = doc('place-tpsl-order request');
    expect(calls()[0]?.path).toBe('/api/v2/mix/order/place-tpsl-order');
    expect(calls()[0]?.body).toMatchObject({
      planType: example.planType,
      size: '0.0005',
      triggerPrice: '105000',
      holdSide: 'buy',
      clientOid: ID,
    });
  });

  it('trailing stop: place-plan-order track_plan, callbackRatio in percent, activated at the last price', async () => {
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/market/ticker': doc('ticker response'),
      'POST /api/v2/mix/order/place-plan-order': doc('place-plan-order response'),
    });

    await adapter.createOrder(
      order({ side: 'sell', type: 'trailing_stop_market', amount: '0.002', trailingPercent: 1.5, reduceOnly: true }),
    );

    const [ticker, sent] = calls();
    expect(ticker?.query).toMatchObject({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES' });
    expect(sent?.path).toBe('/api/v2/mix/order/place-plan-order');
    // ccxt's captured trailing order (trailingPercent "10" → callbackRatio "10"), isolated, with ours
    expect(sent?.body).toEqual({
      ...ccxtBody('createOrder', 'Swap trailing order using trailingPercent and setting reduceOnly to true'),
      marginMode: 'isolated',
      triggerPrice: '1829.3',
      callbackRatio: '1.5',
      clientOid: ID,
    });
  });
});

describe('Bitget fetchOrderByClientId', () => {
  it('plain: GET /api/v2/mix/order/detail by clientOid; the captured reduce-only fill parses to base units and its fee', async () => {
    const capturedId = '1139547338494877697';
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/order/detail': captured('fetchOrder', 'swap reduceOnly sell order'),
    });

    const found = await adapter.fetchOrderByClientId(BTC, capturedId);

    expect(calls().map((r) => [r.method, r.path, r.query])).toEqual([
      ['GET', '/api/v2/mix/order/detail', { clientOid: capturedId, symbol: 'BTCUSDT', productType: 'USDT-FUTURES' }],
    ]);
    expect(found).toMatchObject({
      id: '1139547338494877696',
      clientOrderId: capturedId,
      status: 'closed',
      amount: '0.1',
      filled: '0.1',
      average: '68.67',
      fee: '0.0041202',
      reduceOnly: true,
    });
  });

  it.each(['40109', '43001'])('plain: Bitget code %s (documented "does not exist") means absent', async (code) => {
    const { adapter } = bitget({ 'GET /api/v2/mix/order/detail': () => bitgetError(code) });

    await expect(adapter.fetchOrderByClientId(BTC, ID)).resolves.toBeUndefined();
  });

  it('conditional pending: found on orders-plan-pending (planType profit_loss) by clientOid, never on the plain endpoint', async () => {
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/order/orders-plan-pending': doc('orders-plan-pending response'),
    });

    const found = await adapter.fetchOrderByClientId(ETH, '121212', { conditional: true });

    const documentedQuery = Object.fromEntries(
      new URL(documented('bitget', 'orders-plan-pending request') as string).searchParams,
    );
    expect(calls()).toHaveLength(1);
    expect(calls()[0]?.path).toBe('/api/v2/mix/order/orders-plan-pending');
    expect(calls()[0]?.query).toEqual({
      symbol: 'ETHUSDT',
      productType: documentedQuery.productType,
      planType: 'profit_loss',
      clientOid: '121212',
    });
    expect(found).toMatchObject({
      id: '123',
      clientOrderId: '121212',
      status: 'open',
      amount: '1',
      filled: '0',
      triggerPrice: '1901',
    });
  });

  it('conditional absent: both plan families asked, pending and history, each by clientOid → undefined', async () => {
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/order/orders-plan-pending': emptyPlanList(),
      'GET /api/v2/mix/order/orders-plan-history': emptyPlanList(),
    });

    await expect(adapter.fetchOrderByClientId(BTC, ID, { conditional: true })).resolves.toBeUndefined();

    expect(calls().map((r) => [r.path.split('/').pop(), r.query.planType, r.query.clientOid])).toEqual([
      ['orders-plan-pending', 'profit_loss', ID],
      ['orders-plan-pending', 'track_plan', ID],
      ['orders-plan-pending', 'normal_plan', ID],
      ['orders-plan-history', 'profit_loss', ID],
      ['orders-plan-history', 'track_plan', ID],
      ['orders-plan-history', 'normal_plan', ID],
    ]);
  });

  it('conditional, a trigger order (normal_plan): asked after the tpsl and trailing families; the documented normal_plan row is found', async () => {
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/order/orders-plan-pending': (r: SentRequest) => ({
        body:
          r.query.planType === 'normal_plan'
            ? planList('orders-plan-pending response', { clientOid: ID })
            : emptyPlanList(),
      }),
    });

    const found = await adapter.fetchOrderByClientId(ETH, ID, { conditional: true });

    expect(calls().map((r) => [r.path.split('/').pop(), r.query.planType, r.query.clientOid])).toEqual([
      ['orders-plan-pending', 'profit_loss', ID],
      ['orders-plan-pending', 'track_plan', ID],
      ['orders-plan-pending', 'normal_plan', ID],
    ]);
    // the documented row: normal_plan, 1 ETH, trigger 1901, not_trigger
    expect(found).toMatchObject({
      id: '123',
      clientOrderId: ID,
      type: 'stop_market',
      status: 'open',
      amount: '1',
      filled: '0',
      triggerPrice: '1901',
    });
  });

  it('conditional, a fired trigger order: the documented normal_plan history row (executed) is read through its executeOrderId', async () => {
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/order/orders-plan-pending': emptyPlanList(),
      'GET /api/v2/mix/order/orders-plan-history': (r: SentRequest) => ({
        body:
          r.query.planType === 'normal_plan'
            ? planList('orders-plan-history response', { clientOid: ID })
            : emptyPlanList(),
      }),
      'GET /api/v2/mix/order/detail': doc('order detail response'),
      'GET /api/v2/mix/order/fills': doc('fills response'),
    });

    const found = await adapter.fetchOrderByClientId(ETH, ID, { conditional: true });

    expect(calls().find((r) => r.path === '/api/v2/mix/order/detail')?.query).toMatchObject({ orderId: '123456' });
    expect(found).toMatchObject({
      id: '123456',
      clientOrderId: ID,
      status: 'closed',
      filled: '2',
      average: '1900',
      triggerPrice: '1989',
    });
  });

  it('conditional fired: the history row names the order it became (executeOrderId); its fill is reported under our id', async () => {
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/order/orders-plan-pending': emptyPlanList(),
      'GET /api/v2/mix/order/orders-plan-history': planList('orders-plan-history response', { clientOid: ID }),
      'GET /api/v2/mix/order/detail': doc('order detail response'),
      'GET /api/v2/mix/order/fills': doc('fills response'),
    });

    const found = await adapter.fetchOrderByClientId(ETH, ID, { conditional: true });

    const detail = calls().find((r) => r.path === '/api/v2/mix/order/detail');
    expect(detail?.query).toMatchObject({ orderId: '123456', symbol: 'ETHUSDT' });
    expect(found).toMatchObject({
      id: '123456',
      clientOrderId: ID,
      status: 'closed',
      filled: '2',
      average: '1900',
      triggerPrice: '1989',
    });
  });
});

describe('Bitget fetchOrderByClientId, a fired plan whose order is gone', () => {
  it('the executed order answers 40109: the history row\'s own fill is reported, never "absent"', async () => {
    const { adapter } = bitget({
      'GET /api/v2/mix/order/orders-plan-pending': emptyPlanList(),
      'GET /api/v2/mix/order/orders-plan-history': planList('orders-plan-history response', { clientOid: ID }),
      'GET /api/v2/mix/order/detail': () => bitgetError('40109'),
      'GET /api/v2/mix/order/fills': doc('fills response'),
    });

    const found = await adapter.fetchOrderByClientId(ETH, ID, { conditional: true });

    // the documented history row: 1 filled of 1 at 1999.2, triggered at 1989
    expect(found).toMatchObject({
      id: '123',
      clientOrderId: ID,
      status: 'closed',
      filled: '1',
      average: '1999.2',
      triggerPrice: '1989',
    });
  });
});

describe('Bitget cancelOrder', () => {
  it('plain: POST cancel-order by clientOid, exactly the captured request; the captured answer resolves', async () => {
    const { adapter, calls } = bitget({
      'POST /api/v2/mix/order/cancel-order': captured('cancelOrder', 'linear swap cancelOrder by clientOrderId'),
    });

    await adapter.cancelOrder(BTC, 'abc321');

    expect(calls().map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/api/v2/mix/order/cancel-order', ccxtBody('cancelOrder', 'cancel linear swap order by clientOrderId')],
    ]);
  });

  it('plain: "order does not exist" (43001) is already gone; an auth failure is not', async () => {
    await expect(
      bitget({ 'POST /api/v2/mix/order/cancel-order': () => bitgetError('43001') }).adapter.cancelOrder(BTC, ID),
    ).resolves.toBeUndefined();
    await expect(
      bitget({
        'POST /api/v2/mix/order/cancel-order': () => ({
          status: 400,
          body: { code: '40006', msg: 'Invalid ACCESS_KEY', requestTime: NOW, data: null },
        }),
      }).adapter.cancelOrder(BTC, ID),
    ).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('conditional: found pending, cancelled on cancel-plan-order with its planType and our clientOid', async () => {
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/order/orders-plan-pending': planList('orders-plan-pending response', {
        clientOid: 'a1b2c3',
        planType: 'pos_loss',
      }),
      'POST /api/v2/mix/order/cancel-plan-order': captured('cancelOrder', 'trailing cancel order with clientOrderId'),
    });

    await adapter.cancelOrder(BTC, 'a1b2c3', { conditional: true });

    const cancel = calls().find((r) => r.method === 'POST');
    expect(cancel?.path).toBe('/api/v2/mix/order/cancel-plan-order');
    expect(cancel?.body).toEqual({
      symbol: 'BTCUSDT',
      productType: 'USDT-FUTURES',
      marginCoin: 'USDT',
      planType: 'pos_loss',
      orderIdList: [{ clientOid: 'a1b2c3' }],
    });
    // the documented request names the same fields
    expect(Object.keys(doc('cancel-plan-order request'))).toEqual(
      expect.arrayContaining(['orderIdList', 'symbol', 'productType', 'marginCoin']),
    );
    // a trailing stop is cancelled with track_plan, as ccxt's captured trailing cancel does
    expect(ccxtBody('cancelOrder', 'trailing cancel order using clientOrderId')).toMatchObject({
      planType: 'track_plan',
      orderIdList: [{ clientOid: 'a1b2c3' }],
    });
  });

  it("conditional, a trigger order: found pending under normal_plan and cancelled with planType normal_plan (the documented row's)", async () => {
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/order/orders-plan-pending': (r: SentRequest) => ({
        body:
          r.query.planType === 'normal_plan'
            ? planList('orders-plan-pending response', { clientOid: 'a1b2c3' })
            : emptyPlanList(),
      }),
      'POST /api/v2/mix/order/cancel-plan-order': captured('cancelOrder', 'trailing cancel order with clientOrderId'),
    });

    await adapter.cancelOrder(BTC, 'a1b2c3', { conditional: true });

    const cancel = calls().find((r) => r.method === 'POST');
    expect(cancel?.body).toEqual({
      symbol: 'BTCUSDT',
      productType: 'USDT-FUTURES',
      marginCoin: 'USDT',
      planType: 'normal_plan',
      orderIdList: [{ clientOid: 'a1b2c3' }],
    });
  });

  it('conditional: our id in failureList while still pending is not "cancelled"', async () => {
    const answer = doc('cancel-plan-order response');
    const refused = {
      ...answer,
      data: { successList: [], failureList: (answer.data as { failureList: Json[] }).failureList },
    };
    const { adapter } = bitget({
      'GET /api/v2/mix/order/orders-plan-pending': planList('orders-plan-pending response', {
        clientOid: '123',
        planType: 'pos_loss',
      }),
      'POST /api/v2/mix/order/cancel-plan-order': refused,
    });

    await expect(adapter.cancelOrder(BTC, '123', { conditional: true })).rejects.toThrow(/left 123 live: notExistend/);
  });

  it('conditional: the 00000 answer of the documented example does not count for an id outside successList', async () => {
    const { adapter } = bitget({
      'GET /api/v2/mix/order/orders-plan-pending': planList('orders-plan-pending response', {
        clientOid: ID,
        planType: 'pos_loss',
      }),
      'POST /api/v2/mix/order/cancel-plan-order': doc('cancel-plan-order response'),
    });

    await expect(adapter.cancelOrder(BTC, ID, { conditional: true })).rejects.toThrow(/left .* live/);
  });

  it('conditional: not pending in either family → already gone, and nothing is posted', async () => {
    const { adapter, calls } = bitget({ 'GET /api/v2/mix/order/orders-plan-pending': emptyPlanList() });

    await expect(adapter.cancelOrder(BTC, ID, { conditional: true })).resolves.toBeUndefined();

    expect(calls().map((r) => [r.method, r.query.planType, r.query.clientOid])).toEqual([
      ['GET', 'profit_loss', ID],
      ['GET', 'track_plan', ID],
      ['GET', 'normal_plan', ID],
    ]);
  });
});

describe('Bitget open orders, positions, balance, fills, funding', () => {
  it('open orders: plain, tpsl, trailing and trigger (normal_plan) lists, on the URLs ccxt captured', async () => {
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/order/orders-pending': doc('orders-pending response'),
      'GET /api/v2/mix/order/orders-plan-pending': (r: SentRequest) => ({
        body:
          r.query.planType === 'profit_loss'
            ? doc('orders-plan-pending response')
            : r.query.planType === 'normal_plan'
              ? planList('orders-plan-pending response', { orderId: '124', clientOid: 'far-stop' })
              : emptyPlanList(),
      }),
    });

    const open = await adapter.fetchOpenOrders(BTC);

    const urls = calls().map((r) => ({ path: r.path, query: r.query }));
    const tpsl = ccxtUrl('fetchOpenOrders', 'fetch open tp/sl orders');
    expect(urls).toEqual([
      ccxtUrl('fetchOpenOrders', 'Swap open orders'),
      { ...tpsl, query: { ...tpsl.query, symbol: 'BTCUSDT' } },
      ccxtUrl('fetchOpenOrders', 'Swap open trailing orders'),
      // the documented request names the family in planType, as ccxt's captured tp/sl listing does
      { ...tpsl, query: { ...tpsl.query, symbol: 'BTCUSDT', planType: 'normal_plan' } },
    ]);
    expect(open.map((o) => [o.id, o.clientOrderId, o.status, o.amount, o.filled])).toEqual([
      ['123', '12321', 'open', '100', '12.1'],
      ['123', '121212', 'open', '1', '0'],
      ['124', 'far-stop', 'open', '1', '0'],
    ]);
  });

  it('open orders of every symbol: the product type alone, as ccxt captured it without a symbol', async () => {
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/order/orders-pending': doc('orders-pending response'),
      'GET /api/v2/mix/order/orders-plan-pending': emptyPlanList(),
    });

    await adapter.fetchOpenOrders();

    const {
      startTime: _s,
      limit: _l,
      ...capturedQuery
    } = ccxtUrl('fetchOpenOrders', 'Swap open orders without symbol').query;
    expect(calls().map((r) => [r.path, r.query])).toEqual([
      ['/api/v2/mix/order/orders-pending', capturedQuery],
      ['/api/v2/mix/order/orders-plan-pending', { ...capturedQuery, planType: 'profit_loss' }],
      ['/api/v2/mix/order/orders-plan-pending', { ...capturedQuery, planType: 'track_plan' }],
      ['/api/v2/mix/order/orders-plan-pending', { ...capturedQuery, planType: 'normal_plan' }],
    ]);
  });

  it('positions: all-position (the captured URL); the documented long parses to base units', async () => {
    const { adapter, calls } = bitget({ 'GET /api/v2/mix/position/all-position': doc('all-position response') });

    const positions = await adapter.fetchPositions();

    expect({ path: calls()[0]?.path, query: calls()[0]?.query }).toEqual(
      ccxtUrl('fetchPositions', 'Fetch linear positions'),
    );
    expect(positions).toEqual([
      {
        symbol: BTC,
        side: 'long',
        quantity: '0.01',
        entryPrice: '25000',
        leverage: 20,
        unrealizedPnl: '1',
        liquidationPrice: Number('24144.1124161806977798'),
      },
    ]);
  });

  it("position of one symbol: the documented BTC long is BTC's, and ETH has none", async () => {
    const { adapter } = bitget({ 'GET /api/v2/mix/position/all-position': doc('all-position response') });

    await expect(adapter.fetchPosition(BTC)).resolves.toMatchObject({ side: 'long', quantity: '0.01' });
    await expect(adapter.fetchPosition(ETH)).resolves.toBeUndefined();
  });

  it('balance: accounts list; equity is accountEquity, free is maxTransferOut', async () => {
    const { adapter, calls } = bitget({ 'GET /api/v2/mix/account/accounts': doc('accounts response') });

    const balance = await adapter.fetchBalance();

    expect({ path: calls()[0]?.path, query: calls()[0]?.query }).toEqual(
      ccxtUrl('fetchBalance', 'Fetch linear swap balance'),
    );
    expect(balance).toMatchObject({ currency: 'USDT', equity: '10582.90265771', free: '10572.92904289' });
  });

  it('fills: GET /api/v2/mix/order/fills; the captured fill in coins with its USDT fee, client id read from its order', async () => {
    const since = 1701792000000;
    const { adapter, calls } = bitget(
      {
        'GET /api/v2/mix/order/fills': captured('fetchMyTrades', 'swap trade'),
        'GET /api/v2/mix/order/detail': doc('order detail response'),
      },
      { clock: { now: () => since + 3_600_000 } },
    );

    const trades = await adapter.fetchMyTrades(BTC, since);

    const [fills, detail] = calls();
    expect(fills?.path).toBe(ccxtUrl('fetchMyTrades', 'Swap fetch private trades').path);
    expect(fills?.query).toMatchObject({
      symbol: 'BTCUSDT',
      productType: 'USDT-FUTURES',
      startTime: String(since),
      limit: '100',
    });
    expect(detail?.query).toMatchObject({ orderId: '1115965643967582214' });
    expect(trades).toEqual([
      {
        id: '1115965644337205249',
        orderId: '1115965643967582214',
        clientOrderId: '77777',
        symbol: BTC,
        side: 'buy',
        amount: '0.1',
        price: '72.25',
        fee: '0.004335',
        timestamp: 1701792863926,
      },
    ]);
  });

  it('funding: account bill, businessType contract_settle_fee; the documented settlement is a payment (negative)', async () => {
    const since = 1695715200000;
    const { adapter, calls } = bitget(
      { 'GET /api/v2/mix/account/bill': doc('account bill response') },
      { clock: { now: () => since + 86_400_000 } },
    );

    const payments = await adapter.fetchFundingPayments(BTC, since);

    const captured = ccxtUrl('fetchFundingHistory', 'fetch funding history');
    expect(calls()[0]?.path).toBe(captured.path);
    expect(calls()[0]?.query).toMatchObject(captured.query);
    expect(payments).toEqual([{ symbol: BTC, amount: '-0.004992', timestamp: 1695715200654, id: '1' }]);
  });
});

describe('Bitget leverage, margin mode, position mode', () => {
  it('isolated margin then leverage: the captured requests (set-leverage carries no marginMode)', async () => {
    const { adapter, calls } = bitget({
      'POST /api/v2/mix/account/set-margin-mode': doc('set-margin-mode response'),
      'POST /api/v2/mix/account/set-leverage': doc('set-leverage response'),
    });

    await adapter.setLeverage(BTC, 15);

    expect(calls().map((r) => [r.path, r.body])).toEqual([
      [
        '/api/v2/mix/account/set-margin-mode',
        { ...ccxtBody('setMarginMode', 'Set margin mode to isolated'), symbol: 'BTCUSDT' },
      ],
      ['/api/v2/mix/account/set-leverage', { ...ccxtBody('setLeverage', 'Set linear leverage'), symbol: 'BTCUSDT' }],
    ]);
  });

  it('hedge mode read from the account (posMode) and switched with the documented one-way request', async () => {
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/account/account': doc('single account response'),
      'POST /api/v2/mix/account/set-position-mode': doc('set-position-mode response'),
    });

    await expect(adapter.ensureOneWayMode()).resolves.toBe('switched');

    const documentedQuery = Object.fromEntries(
      new URL(documented('bitget', 'single account request') as string).searchParams,
    );
    expect(Object.keys(calls()[0]?.query ?? {}).sort()).toEqual(Object.keys(documentedQuery).sort());
    expect(calls()[0]?.query).toMatchObject({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT' });
    expect(calls()[1]?.body).toEqual(doc('set-position-mode request'));
  });

  it('one-way already: read only, nothing set', async () => {
    const answer = doc('single account response');
    const { adapter, calls } = bitget({
      'GET /api/v2/mix/account/account': { ...answer, data: { ...(answer.data as Json), posMode: 'one_way_mode' } },
    });

    await expect(adapter.ensureOneWayMode()).resolves.toBe('one-way');
    expect(calls()).toHaveLength(1);
  });
});

describe('Bitget key check', () => {
  /** The documented answer with its authorities replaced by codes from the same page's list. */
  function withAuthorities(authorities: string[]): Json {
    const documentedCodes = String(documented('bitget', 'account info authorities'));
    for (const code of authorities) expect(documentedCodes).toContain(`${code}:`);
    const answer = doc('account info response');
    return { ...answer, data: { ...(answer.data as Json), authorities } };
  }

  it('GET /api/v2/spot/account/info: wwow is a key that can withdraw; the IP whitelist is read from ips', async () => {
    const { adapter, calls } = bitget({ 'GET /api/v2/spot/account/info': withAuthorities(['coor', 'coow', 'wwow']) });

    await expect(adapter.keyPermissions()).resolves.toEqual({ canWithdraw: true, ipRestricted: true, warnings: [] });
    expect(calls().map((r) => [r.method, r.path])).toEqual([['GET', '/api/v2/spot/account/info']]);
  });

  it('no futures order writing is warned about; no wwow cannot withdraw', async () => {
    const { adapter } = bitget({ 'GET /api/v2/spot/account/info': withAuthorities(['coor', 'cpor']) });

    await expect(adapter.keyPermissions()).resolves.toMatchObject({
      canWithdraw: false,
      warnings: [expect.stringContaining('futures order trading')],
    });
  });

  it('the documented example ["trade", "readonly"] decides nothing about withdrawals and says so', async () => {
    const { adapter } = bitget({ 'GET /api/v2/spot/account/info': doc('account info response') });

    const permissions = await adapter.keyPermissions();

    expect(permissions?.canWithdraw).toBeUndefined();
    expect(permissions).toMatchObject({
      ipRestricted: true,
      warnings: [expect.stringContaining('make sure withdrawals are disabled')],
    });
  });
});
