// Binance USDⓈ-M against evidence Binance wrote: the routes, parameter names and example bodies of
// its official connector (generated from Binance's API specification; test/fixtures/exchange/docs/
// binanceusdm.json). ccxt builds, signs and parses every request; only its transport is replaced.
// The instrument payload the markets load from is the local fake's (binanceusdm-markets.json): it
// only maps BTCUSDT and its precision and proves nothing about Binance.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientOrderIdFor } from '../../shared/core/signal/ids';
import { ccxtStatic, conformanceAdapter, documented, type Answer, type SentRequest } from './harness';

/** A documented operation: method, path, parameter names and, where Binance enumerates them, the values a parameter takes. */
type Operation = { method: string; path: string; params: string[]; values?: Record<string, string[]> };
const ROUTES = (
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'exchange', 'docs', 'binanceusdm.json'), 'utf8')) as {
    routes: { operations: Record<string, Operation> };
  }
).routes.operations;
const SIGNING = new Set(['timestamp', 'signature']);

const SIGNAL = 's0123456789abcdef0123456789abcde';
const OPEN_ID = clientOrderIdFor(SIGNAL, 'open');
const SL_ID = clientOrderIdFor(SIGNAL, 'sl');
const TRAIL_ID = clientOrderIdFor(SIGNAL, 'trail');
const CLOSE_ID = clientOrderIdFor(SIGNAL, 'close');
const BTC = 'BTC/USDT:USDT';

/** The request's parameters, wherever ccxt put them (query for GET/DELETE, url-encoded body for POST). */
const paramsOf = (r: SentRequest): Record<string, unknown> => ({ ...r.query, ...(r.body ?? {}) });

/** The request is Binance's documented operation, and every parameter it carries is one Binance documents for it. */
function expectOperation(request: SentRequest | undefined, name: string): Record<string, unknown> {
  const op = ROUTES[name];
  if (!op || !request) throw new Error(`no ${name} request or route`);
  expect({ method: request.method, path: request.path }).toEqual({ method: op.method, path: op.path });
  const undocumented = Object.keys(paramsOf(request)).filter((k) => !SIGNING.has(k) && !op.params.includes(k));
  expect(undocumented).toEqual([]);
  // An enumerated parameter carries one of the values Binance lists for it (timeInForce: GTC, IOC, FOK, GTX, GTD).
  for (const [name, allowed] of Object.entries(op.values ?? {})) {
    const value = paramsOf(request)[name];
    if (value !== undefined) expect(allowed).toContain(value);
  }
  return paramsOf(request);
}

/**
 * The parameters of ccxt's captured request (ccxt tests binanceusdm under its parent id binance:
 * test/fixtures/exchange/ccxt-static/binance.request.json), less the ones that differ per call.
 */
function capturedParams(method: string, description: string): Record<string, string> {
  const entry = ccxtStatic('binance', 'request', method, description);
  const url = new URL(entry.url ?? '');
  const all = {
    ...Object.fromEntries(url.searchParams),
    ...Object.fromEntries(new URLSearchParams(entry.output ?? '')),
  };
  const { timestamp: _t, signature: _s, recvWindow: _r, newClientOrderId: _c, ...rest } = all;
  return rest;
}

/** The keys and fixed values ccxt sent in the capture, with the symbol and sizes of our request in place of the capture's own. */
const shapeOf = (params: Record<string, unknown>): Record<string, unknown> => {
  const {
    symbol: _symbol,
    quantity: _quantity,
    price: _price,
    timestamp: _t,
    signature: _s,
    recvWindow: _r,
    newClientOrderId: _c,
    ...rest
  } = params;
  return rest;
};

function binance(answers: Record<string, Answer>, now?: number) {
  return conformanceAdapter(
    'binanceusdm',
    (r) => answers[`${r.method} ${r.path}`],
    now === undefined ? {} : { clock: { now: () => now } },
  );
}

describe('Binance orders', () => {
  it('a market entry is NewOrder with our id as newClientOrderId; the documented answer parses', async () => {
    const { adapter, calls } = binance({ 'POST /fapi/v1/order': { body: documented('binanceusdm', 'new-order') } });

    const placed = await adapter.createOrder({
      symbol: BTC,
      side: 'buy',
      type: 'market',
      amount: '0.01',
      reduceOnly: false,
      clientOrderId: OPEN_ID,
    });

    expect(expectOperation(calls()[0], 'NewOrder')).toMatchObject({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.01',
      newClientOrderId: OPEN_ID,
    });
    expect(placed).toMatchObject({ id: '22542179', clientOrderId: 'testOrder', status: 'open', filled: '0' });
  });

  it('a stop-loss is NewAlgoOrder (CONDITIONAL STOP_MARKET) with clientAlgoId, triggerPrice and reduceOnly', async () => {
    const { adapter, calls } = binance({
      'POST /fapi/v1/algoOrder': { body: documented('binanceusdm', 'new-algo-order') },
    });

    const placed = await adapter.createOrder({
      symbol: BTC,
      side: 'sell',
      type: 'stop_market',
      amount: '0.01',
      reduceOnly: true,
      triggerPrice: '63000',
      clientOrderId: SL_ID,
    });

    expect(expectOperation(calls()[0], 'NewAlgoOrder')).toMatchObject({
      algoType: 'CONDITIONAL',
      type: 'STOP_MARKET',
      side: 'SELL',
      quantity: '0.01',
      triggerPrice: '63000',
      reduceOnly: 'true',
      clientAlgoId: SL_ID,
    });
    expect(placed).toMatchObject({ id: '2146760', status: 'open' });
  });

  it('a trailing stop sends its activation level as activatePrice, the algo API name (ccxt writes activationPrice)', async () => {
    const { adapter, calls } = binance({
      'POST /fapi/v1/algoOrder': { body: documented('binanceusdm', 'new-algo-order') },
    });

    await adapter.createOrder({
      symbol: BTC,
      side: 'sell',
      type: 'trailing_stop_market',
      amount: '0.01',
      reduceOnly: true,
      trailingPercent: 1.5,
      triggerPrice: '66000',
      clientOrderId: TRAIL_ID,
    });

    const sent = expectOperation(calls()[0], 'NewAlgoOrder');
    expect(sent).toMatchObject({
      type: 'TRAILING_STOP_MARKET',
      callbackRate: '1.5',
      activatePrice: '66000',
      clientAlgoId: TRAIL_ID,
    });
    expect(sent).not.toHaveProperty('activationPrice');
  });
});

describe('Binance limit orders and reduce-only closes', () => {
  const place = { 'POST /fapi/v1/order': { body: documented('binanceusdm', 'new-order') } };

  it('a limit GTC is NewOrder type LIMIT, price on the tick, timeInForce GTC, as ccxt captured "Swap limit buy order"', async () => {
    const { adapter, calls } = binance(place);

    await adapter.createOrder({
      symbol: BTC,
      side: 'buy',
      type: 'limit',
      amount: '0.01',
      price: '60000.1',
      timeInForce: 'GTC',
      reduceOnly: false,
      clientOrderId: OPEN_ID,
    });

    const sent = expectOperation(calls()[0], 'NewOrder');
    expect(sent).toMatchObject({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: '0.01',
      price: '60000.1',
      timeInForce: 'GTC',
      newClientOrderId: OPEN_ID,
    });
    expect(sent).not.toHaveProperty('reduceOnly');
    expect(shapeOf(sent)).toEqual(shapeOf(capturedParams('createOrder', 'Swap limit buy order')));
  });

  it('a limit IOC is NewOrder type LIMIT with timeInForce IOC (one of the documented values)', async () => {
    const { adapter, calls } = binance(place);

    await adapter.createOrder({
      symbol: BTC,
      side: 'sell',
      type: 'limit',
      amount: '0.01',
      price: '60000',
      timeInForce: 'IOC',
      reduceOnly: false,
      clientOrderId: OPEN_ID,
    });

    const sent = expectOperation(calls()[0], 'NewOrder');
    expect(sent).toMatchObject({ side: 'SELL', type: 'LIMIT', timeInForce: 'IOC', newClientOrderId: OPEN_ID });
    // The GTC capture with IOC in its place: nothing else differs.
    expect(shapeOf(sent)).toEqual({
      ...shapeOf(capturedParams('createOrder', 'Swap limit buy order')),
      side: 'SELL',
      timeInForce: 'IOC',
    });
  });

  it('post-only is timeInForce GTX ("Good Till Crossing (Post Only)"), as ccxt captured "Swap limit buy with postOnly"', async () => {
    const { adapter, calls } = binance(place);

    await adapter.createOrder({
      symbol: BTC,
      side: 'buy',
      type: 'limit',
      amount: '0.01',
      price: '59000',
      timeInForce: 'PO',
      reduceOnly: false,
      clientOrderId: OPEN_ID,
    });

    const sent = expectOperation(calls()[0], 'NewOrder');
    expect(sent).toMatchObject({ type: 'LIMIT', timeInForce: 'GTX', price: '59000', newClientOrderId: OPEN_ID });
    expect(sent).not.toHaveProperty('postOnly');
    expect(shapeOf(sent)).toEqual(shapeOf(capturedParams('createOrder', 'Swap limit buy with postOnly')));
  });

  it('a close is NewOrder with reduceOnly=true (one-way mode: no positionSide), as ccxt captured "Swap limit buy with reduce only"', async () => {
    const { adapter, calls } = binance(place);

    await adapter.createOrder({
      symbol: BTC,
      side: 'sell',
      type: 'market',
      amount: '0.01',
      reduceOnly: true,
      clientOrderId: CLOSE_ID,
    });
    await adapter.createOrder({
      symbol: BTC,
      side: 'buy',
      type: 'limit',
      amount: '0.01',
      price: '60',
      timeInForce: 'GTC',
      reduceOnly: true,
      clientOrderId: CLOSE_ID,
    });

    const market = expectOperation(calls()[0], 'NewOrder');
    expect(market).toMatchObject({
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.01',
      reduceOnly: 'true',
      newClientOrderId: CLOSE_ID,
    });
    expect(market).not.toHaveProperty('positionSide');
    const limit = expectOperation(calls()[1], 'NewOrder');
    expect(shapeOf(limit)).toEqual(
      shapeOf(capturedParams('createOrder', 'Swap limit buy with reduce only (closing short position)')),
    );
  });
});

describe('Binance look-up and cancel by client id', () => {
  it('a plain order is QueryOrder by origClientOrderId; the documented answer parses', async () => {
    const { adapter, calls } = binance({ 'GET /fapi/v1/order': { body: documented('binanceusdm', 'query-order') } });

    const found = await adapter.fetchOrderByClientId(BTC, OPEN_ID);

    expect(expectOperation(calls()[0], 'QueryOrder')).toMatchObject({ origClientOrderId: OPEN_ID });
    expect(found).toMatchObject({ id: '1573346959', clientOrderId: 'abc', status: 'open', amount: '0.4', filled: '0' });
  });

  it('a conditional order is QueryAlgoOrder by clientAlgoId; a cancelled algo order that never fired reads as cancelled', async () => {
    const { adapter, calls } = binance({
      'GET /fapi/v1/algoOrder': { body: documented('binanceusdm', 'query-algo-order') },
    });

    const found = await adapter.fetchOrderByClientId(BTC, SL_ID, { conditional: true });

    // symbol is ccxt's addition: Binance documents algoId/clientAlgoId only (accepted today, unverified by docs).
    const { symbol: _symbol, ...documentedParams } = expectOperationLoose(calls()[0], 'QueryAlgoOrder');
    expect(documentedParams).toMatchObject({ clientAlgoId: SL_ID });
    expect(calls()).toHaveLength(1); // actualOrderId is empty: no triggered order to read
    expect(found).toMatchObject({ id: '2146760', status: 'canceled', triggerPrice: '750' });
  });

  it('cancels address origClientOrderId (plain) and clientAlgoId (conditional)', async () => {
    const { adapter, calls } = binance({
      'DELETE /fapi/v1/order': { body: documented('binanceusdm', 'cancel-order') },
      'DELETE /fapi/v1/algoOrder': { body: documented('binanceusdm', 'cancel-algo-order') },
    });

    await adapter.cancelOrder(BTC, OPEN_ID);
    await adapter.cancelOrder(BTC, SL_ID, { conditional: true });

    expect(expectOperation(calls()[0], 'CancelOrder')).toMatchObject({ origClientOrderId: OPEN_ID });
    const { symbol: _symbol, ...algo } = expectOperationLoose(calls()[1], 'CancelAlgoOrder');
    expect(algo).toMatchObject({ clientAlgoId: SL_ID });
  });
});

describe('Binance account set-up', () => {
  it('isolated margin then leverage: ChangeMarginType and ChangeInitialLeverage, as documented', async () => {
    const { adapter, calls } = binance({
      'POST /fapi/v1/marginType': { body: documented('binanceusdm', 'change-margin-type') },
      'POST /fapi/v1/leverage': { body: documented('binanceusdm', 'change-leverage') },
    });

    await adapter.setLeverage(BTC, 5);

    expect(expectOperation(calls()[0], 'ChangeMarginType')).toMatchObject({
      symbol: 'BTCUSDT',
      marginType: 'ISOLATED',
    });
    expect(expectOperation(calls()[1], 'ChangeInitialLeverage')).toMatchObject({ symbol: 'BTCUSDT', leverage: '5' });
  });

  it('hedge mode (documented dualSidePosition true) is switched to one-way with ChangePositionMode', async () => {
    const { adapter, calls } = binance({
      'GET /fapi/v1/positionSide/dual': { body: documented('binanceusdm', 'position-mode') },
      'POST /fapi/v1/positionSide/dual': { body: documented('binanceusdm', 'change-position-mode') },
    });

    await expect(adapter.ensureOneWayMode()).resolves.toBe('switched');

    expect(calls()[0]).toMatchObject({ method: 'GET', path: '/fapi/v1/positionSide/dual' });
    expect(expectOperation(calls()[1], 'ChangePositionMode')).toMatchObject({ dualSidePosition: 'false' });
  });
});

describe('Binance fills', () => {
  it("AccountTradeList's documented fill: amount, price, USDT commission as the fee, the order's client id read from QueryOrder", async () => {
    const { adapter, calls } = binance(
      {
        'GET /fapi/v1/userTrades': { body: documented('binanceusdm', 'account-trades') },
        'GET /fapi/v1/order': { body: documented('binanceusdm', 'query-order') },
      },
      1_569_600_000_000,
    );

    const fills = await adapter.fetchMyTrades(BTC, 1_569_514_978_000);

    expect(expectOperation(calls()[0], 'AccountTradeList')).toMatchObject({
      symbol: 'BTCUSDT',
      startTime: '1569514978000',
    });
    expect(fills[0]).toMatchObject({
      id: '698759',
      orderId: '25851813',
      side: 'sell',
      amount: '0.002',
      price: '7819.01',
      fee: '0.0781901',
      clientOrderId: 'abc',
    });
    expect(
      expectOperation(
        calls().find((r) => r.path === '/fapi/v1/order'),
        'QueryOrder',
      ),
    ).toMatchObject({ orderId: '25851813' });
  });
});

describe('Binance funding', () => {
  it('funding is IncomeHistory with incomeType FUNDING_FEE on the symbol; the captured FUNDING_FEE row is a payment (negative), exact', async () => {
    // ccxt's capture of a real FUNDING_FEE row (portfolio margin's /papi/v1/um/income, documented with the same response
    // fields as /fapi/v1/income); Binance's own example body is a TRANSFER row.
    const captured = ccxtStatic(
      'binance',
      'response',
      'fetchFundingHistory',
      'fetch portfolio margin funding history',
    ).httpResponse;
    const since = 1_707_400_000_000;
    const { adapter, calls } = binance({ 'GET /fapi/v1/income': { body: captured } }, 1_707_500_000_000);

    const payments = await adapter.fetchFundingPayments(BTC, since);

    const sent = expectOperation(calls()[0], 'IncomeHistory');
    expect(sent).toMatchObject({ symbol: 'BTCUSDT', incomeType: 'FUNDING_FEE', startTime: String(since) });
    const { startTime: _start, endTime: _end, limit: _limit, ...fixed } = sent;
    expect(shapeOf(fixed)).toEqual(shapeOf(capturedParams('fetchFundingHistory', 'Fetch Funding History - linear')));
    expect(payments).toEqual([
      { symbol: BTC, amount: '-0.04618913', timestamp: 1_707_465_600_000, id: '8082457372019390060' },
    ]);
  });
});

/** Like expectOperation, but tolerates ccxt's `symbol` where Binance does not document one (returned for the caller to drop). */
function expectOperationLoose(request: SentRequest | undefined, name: string): Record<string, unknown> {
  const op = ROUTES[name];
  if (!op || !request) throw new Error(`no ${name} request or route`);
  expect({ method: request.method, path: request.path }).toEqual({ method: op.method, path: op.path });
  const undocumented = Object.keys(paramsOf(request)).filter(
    (k) => !SIGNING.has(k) && k !== 'symbol' && !op.params.includes(k),
  );
  expect(undocumented).toEqual([]);
  return paramsOf(request);
}
