// OKX v5 against OKX's own evidence: every request the adapter makes is recorded (method, path,
// query, body) with ccxt's real request building and signing, and answered with a body OKX's
// documentation shows (test/fixtures/exchange/docs/okx.json) or ccxt captured from OKX
// (test/fixtures/exchange/ccxt-static/okx.*.json). Only the transport is replaced.
import { Big } from '../../shared/core/domain/money';
import { SignalRejectedError } from '../../shared/core/errors';
import { DuplicateClientOrderIdError, type OrderRequest } from '../../shared/core/ports/exchange';
import { clientOrderIdFor } from '../../shared/core/signal/ids';
import { NOW, ccxtStatic, conformanceAdapter, documented, type Answer, type SentRequest } from './harness';

const SIGNAL = 's0123456789abcdef0123456789abcde';
const OPEN_ID = clientOrderIdFor(SIGNAL, 'open');
const CLOSE_ID = clientOrderIdFor(SIGNAL, 'close');
const SL_ID = clientOrderIdFor(SIGNAL, 'sl');
const TP_ID = clientOrderIdFor(SIGNAL, 'tp');
const TRAIL_ID = clientOrderIdFor(SIGNAL, 'trail');
const BTC = 'BTC/USDT:USDT';
/** BTC-USDT-SWAP: one contract is 0.01 BTC (ctVal in the recorded instruments payload) */
const CONTRACT = '0.01';

type Body = Record<string, unknown>;
const doc = (name: string): Body => documented('okx', name) as Body;
const docRows = (name: string): string[] => documented('okx', name) as string[];
const captured = (method: string, description: string): Body =>
  ccxtStatic('okx', 'response', method, description).httpResponse as Body;
/** The path and query ccxt's captured request for this unified call reached. */
const capturedUrl = (method: string, description: string): URL =>
  new URL(ccxtStatic('okx', 'request', method, description).url as string);

/** The first data row of a documented body, with the fields given replaced (each replacement is named in the test). */
function docWith(name: string, fields: Body): Body {
  const body = doc(name);
  const [row] = body.data as Body[];
  return { ...body, data: [{ ...row, ...fields }] };
}

/** An OKX error answer: the documented envelope, the documented code and message (errorCodes.trade). */
function okxError(code: string, envelope?: { name: string; id: Body }): Body {
  const row = docRows('errorCodes.trade').find((r) => r.startsWith(`${code} |`));
  if (!row) throw new Error(`no documented OKX error ${code}`);
  const message = row.split(' | ')[2] as string;
  if (!envelope) return { code, msg: message, data: [] };
  const [first] = doc(envelope.name).data as Body[];
  return { code: '1', msg: '', data: [{ ...first, ...envelope.id, sCode: code, sMsg: message }] };
}

const ok = (body: unknown): Answer => ({ body });

/** Routes by "METHOD path"; each route answers in turn (the last repeats). */
function routes(table: Record<string, Body | Body[]>) {
  const used: Record<string, number> = {};
  return (request: SentRequest): Answer | undefined => {
    const key = `${request.method} ${request.path}`;
    const entry = table[key];
    if (!entry) return undefined;
    const list = Array.isArray(entry) ? entry : [entry];
    const n = used[key] ?? 0;
    used[key] = n + 1;
    return ok(list[Math.min(n, list.length - 1)]);
  };
}

const order = (overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  symbol: BTC,
  side: 'buy',
  type: 'market',
  amount: '0.05678',
  reduceOnly: false,
  clientOrderId: OPEN_ID,
  ...overrides,
});

const placedPlain = captured('createOrder', 'type2 & type3 together');
const placedAlgo = doc('placeAlgoOrder.response');

function only(calls: SentRequest[]): SentRequest {
  expect(calls).toHaveLength(1);
  return calls[0] as SentRequest;
}

describe('OKX market loading', () => {
  it('is one public instruments request: no signed currencies call with credentials', async () => {
    const { adapter, sent } = conformanceAdapter('okx', () => undefined);

    const market = await adapter.loadMarket(BTC);

    expect(sent.map((r) => `${r.method} ${r.path}?${new URLSearchParams(r.query).toString()}`)).toEqual([
      'GET /api/v5/public/instruments?instType=SWAP',
    ]);
    expect(sent[0]?.headers['OK-ACCESS-SIGN']).toBeUndefined();
    expect(market).toMatchObject({ contractSize: CONTRACT, amountStep: '0.0001' });
  });
});

describe('OKX plain orders: POST /api/v5/trade/batch-orders, our id in clOrdId, size in contracts, tdMode', () => {
  const place = async (request: OrderRequest, marginMode: 'isolated' | 'cross' = 'isolated') => {
    const c = conformanceAdapter('okx', routes({ 'POST /api/v5/trade/batch-orders': placedPlain }), { marginMode });
    await c.adapter.loadMarket(BTC);
    const placed = await c.adapter.createOrder(request);
    // The answer carries ids only: an order that fills at once (market, IOC) is read back by clOrdId
    // (GET /api/v5/trade/order; unanswered here, so the acknowledgement stands).
    const fillsAtOnce = request.type === 'market' || request.timeInForce === 'IOC';
    const [sent, ...readBack] = c.calls();
    if (!sent) throw new Error('nothing was sent');
    expect(readBack.map((r) => `${r.method} ${r.path} ${r.query.clOrdId}`)).toEqual(
      fillsAtOnce ? [`GET /api/v5/trade/order ${request.clientOrderId}`] : [],
    );
    expect(`${sent.method} ${sent.path}`).toBe('POST /api/v5/trade/batch-orders');
    const body = (sent.body as unknown as Body[])[0] as Body;
    // every field is one "Place multiple orders" documents, typed as its request example types it
    const documentedFields = docRows('placeMultipleOrders.params').map((r) => r.split(' | ')[0]);
    expect(documentedFields).toEqual(expect.arrayContaining(Object.keys(body)));
    const [example] = documented('okx', 'placeMultipleOrders.request') as Body[];
    for (const field of Object.keys(body))
      if (example && field in example) expect(typeof body[field]).toBe(typeof example[field]);
    return { placed, body };
  };

  it('market: 0.05678 BTC is 5.67 contracts (rounded down), isolated, clOrdId = our id, no algo id', async () => {
    const { placed, body } = await place(order());

    expect(body).toEqual({
      instId: 'BTC-USDT-SWAP',
      side: 'buy',
      ordType: 'market',
      sz: '5.67',
      tdMode: 'isolated',
      clOrdId: OPEN_ID,
    });
    // ccxt's captured answer: the order id OKX gave, nothing filled yet (the fill is read by look-up)
    expect(placed).toMatchObject({ id: '2896576259728695296', status: 'open', filled: '0' });
  });

  it('cross margin travels as tdMode cross', async () => {
    const { body } = await place(order(), 'cross');
    expect(body).toMatchObject({ tdMode: 'cross' });
  });

  it('limit GTC is ordType limit with px on the tick', async () => {
    const { body } = await place(order({ type: 'limit', price: '96000.1', timeInForce: 'GTC' }));
    expect(body).toMatchObject({ ordType: 'limit', px: '96000.1', sz: '5.67', clOrdId: OPEN_ID });
  });

  it('limit IOC is ordType ioc', async () => {
    const { body } = await place(order({ type: 'limit', price: '96000.1', timeInForce: 'IOC' }));
    expect(body).toMatchObject({ ordType: 'ioc', px: '96000.1' });
  });

  it('post-only is ordType post_only', async () => {
    const { body } = await place(order({ type: 'limit', price: '96000.1', timeInForce: 'PO' }));
    expect(body).toMatchObject({ ordType: 'post_only', px: '96000.1' });
  });

  it('a close is reduceOnly true (boolean, as OKX documents it), sell side', async () => {
    const { body } = await place(order({ side: 'sell', reduceOnly: true, amount: '0.0567', clientOrderId: CLOSE_ID }));
    const documentedType = typeof doc('placeAlgoOrder.request.trailing').reduceOnly;
    expect(body).toMatchObject({ side: 'sell', ordType: 'market', sz: '5.67', reduceOnly: true, clOrdId: CLOSE_ID });
    expect(typeof body.reduceOnly).toBe(documentedType);
  });

  it('a duplicate client id (51016 "Client order ID already exists.") is DuplicateClientOrderIdError, not a refusal', async () => {
    const c = conformanceAdapter(
      'okx',
      routes({
        'POST /api/v5/trade/batch-orders': okxError('51016', {
          name: 'cancelOrder.response',
          id: { clOrdId: OPEN_ID, ordId: '' },
        }),
      }),
    );
    await expect(c.adapter.createOrder(order())).rejects.toBeInstanceOf(DuplicateClientOrderIdError);
  });

  it('50071 ("{param} already exists", e.g. clOrdId) is a duplicate id too', async () => {
    const c = conformanceAdapter(
      'okx',
      routes({
        'POST /api/v5/trade/batch-orders': okxError('50071', {
          name: 'cancelOrder.response',
          id: { clOrdId: OPEN_ID, ordId: '' },
        }),
      }),
    );
    await expect(c.adapter.createOrder(order())).rejects.toBeInstanceOf(DuplicateClientOrderIdError);
  });
});

describe('OKX protective orders: POST /api/v5/trade/order-algo with the documented algoClOrdId', () => {
  const place = async (request: OrderRequest) => {
    const c = conformanceAdapter('okx', routes({ 'POST /api/v5/trade/order-algo': placedAlgo }));
    await c.adapter.loadMarket(BTC);
    const placed = await c.adapter.createOrder(request);
    const sent = only(c.calls());
    expect(`${sent.method} ${sent.path}`).toBe('POST /api/v5/trade/order-algo');
    return { placed, body: sent.body as Body };
  };

  it('stop-loss: ordType conditional, slTriggerPx, slOrdPx -1 (market), reduce-only, algoClOrdId = our id', async () => {
    const { placed, body } = await place(
      order({
        side: 'sell',
        type: 'stop_market',
        amount: '0.0567',
        triggerPrice: '93000.5',
        reduceOnly: true,
        clientOrderId: SL_ID,
      }),
    );

    expect(body).toMatchObject({
      instId: 'BTC-USDT-SWAP',
      side: 'sell',
      ordType: 'conditional',
      sz: '5.67',
      tdMode: 'isolated',
      slTriggerPx: '93000.5',
      slOrdPx: '-1',
      reduceOnly: true,
    });
    expect(body.algoClOrdId).toBe(SL_ID);
    expect(body.tpTriggerPx).toBeUndefined();
    // OKX's documented answer carries algoId (the order's id) and an empty clOrdId
    expect(placed).toMatchObject({ id: '1836487817828872192', clientOrderId: SL_ID, type: 'stop_market' });
  });

  it('take-profit: ordType conditional, tpTriggerPx, tpOrdPx -1, algoClOrdId = our id', async () => {
    const { body } = await place(
      order({
        side: 'sell',
        type: 'take_profit_market',
        amount: '0.03',
        triggerPrice: '101000',
        reduceOnly: true,
        clientOrderId: TP_ID,
      }),
    );

    expect(body).toMatchObject({
      ordType: 'conditional',
      sz: '3',
      tpTriggerPx: '101000',
      tpOrdPx: '-1',
      reduceOnly: true,
      algoClOrdId: TP_ID,
    });
    expect(body.slTriggerPx).toBeUndefined();
  });

  it('trailing stop: the documented trailing example fields (ordType move_order_stop, callbackRatio as a ratio), algoClOrdId', async () => {
    const example = doc('placeAlgoOrder.request.trailing');
    const { body } = await place(
      order({
        side: 'sell',
        type: 'trailing_stop_market',
        amount: '0.0567',
        trailingPercent: 1.5,
        reduceOnly: true,
        clientOrderId: TRAIL_ID,
      }),
    );

    expect(body).toMatchObject({
      ordType: example.ordType,
      callbackRatio: '0.015',
      sz: '5.67',
      reduceOnly: true,
      algoClOrdId: TRAIL_ID,
    });
    for (const field of ['instId', 'tdMode', 'side', 'ordType', 'sz', 'callbackRatio', 'reduceOnly'])
      expect(typeof body[field]).toBe(typeof example[field]);
    // ccxt's captured trailing request is the same endpoint and order type
    expect(capturedUrl('createOrder', 'Swap trailingPercent order').pathname).toBe('/api/v5/trade/order-algo');
  });

  it('the fields we send are the ones OKX documents for algo orders', () => {
    const documentedFields = docRows('placeAlgoOrder.params').map((r) => r.split(' | ')[0]);
    expect(documentedFields).toEqual(
      expect.arrayContaining([
        'algoClOrdId',
        'ordType',
        'slTriggerPx',
        'slOrdPx',
        'tpTriggerPx',
        'callbackRatio',
        'reduceOnly',
      ]),
    );
  });
});

describe('OKX look-up by client id', () => {
  it('plain: GET /api/v5/trade/order?instId&clOrdId; the documented filled order parses to base units, average and a quote fee', async () => {
    const c = conformanceAdapter('okx', routes({ 'GET /api/v5/trade/order': doc('orderDetails.response') }));
    await c.adapter.loadMarket(BTC);

    const found = await c.adapter.fetchOrderByClientId(BTC, OPEN_ID);

    const sent = only(c.calls());
    expect(sent.method).toBe('GET');
    expect(sent.path).toBe('/api/v5/trade/order');
    expect(sent.query).toEqual({ instId: 'BTC-USDT-SWAP', clOrdId: OPEN_ID });
    expect(docRows('orderDetails.params').map((r) => r.split(' | ')[0])).toEqual(
      expect.arrayContaining(Object.keys(sent.query)),
    );
    // accFillSz 0.00192834 (contracts here) × 0.01; fee -0.00000192834 BTC at avgPx 51858
    expect(found).toMatchObject({
      id: '680800019749904384',
      clientOrderId: OPEN_ID,
      status: 'closed',
      filled: new Big('0.00192834').times(CONTRACT).toString(),
      average: '51858',
      fee: new Big('0.00000192834').times('51858').toString(), // exact: no rounding to 1e-8 on the way
    });
  });

  it('plain absent: 51603 "Order does not exist." for the clOrdId asked is undefined', async () => {
    const c = conformanceAdapter('okx', routes({ 'GET /api/v5/trade/order': okxError('51603') }));
    await expect(c.adapter.fetchOrderByClientId(BTC, OPEN_ID)).resolves.toBeUndefined();
    expect(only(c.calls()).query.clOrdId).toBe(OPEN_ID);
  });

  it('conditional: GET /api/v5/trade/order-algo with only the documented algoClOrdId; a live order reads open, under our id', async () => {
    const c = conformanceAdapter('okx', routes({ 'GET /api/v5/trade/order-algo': doc('algoOrderDetails.response') }));
    await c.adapter.loadMarket(BTC);

    const found = await c.adapter.fetchOrderByClientId(BTC, TP_ID, { conditional: true });

    const sent = only(c.calls());
    expect(`${sent.method} ${sent.path}`).toBe('GET /api/v5/trade/order-algo');
    expect(sent.query).toEqual({ algoClOrdId: TP_ID });
    expect(docRows('algoOrderDetails.params').map((r) => r.split(' | ')[0])).toContain('algoClOrdId');
    expect(found).toMatchObject({
      id: '1753184812254216192',
      clientOrderId: TP_ID,
      status: 'open',
      type: 'take_profit_market',
    });
  });

  it('conditional fired: state effective → the fill of the order in ordIdList, reported under our id', async () => {
    const fired = doc('algoOrderHistory.response');
    const c = conformanceAdapter(
      'okx',
      routes({ 'GET /api/v5/trade/order-algo': fired, 'GET /api/v5/trade/order': doc('orderDetails.response') }),
    );
    await c.adapter.loadMarket(BTC);

    const found = await c.adapter.fetchOrderByClientId(BTC, SL_ID, { conditional: true });

    const [algo, spawned, ...rest] = c.calls();
    expect(rest).toEqual([]);
    expect(algo?.query).toEqual({ algoClOrdId: SL_ID });
    expect(`${spawned?.method} ${spawned?.path}`).toBe('GET /api/v5/trade/order');
    expect(spawned?.query).toEqual({
      instId: 'BTC-USDT-SWAP',
      ordId: ((fired.data as Body[])[0]?.ordIdList as string[])[0],
    });
    expect(found).toMatchObject({ id: '680800019749904384', clientOrderId: SL_ID, status: 'closed', average: '51858' });
  });

  it('the fired order is read from ordIdList, the field OKX keeps ("ordId … will be deprecated soon")', async () => {
    const c = conformanceAdapter(
      'okx',
      routes({
        'GET /api/v5/trade/order-algo': docWith('algoOrderHistory.response', { ordId: '' }),
        'GET /api/v5/trade/order': doc('orderDetails.response'),
      }),
    );
    await c.adapter.loadMarket(BTC);

    await c.adapter.fetchOrderByClientId(BTC, SL_ID, { conditional: true });

    expect(c.calls()[1]?.query.ordId).toBe('1884789786215137280');
  });

  it('a split TP/SL: every order in ordIdList is read and their fills merged, exact sums and the fill-weighted average', async () => {
    // OKX documents no example with several ids: the documented fired order with two ids in its ordIdList, each
    // answered by the documented order details as a filled BTC-USDT-SWAP order (fields replaced: ordId, instId,
    // instType, sz, accFillSz, avgPx, fee, feeCcy).
    const ids = ['1884789786215137280', '1884789786215137281'];
    const part = (ordId: string, fields: Body): Body =>
      docWith('orderDetails.response', { ordId, instId: 'BTC-USDT-SWAP', instType: 'SWAP', feeCcy: 'USDT', ...fields });
    const parts: Record<string, Body> = {
      [ids[0] as string]: part(ids[0] as string, { sz: '3', accFillSz: '3', avgPx: '51858', fee: '-0.077787' }),
      [ids[1] as string]: part(ids[1] as string, { sz: '2', accFillSz: '2', avgPx: '51860.1', fee: '-0.05186' }),
    };
    const c = conformanceAdapter('okx', (r) => {
      if (`${r.method} ${r.path}` === 'GET /api/v5/trade/order-algo')
        return ok(docWith('algoOrderHistory.response', { ordIdList: ids }));
      if (`${r.method} ${r.path}` === 'GET /api/v5/trade/order')
        return parts[r.query.ordId ?? ''] ? ok(parts[r.query.ordId ?? '']) : undefined;
      return undefined;
    });
    await c.adapter.loadMarket(BTC);

    const found = await c.adapter.fetchOrderByClientId(BTC, SL_ID, { conditional: true });

    expect(
      c
        .calls()
        .slice(1)
        .map((r) => r.query.ordId),
    ).toEqual(ids);
    // 3 and 2 contracts of 0.01 BTC: 0.05 BTC; (0.03 × 51858 + 0.02 × 51860.1) / 0.05 = 51858.84; fees 0.077787 + 0.05186
    const filled = new Big('3').plus('2').times(CONTRACT);
    expect(found).toMatchObject({
      id: ids[0],
      clientOrderId: SL_ID,
      status: 'closed',
      amount: filled.toString(),
      filled: filled.toString(),
      average: '51858.84',
      fee: '0.129647',
    });
  });

  it('conditional absent: an empty answer for the algoClOrdId asked is undefined', async () => {
    const c = conformanceAdapter('okx', routes({ 'GET /api/v5/trade/order-algo': { code: '0', data: [], msg: '' } }));
    await expect(c.adapter.fetchOrderByClientId(BTC, SL_ID, { conditional: true })).resolves.toBeUndefined();
  });
});

describe('OKX cancel by client id', () => {
  it('plain: POST /api/v5/trade/cancel-order {instId, clOrdId}; the documented answer resolves', async () => {
    const c = conformanceAdapter('okx', routes({ 'POST /api/v5/trade/cancel-order': doc('cancelOrder.response') }));
    await c.adapter.loadMarket(BTC);

    await c.adapter.cancelOrder(BTC, OPEN_ID);

    const sent = only(c.calls());
    expect(`${sent.method} ${sent.path}`).toBe(`POST ${capturedUrl('cancelOrder', 'Swap cancel order').pathname}`);
    expect(sent.body).toEqual({ instId: 'BTC-USDT-SWAP', clOrdId: OPEN_ID });
    expect(docRows('cancelOrder.params').map((r) => r.split(' | ')[0])).toEqual(
      expect.arrayContaining(Object.keys(sent.body as Body)),
    );
  });

  it('plain "not found": 51400 (filled, canceled or does not exist) for the clOrdId sent means already gone', async () => {
    const c = conformanceAdapter(
      'okx',
      routes({
        'POST /api/v5/trade/cancel-order': okxError('51400', {
          name: 'cancelOrder.response',
          id: { clOrdId: OPEN_ID, ordId: '' },
        }),
      }),
    );
    await expect(c.adapter.cancelOrder(BTC, OPEN_ID)).resolves.toBeUndefined();
    expect(only(c.calls()).body).toMatchObject({ clOrdId: OPEN_ID });
  });

  it('conditional: POST /api/v5/trade/cancel-algos [{instId, algoClOrdId}]; the documented answer resolves', async () => {
    const c = conformanceAdapter('okx', routes({ 'POST /api/v5/trade/cancel-algos': doc('cancelAlgos.response') }));
    await c.adapter.loadMarket(BTC);

    await c.adapter.cancelOrder(BTC, SL_ID, { conditional: true });

    const sent = only(c.calls());
    expect(sent.path).toBe(capturedUrl('cancelOrder', 'Cancel stop order').pathname);
    expect(sent.body).toEqual([{ instId: 'BTC-USDT-SWAP', algoClOrdId: SL_ID }]);
    const documentedFields = docRows('cancelAlgos.params').map((r) => r.split(' | ')[0]);
    expect(documentedFields).toEqual(expect.arrayContaining(Object.keys((sent.body as unknown as Body[])[0] as Body)));
  });

  it('a refusal that is not "not found" (51000 parameter error) is not read as already gone', async () => {
    const c = conformanceAdapter(
      'okx',
      routes({ 'POST /api/v5/trade/cancel-algos': { code: '51000', msg: 'Parameter algoClOrdId error', data: [] } }),
    );
    await expect(c.adapter.cancelOrder(BTC, SL_ID, { conditional: true })).rejects.toBeInstanceOf(SignalRejectedError);
  });
});

describe('OKX open orders', () => {
  it('plain book, then the algo book once per type we place (conditional, move_order_stop) — never ordType=trigger', async () => {
    const c = conformanceAdapter('okx', (request) => {
      if (request.path === '/api/v5/trade/orders-pending') return ok({ code: '0', data: [], msg: '' });
      if (request.path === '/api/v5/trade/orders-algo-pending' && request.query.ordType === 'conditional')
        return ok(captured('fetchOpenOrders', 'fetchOpenOrders trigger with since = 0'));
      if (request.path === '/api/v5/trade/orders-algo-pending') return ok({ code: '0', data: [], msg: '' });
      return undefined;
    });
    await c.adapter.loadMarket(BTC);

    const open = await c.adapter.fetchOpenOrders(BTC);

    const calls = c.calls();
    expect(calls.map((r) => `${r.method} ${r.path} ${r.query.ordType ?? ''}`.trim())).toEqual([
      'GET /api/v5/trade/orders-pending',
      'GET /api/v5/trade/orders-algo-pending conditional',
      'GET /api/v5/trade/orders-algo-pending move_order_stop',
    ]);
    expect(calls.every((r) => r.query.instId === 'BTC-USDT-SWAP')).toBe(true);
    // the same requests ccxt captured for "open stop orders" and "open trailing orders"
    expect(capturedUrl('fetchOpenOrders', 'Fetch open stop orders').searchParams.get('ordType')).toBe('conditional');
    expect(capturedUrl('fetchOpenOrders', 'Swap fetch open trailing orders').searchParams.get('ordType')).toBe(
      'move_order_stop',
    );
    expect(docRows('algoOrderList.params')[0]).toContain('`conditional` and `oco` both can be used');
    // ccxt's own `trigger: true` asks for trigger orders only, a type we never place
    expect(capturedUrl('fetchOpenOrders', 'fetch open trigger orders').searchParams.get('ordType')).toBe('trigger');
    // ccxt's captured live stop is on LTC-USDT-SWAP: ccxt keeps only the symbol asked for
    expect(open).toEqual([]);
  });
});

describe('OKX leverage and margin mode', () => {
  it('isolated: one POST /api/v5/account/set-leverage, exactly the documented SWAP isolated net-mode body', async () => {
    const c = conformanceAdapter('okx', routes({ 'POST /api/v5/account/set-leverage': doc('setLeverage.response') }));
    await c.adapter.loadMarket(BTC);

    await c.adapter.setLeverage(BTC, 5);

    const sent = only(c.calls());
    expect(sent.path).toBe(capturedUrl('setMarginMode', 'set margin mode isolated').pathname);
    expect(sent.body).toEqual(doc('setLeverage.request.swapIsolatedNet'));
  });

  it('cross: the documented SWAP cross body', async () => {
    const c = conformanceAdapter('okx', routes({ 'POST /api/v5/account/set-leverage': doc('setLeverage.response') }), {
      marginMode: 'cross',
    });
    await c.adapter.loadMarket(BTC);

    await c.adapter.setLeverage(BTC, 5);

    expect(only(c.calls()).body).toEqual(doc('setLeverage.request.swapCross'));
  });

  it('leverage already set in this container is not sent again', async () => {
    const c = conformanceAdapter('okx', routes({ 'POST /api/v5/account/set-leverage': doc('setLeverage.response') }));
    await c.adapter.setLeverage(BTC, 5);
    await c.adapter.setLeverage(BTC, 5);
    expect(only(c.calls()).path).toBe('/api/v5/account/set-leverage');
  });
});

describe('OKX position mode (posMode)', () => {
  it('long_short_mode (the documented config) is switched: POST /api/v5/account/set-position-mode {posMode: net_mode}', async () => {
    const c = conformanceAdapter(
      'okx',
      routes({
        'GET /api/v5/account/config': doc('accountConfig.response'),
        'POST /api/v5/account/set-position-mode': doc('setPositionMode.response'),
      }),
    );

    await expect(c.adapter.ensureOneWayMode()).resolves.toBe('switched');

    const [read, set, ...rest] = c.calls();
    expect(rest).toEqual([]);
    expect(`${read?.method} ${read?.path}`).toBe(
      `GET ${capturedUrl('fetchPositionMode', 'Fetch position mode').pathname}`,
    );
    expect(`${set?.method} ${set?.path}`).toBe('POST /api/v5/account/set-position-mode');
    expect(set?.body).toEqual({ posMode: 'net_mode' });
    expect(docRows('setPositionMode.params')[0]).toContain('`net_mode`: net');
  });

  it('net_mode (the documented config with the other documented posMode value) is left alone', async () => {
    const c = conformanceAdapter(
      'okx',
      routes({ 'GET /api/v5/account/config': docWith('accountConfig.response', { posMode: 'net_mode' }) }),
    );
    await expect(c.adapter.ensureOneWayMode()).resolves.toBe('one-way');
    expect(only(c.calls()).path).toBe('/api/v5/account/config');
  });
});

describe('OKX key check', () => {
  it('reads perm and ip from GET /api/v5/account/config: the documented key can withdraw and is bound to no IP', async () => {
    const c = conformanceAdapter('okx', routes({ 'GET /api/v5/account/config': doc('accountConfig.response') }));

    await expect(c.adapter.keyPermissions()).resolves.toEqual({ canWithdraw: true, ipRestricted: false, warnings: [] });
    expect(only(c.calls()).path).toBe('/api/v5/account/config');
  });

  it('a read-only key bound to an IP (documented values of perm and ip) cannot withdraw and is told it cannot trade', async () => {
    const c = conformanceAdapter(
      'okx',
      routes({
        'GET /api/v5/account/config': docWith('accountConfig.response', {
          perm: 'read_only',
          ip: '117.37.203.58,117.37.203.57',
        }),
      }),
    );
    await expect(c.adapter.keyPermissions()).resolves.toMatchObject({
      canWithdraw: false,
      ipRestricted: true,
      warnings: [expect.stringContaining('trade')],
    });
  });
});

describe('OKX fills, funding, positions, balance', () => {
  it('fills: GET /api/v5/trade/fills-history (instType SWAP, instId, begin), parameters OKX documents', async () => {
    const since = NOW - 24 * 60 * 60_000;
    const c = conformanceAdapter('okx', routes({ 'GET /api/v5/trade/fills-history': doc('fillsHistory.response') }));
    await c.adapter.loadMarket(BTC);

    const trades = await c.adapter.fetchMyTrades(BTC, since);

    const sent = only(c.calls());
    expect(sent.path).toBe(capturedUrl('fetchMyTrades', 'Swap fetch my trades').pathname);
    expect(sent.query).toEqual({ instId: 'BTC-USDT-SWAP', instType: 'SWAP', begin: String(since) });
    expect(docRows('fillsHistory.params').map((r) => r.split(' | ')[0])).toEqual(
      expect.arrayContaining(Object.keys(sent.query)),
    );
    // OKX's documented fill is a BTC-USDT spot fill: ccxt keeps only the symbol asked for
    expect(trades).toEqual([]);
  });

  it('funding: GET /api/v5/account/bills-archive with type 8 and only documented parameters (instType, instId, ccy, ctType, begin, limit)', async () => {
    const since = NOW - 24 * 60 * 60_000;
    const c = conformanceAdapter(
      'okx',
      routes({ 'GET /api/v5/account/bills-archive': { code: '0', msg: '', data: [] } }),
    );
    await c.adapter.loadMarket(BTC);

    await expect(c.adapter.fetchFundingPayments(BTC, since)).resolves.toEqual([]);

    const sent = only(c.calls());
    expect(sent.query).toEqual({
      type: '8',
      limit: '100',
      ctType: 'linear',
      ccy: 'USDT',
      instType: 'SWAP',
      begin: String(since),
      instId: 'BTC-USDT-SWAP',
    });
    const documentedParams = docRows('billsArchive.params').map((r) => r.split(' | ')[0]);
    expect(documentedParams).toEqual(expect.arrayContaining(Object.keys(sent.query)));
  });

  it('position: GET /api/v5/account/positions?instId — the request ccxt captured', async () => {
    const c = conformanceAdapter('okx', routes({ 'GET /api/v5/account/positions': { code: '0', data: [], msg: '' } }));
    await c.adapter.loadMarket(BTC);

    await expect(c.adapter.fetchPosition(BTC)).resolves.toBeUndefined();

    const sent = only(c.calls());
    expect(sent.path).toBe(capturedUrl('fetchPositions', 'Fetch positions with a symbols argument').pathname);
    expect(sent.query.instId).toBe('BTC-USDT-SWAP');
  });

  it('balance: GET /api/v5/account/balance; the documented USDT detail gives equity eq ("Equity of currency"), free availEq', async () => {
    const c = conformanceAdapter('okx', routes({ 'GET /api/v5/account/balance': doc('balance.response') }));

    const balance = await c.adapter.fetchBalance();

    expect(only(c.calls()).path).toBe(capturedUrl('fetchBalance', 'spot balance').pathname);
    expect(balance).toMatchObject({ currency: 'USDT', equity: '4992.890093622894', free: '4834.3170936228935' });
    expect(Number(balance.used)).toBeCloseTo(4992.890093622894 - 4834.3170936228935, 9);
  });
});
