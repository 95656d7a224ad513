// Orders through the ccxt adapter on OKX, Bybit, Bitget and Upbit, offline: what the adapter hands
// ccxt (contracts rounded down, client id, reduce-only, margin mode, trigger params), and what ccxt's
// own request builder makes of exactly those arguments for the exchange's API.
import {
  NetworkError,
  RateLimitExceeded,
  RequestTimeout,
  type CcxtExchange,
} from '../../../../shared/adapters/exchange/ccxt-lib';
import { AmbiguousOrderError, TransientError } from '../../../../shared/core/errors';
import type { OrderRequest } from '../../../../shared/core/ports/exchange';
import { clientOrderIdFor } from '../../../../shared/core/signal/ids';
import { offlineAdapter, type OfflineExchangeId } from './offline-exchange';

const SIGNAL = 's0123456789abcdef0123456789abcde';
const OPEN_ID = clientOrderIdFor(SIGNAL, 'open');
const SL_ID = clientOrderIdFor(SIGNAL, 'sl');
const TP_ID = clientOrderIdFor(SIGNAL, 'tp');
const TRAIL_ID = clientOrderIdFor(SIGNAL, 'trail');

const order = (overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  symbol: 'BTC/USDT:USDT',
  side: 'buy',
  type: 'market',
  amount: '0.05678',
  reduceOnly: false,
  clientOrderId: OPEN_ID,
  ...overrides,
});

type CreateArgs = [string, string, string, number, number | undefined, Record<string, unknown>];
type RequestBuilder = { createOrderRequest(...args: CreateArgs): Record<string, unknown> };

/** ccxt's own exchange request for the arguments the adapter gave ccxt's createOrder. */
function exchangeRequest(ex: CcxtExchange, args: CreateArgs): Record<string, unknown> {
  const [symbol, type, side, amount, price, params] = args;
  return (ex as unknown as RequestBuilder).createOrderRequest(symbol, type, side, amount, price, { ...params });
}

/** The adapter with ccxt's createOrder stubbed by the exchange's own answer to a placement. */
function placing(
  id: OfflineExchangeId,
  placedAnswer: Record<string, unknown>,
  overrides: Parameters<typeof offlineAdapter>[1] = {},
) {
  const offline = offlineAdapter(id, overrides);
  const create = jest
    .spyOn(offline.ex, 'createOrder')
    .mockImplementation(async (symbol: string) => offline.ex.parseOrder(placedAnswer, offline.ex.market(symbol)));
  const sent = (): CreateArgs => create.mock.calls[0] as unknown as CreateArgs;
  return { ...offline, create, sent };
}

const okxPlaced = {
  clOrdId: OPEN_ID,
  ordId: '2106378237464838144',
  sCode: '0',
  sMsg: 'Order placed',
  tag: '',
  ts: '1735800000123',
};
const bybitPlaced = { orderId: 'fd4300ae-7847-404e-b947-b46980a4d140', orderLinkId: OPEN_ID };
const bitgetPlaced = { orderId: '1243409683283992576', clientOid: OPEN_ID };

describe('OKX: base units become contracts of 0.01 BTC / 0.1 ETH', () => {
  it('0.05678 BTC is 5.678 contracts, rounded down to the 0.01 lot: 5.67, isolated, our client id', async () => {
    const { adapter, ex, create, sent } = placing('okx', okxPlaced);

    const placed = await adapter.createOrder(order());

    expect(create).toHaveBeenCalledTimes(1);
    expect(sent()).toEqual([
      'BTC/USDT:USDT',
      'market',
      'buy',
      5.67,
      undefined,
      { clientOrderId: OPEN_ID, marginMode: 'isolated' },
    ]);
    expect(exchangeRequest(ex, sent())).toEqual({
      instId: 'BTC-USDT-SWAP',
      side: 'buy',
      ordType: 'market',
      sz: '5.67',
      tdMode: 'isolated',
      clOrdId: OPEN_ID,
    });
    expect(placed).toMatchObject({ id: '2106378237464838144', clientOrderId: OPEN_ID, status: 'open', filled: '0' });
  });

  it('ETH: 1.2345 ETH is 12.345 contracts of 0.1 ETH, sent as 12.34', async () => {
    const { adapter, ex, sent } = placing('okx', okxPlaced);

    await adapter.createOrder(order({ symbol: 'ETH/USDT:USDT', amount: '1.2345' }));

    expect(sent()[3]).toBe(12.34);
    expect(exchangeRequest(ex, sent())).toMatchObject({ instId: 'ETH-USDT-SWAP', sz: '12.34' });
  });

  it('cross margin is passed through as tdMode cross', async () => {
    const { adapter, ex, create } = placing('okx', okxPlaced, { marginMode: 'cross' });

    await adapter.createOrder(order());

    expect(exchangeRequest(ex, create.mock.calls[0] as unknown as CreateArgs)).toMatchObject({ tdMode: 'cross' });
  });

  it('a close is reduce-only on the exchange', async () => {
    const { adapter, ex, sent } = placing('okx', okxPlaced);

    await adapter.createOrder(
      order({ side: 'sell', reduceOnly: true, amount: '0.0567', clientOrderId: clientOrderIdFor(SIGNAL, 'close') }),
    );

    expect(sent()[5]).toMatchObject({ reduceOnly: true });
    expect(exchangeRequest(ex, sent())).toMatchObject({
      side: 'sell',
      sz: '5.67',
      reduceOnly: true,
      clOrdId: clientOrderIdFor(SIGNAL, 'close'),
    });
  });

  it('less than one lot (0.00009 BTC = 0.009 contracts) is refused before anything is sent', async () => {
    const { adapter, create } = placing('okx', okxPlaced);

    await expect(adapter.createOrder(order({ amount: '0.00009' }))).rejects.toMatchObject({ code: 'BELOW_MIN_AMOUNT' });
    expect(create).not.toHaveBeenCalled();
  });

  it('a stop-loss is a reduce-only conditional algo order triggering at market', async () => {
    const { adapter, ex, sent } = placing('okx', okxPlaced);

    await adapter.createOrder(
      order({
        side: 'sell',
        type: 'stop_market',
        amount: '0.0567',
        triggerPrice: '93000.5',
        reduceOnly: true,
        clientOrderId: SL_ID,
      }),
    );

    expect(sent()).toEqual([
      'BTC/USDT:USDT',
      'market',
      'sell',
      5.67,
      undefined,
      { clientOrderId: SL_ID, marginMode: 'isolated', stopLossPrice: '93000.5', reduceOnly: true, algoClOrdId: SL_ID },
    ]);
    expect(exchangeRequest(ex, sent())).toMatchObject({
      instId: 'BTC-USDT-SWAP',
      ordType: 'conditional',
      side: 'sell',
      sz: '5.67',
      tdMode: 'isolated',
      slTriggerPx: '93000.5',
      slOrdPx: '-1',
      reduceOnly: true,
      clOrdId: SL_ID,
      algoClOrdId: SL_ID,
    });
  });

  it('a take-profit carries tpTriggerPx', async () => {
    const { adapter, ex, sent } = placing('okx', okxPlaced);

    await adapter.createOrder(
      order({
        side: 'sell',
        type: 'take_profit_market',
        amount: '0.03',
        triggerPrice: '101000',
        reduceOnly: true,
        clientOrderId: TP_ID,
      }),
    );

    expect(sent()[5]).toEqual({
      clientOrderId: TP_ID,
      marginMode: 'isolated',
      takeProfitPrice: '101000',
      reduceOnly: true,
      algoClOrdId: TP_ID,
    });
    expect(exchangeRequest(ex, sent())).toMatchObject({
      ordType: 'conditional',
      sz: '3',
      tpTriggerPx: '101000',
      tpOrdPx: '-1',
      clOrdId: TP_ID,
      algoClOrdId: TP_ID,
    });
  });

  it('a trailing stop is native: move_order_stop with the percent as a callback ratio', async () => {
    const { adapter, ex, sent } = placing('okx', okxPlaced);

    await adapter.createOrder(
      order({
        side: 'sell',
        type: 'trailing_stop_market',
        amount: '0.0567',
        trailingPercent: 1.5,
        reduceOnly: true,
        clientOrderId: TRAIL_ID,
      }),
    );

    expect(sent()[5]).toEqual({
      clientOrderId: TRAIL_ID,
      marginMode: 'isolated',
      trailingPercent: 1.5,
      reduceOnly: true,
      algoClOrdId: TRAIL_ID,
    });
    expect(exchangeRequest(ex, sent())).toMatchObject({
      ordType: 'move_order_stop',
      callbackRatio: '0.015',
      sz: '5.67',
      reduceOnly: true,
      clOrdId: TRAIL_ID,
      algoClOrdId: TRAIL_ID,
    });
  });

  it('a post-only limit order is priced on the tick', async () => {
    const { adapter, ex, sent } = placing('okx', okxPlaced);

    await adapter.createOrder(order({ type: 'limit', price: '96000.1', timeInForce: 'PO' }));

    expect(sent()).toEqual([
      'BTC/USDT:USDT',
      'limit',
      'buy',
      5.67,
      96000.1,
      { clientOrderId: OPEN_ID, marginMode: 'isolated', postOnly: true },
    ]);
    expect(exchangeRequest(ex, sent())).toMatchObject({ ordType: 'post_only', px: '96000.1', sz: '5.67' });
  });

  it('a timeout on the send leaves the outcome unknown: ambiguous, to be resolved by our client id', async () => {
    const { adapter, create } = placing('okx', okxPlaced);
    create.mockRejectedValueOnce(
      new RequestTimeout('okx POST https://www.okx.com/api/v5/trade/batch-orders request timed out (5000 ms)'),
    );

    const error = await adapter.createOrder(order()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AmbiguousOrderError);
    expect(error).toMatchObject({ clientOrderId: OPEN_ID, retryable: true });
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('a 429 whose Retry-After fits the budget is waited out and sent again with the same client id', async () => {
    const slept: number[] = [];
    const offline = offlineAdapter('okx', { sleep: async (ms) => void slept.push(ms) });
    const create = jest
      .spyOn(offline.ex, 'createOrder')
      .mockRejectedValueOnce(new RateLimitExceeded('okx {"msg":"Too Many Requests","code":"50011"}'))
      .mockImplementation(async (symbol: string) => offline.ex.parseOrder(okxPlaced, offline.ex.market(symbol)));
    (offline.ex as unknown as { last_response_headers: Record<string, string> }).last_response_headers = {
      'Retry-After': '2',
    };

    await offline.adapter.createOrder(order());

    expect(slept).toEqual([2000]);
    expect(create).toHaveBeenCalledTimes(2);
    expect(create.mock.calls[1]).toEqual(create.mock.calls[0]);
  });

  it('a client id outside OKX alphanumerics is refused before sending', async () => {
    const { adapter, create } = placing('okx', okxPlaced);

    await expect(adapter.createOrder(order({ clientOrderId: 'sig-1-open' }))).rejects.toMatchObject({
      code: 'CLIENT_ID_FORMAT',
    });
    expect(create).not.toHaveBeenCalled();
  });
});

describe('Bybit: linear contracts are coins', () => {
  it('0.05678 BTC is sent as 0.056 (qtyStep 0.001, rounded down) with our id as orderLinkId', async () => {
    const { adapter, ex, sent } = placing('bybit', bybitPlaced);

    const placed = await adapter.createOrder(order());

    expect(sent()).toEqual([
      'BTC/USDT:USDT',
      'market',
      'buy',
      0.056,
      undefined,
      { clientOrderId: OPEN_ID, positionIdx: 0 },
    ]);
    expect(exchangeRequest(ex, sent())).toEqual({
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Market',
      qty: '0.056',
      orderLinkId: OPEN_ID,
      category: 'linear',
      positionIdx: 0,
    });
    expect(placed).toMatchObject({ id: 'fd4300ae-7847-404e-b947-b46980a4d140', clientOrderId: OPEN_ID });
  });

  it('a stop-loss on a long triggers on a fall (triggerDirection 2), reduce-only', async () => {
    const { adapter, ex, sent } = placing('bybit', bybitPlaced);

    await adapter.createOrder(
      order({
        side: 'sell',
        type: 'stop_market',
        amount: '0.056',
        triggerPrice: '93000.5',
        reduceOnly: true,
        clientOrderId: SL_ID,
      }),
    );

    expect(sent()[5]).toEqual({
      clientOrderId: SL_ID,
      reduceOnly: true,
      stopLossPrice: '93000.5',
      positionIdx: 0,
      closeOnTrigger: true,
    });
    expect(exchangeRequest(ex, sent())).toMatchObject({
      qty: '0.056',
      triggerPrice: '93000.5',
      triggerDirection: 2,
      reduceOnly: true,
      orderLinkId: SL_ID,
      orderType: 'Market',
    });
  });

  it('a take-profit on a short triggers on a fall too (buy side, direction 2)', async () => {
    const { adapter, ex, sent } = placing('bybit', bybitPlaced);

    await adapter.createOrder(
      order({
        side: 'buy',
        type: 'take_profit_market',
        amount: '0.05',
        triggerPrice: '90000',
        reduceOnly: true,
        clientOrderId: TP_ID,
      }),
    );

    expect(exchangeRequest(ex, sent())).toMatchObject({
      side: 'Buy',
      triggerPrice: '90000',
      triggerDirection: 2,
      reduceOnly: true,
      orderLinkId: TP_ID,
    });
  });

  it('has no native trailing stop order: TRAILING_UNSUPPORTED, nothing sent', async () => {
    const { adapter, create } = placing('bybit', bybitPlaced);

    await expect(
      adapter.createOrder(
        order({
          side: 'sell',
          type: 'trailing_stop_market',
          trailingPercent: 1,
          reduceOnly: true,
          clientOrderId: TRAIL_ID,
        }),
      ),
    ).rejects.toMatchObject({
      code: 'TRAILING_UNSUPPORTED',
    });
    expect(create).not.toHaveBeenCalled();
  });

  it('"leverage not modified" (110043) means it already is: success, and remembered', async () => {
    const { adapter, ex } = offlineAdapter('bybit');
    // The unified account's margin mode is read (GET /v5/account/info), never switched: see test/conformance/bybit.conformance.test.ts.
    const accountInfo = jest
      .spyOn(ex as unknown as { privateGetV5AccountInfo: () => Promise<unknown> }, 'privateGetV5AccountInfo')
      .mockResolvedValue({ retCode: 0, result: { marginMode: 'ISOLATED_MARGIN', unifiedMarginStatus: 6 } });
    const notModified = bybitError(
      ex,
      '{"retCode":110043,"retMsg":"Set leverage not modified","result":{},"retExtInfo":{},"time":1735800000000}',
    );
    const setLeverage = jest.spyOn(ex, 'setLeverage').mockRejectedValue(notModified);

    await adapter.setLeverage('BTC/USDT:USDT', 5);
    await adapter.setLeverage('BTC/USDT:USDT', 5);

    expect(accountInfo).toHaveBeenCalledTimes(1);
    expect(setLeverage).toHaveBeenCalledTimes(1);
  });
});

/** The error ccxt's bybit raises for that response body. */
function bybitError(ex: CcxtExchange, body: string): Error {
  try {
    ex.handleErrors(
      200,
      'OK',
      'https://api.bybit.com/v5/position/set-leverage',
      'POST',
      {},
      body,
      JSON.parse(body),
      {},
      '',
    );
  } catch (error) {
    return error as Error;
  }
  throw new Error('ccxt raised nothing for the body');
}

describe('Bitget: USDT-M contracts are coins, margin mode per order', () => {
  it('0.01239 BTC is sent as 0.0123, isolated, our id as clientOid', async () => {
    const { adapter, ex, sent } = placing('bitget', bitgetPlaced);

    await adapter.createOrder(order({ amount: '0.01239' }));

    expect(sent()).toEqual([
      'BTC/USDT:USDT',
      'market',
      'buy',
      0.0123,
      undefined,
      { clientOrderId: OPEN_ID, marginMode: 'isolated' },
    ]);
    expect(exchangeRequest(ex, sent())).toEqual({
      symbol: 'BTCUSDT',
      productType: 'USDT-FUTURES',
      marginCoin: 'USDT',
      marginMode: 'isolated',
      orderType: 'market',
      side: 'buy',
      size: '0.0123',
      clientOid: OPEN_ID,
      force: 'GTC',
    });
  });

  it('a close is reduceOnly YES in one-way mode', async () => {
    const { adapter, ex, sent } = placing('bitget', bitgetPlaced);

    await adapter.createOrder(order({ side: 'sell', reduceOnly: true, amount: '0.0123' }));

    expect(exchangeRequest(ex, sent())).toMatchObject({ side: 'sell', reduceOnly: 'YES', size: '0.0123' });
  });

  it('a stop-loss is a position stop-loss plan at the trigger, with our clientOid', async () => {
    const { adapter, ex, sent } = placing('bitget', bitgetPlaced);

    await adapter.createOrder(
      order({
        side: 'sell',
        type: 'stop_market',
        amount: '0.0123',
        triggerPrice: '93000.5',
        reduceOnly: true,
        clientOrderId: SL_ID,
      }),
    );

    expect(sent()[5]).toEqual({
      clientOrderId: SL_ID,
      marginMode: 'isolated',
      stopLossPrice: '93000.5',
      reduceOnly: true,
    });
    expect(exchangeRequest(ex, sent())).toMatchObject({
      planType: 'pos_loss',
      triggerPrice: '93000.5',
      size: '0.0123',
      clientOid: SL_ID,
    });
  });

  it('a trailing stop trails from the current price: Bitget refuses one without an activation price', async () => {
    const { adapter, ex, sent } = placing('bitget', bitgetPlaced);
    const ticker = {
      symbol: 'BTCUSDT',
      lastPr: '97012.5',
      askPr: '97012.6',
      bidPr: '97012.5',
      bidSz: '1.2',
      askSz: '0.5',
      high24h: '98000',
      low24h: '95000',
      ts: '1735800000000',
      change24h: '0.01',
      baseVolume: '50000',
      quoteVolume: '4800000000',
      usdtVolume: '4800000000',
      openUtc: '96500',
      changeUtc24h: '0.005',
      indexPrice: '97010.2',
      fundingRate: '0.0001',
      holdingAmount: '60000',
      deliveryStartTime: null,
      deliveryTime: null,
      deliveryStatus: '',
      open24h: '96000',
    };
    jest
      .spyOn(ex, 'fetchTicker')
      .mockImplementation(async (symbol: string) => ex.parseTicker(ticker, ex.market(symbol)));

    await adapter.createOrder(
      order({
        side: 'sell',
        type: 'trailing_stop_market',
        amount: '0.0123',
        trailingPercent: 1.5,
        reduceOnly: true,
        clientOrderId: TRAIL_ID,
      }),
    );

    expect(sent()[5]).toMatchObject({
      clientOrderId: TRAIL_ID,
      trailingPercent: 1.5,
      trailingTriggerPrice: '97012.5',
      reduceOnly: true,
    });
    expect(exchangeRequest(ex, sent())).toMatchObject({
      planType: 'track_plan',
      triggerPrice: '97012.5',
      callbackRatio: '1.5',
      size: '0.0123',
      clientOid: TRAIL_ID,
    });
    const [symbol, type, side, amount, price, { trailingTriggerPrice: _dropped, ...withoutActivation }] = sent();
    expect(() => exchangeRequest(ex, [symbol, type, side, amount, price, withoutActivation])).toThrow(
      /trailingTriggerPrice/,
    );
  });
});

describe('Upbit: KRW spot, long only, market buys by cost', () => {
  // GET /v1/ticker?markets=KRW-BTC, one element.
  const upbitTicker = {
    market: 'KRW-BTC',
    trade_date: '20250102',
    trade_time: '060000',
    trade_date_kst: '20250102',
    trade_time_kst: '150000',
    trade_timestamp: 1735797600000,
    opening_price: 141500000,
    high_price: 143000000,
    low_price: 141000000,
    trade_price: 142300000,
    prev_closing_price: 141500000,
    change: 'RISE',
    change_price: 800000,
    change_rate: 0.0056537102,
    signed_change_price: 800000,
    signed_change_rate: 0.0056537102,
    trade_volume: 0.0035,
    acc_trade_price: 150000000000,
    acc_trade_price_24h: 290000000000,
    acc_trade_volume: 1055.2,
    acc_trade_volume_24h: 2040.1,
    highest_52_week_price: 163325000,
    highest_52_week_date: '2024-12-17',
    lowest_52_week_price: 56000000,
    lowest_52_week_date: '2024-01-23',
    timestamp: 1735797600123,
  };
  // POST /v1/orders answer for a market buy by cost.
  const upbitPlaced = {
    uuid: 'cdd92199-2897-4e14-9448-f923320408ad',
    side: 'bid',
    ord_type: 'price',
    price: '170760',
    state: 'wait',
    market: 'KRW-BTC',
    created_at: '2025-01-02T15:00:00+09:00',
    volume: null,
    remaining_volume: null,
    reserved_fee: '85.38',
    remaining_fee: '85.38',
    paid_fee: '0',
    locked: '170845.38',
    executed_volume: '0',
    trades_count: 0,
    identifier: OPEN_ID,
  };

  function upbit() {
    const offline = offlineAdapter('upbit');
    jest
      .spyOn(offline.ex, 'fetchTicker')
      .mockImplementation(async (symbol: string) => offline.ex.parseTicker(upbitTicker, offline.ex.market(symbol)));
    const byCost = jest
      .spyOn(offline.ex, 'createMarketBuyOrderWithCost')
      .mockImplementation(async (symbol: string) => offline.ex.parseOrder(upbitPlaced, offline.ex.market(symbol)));
    const create = jest
      .spyOn(offline.ex, 'createOrder')
      .mockImplementation(async (symbol: string) =>
        offline.ex.parseOrder({ ...upbitPlaced, side: 'ask', ord_type: 'market' }, offline.ex.market(symbol)),
      );
    return { ...offline, byCost, create };
  }

  it('a market buy of 0.0012 BTC spends 0.0012 × 142,300,000 = 170,760 KRW, sent by cost with our identifier', async () => {
    const { adapter, ex, byCost, create } = upbit();

    const placed = await adapter.createOrder(order({ symbol: 'BTC/KRW', amount: '0.0012' }));

    expect(byCost).toHaveBeenCalledWith('BTC/KRW', 170760, { clientOrderId: OPEN_ID });
    expect(create).not.toHaveBeenCalled();
    expect(placed).toMatchObject({
      id: 'cdd92199-2897-4e14-9448-f923320408ad',
      clientOrderId: OPEN_ID,
      status: 'open',
      feeCurrency: 'KRW',
    });

    // ccxt's Upbit request for those arguments: ord_type price (spend this much KRW), identifier = our id.
    byCost.mockRestore();
    create.mockRestore();
    const api = ex as unknown as { privatePostOrders(params: Record<string, unknown>): Promise<unknown> };
    const post = jest.spyOn(api, 'privatePostOrders').mockResolvedValue(upbitPlaced);
    await ex.createMarketBuyOrderWithCost('BTC/KRW', 170760, { clientOrderId: OPEN_ID });
    expect(post).toHaveBeenCalledWith({
      market: 'KRW-BTC',
      side: 'bid',
      ord_type: 'price',
      price: '170760',
      identifier: OPEN_ID,
    });
  });

  it('a buy under the 5,000 KRW minimum (0.00003 BTC ≈ 4,269 KRW) is MIN_NOTIONAL, nothing sent', async () => {
    const { adapter, byCost } = upbit();

    await expect(adapter.createOrder(order({ symbol: 'BTC/KRW', amount: '0.00003' }))).rejects.toMatchObject({
      code: 'MIN_NOTIONAL',
    });
    expect(byCost).not.toHaveBeenCalled();
  });

  it('a failed price read before a buy stays retryable, never a terminal rejection', async () => {
    const { adapter, ex, byCost } = upbit();
    jest
      .spyOn(ex, 'fetchTicker')
      .mockRejectedValue(new NetworkError('upbit GET https://api.upbit.com/v1/ticker?markets=KRW-BTC 502 Bad Gateway'));

    const error = await adapter.createOrder(order({ symbol: 'BTC/KRW', amount: '0.0012' })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransientError);
    expect(byCost).not.toHaveBeenCalled();
  });

  it('selling what is held is a plain market sell by amount, no reduce-only flag on spot', async () => {
    const { adapter, create } = upbit();

    await adapter.createOrder(
      order({
        symbol: 'BTC/KRW',
        side: 'sell',
        amount: '0.00123456789',
        reduceOnly: true,
        clientOrderId: clientOrderIdFor(SIGNAL, 'close'),
      }),
    );

    expect(create).toHaveBeenCalledWith('BTC/KRW', 'market', 'sell', 0.00123456, undefined, {
      clientOrderId: clientOrderIdFor(SIGNAL, 'close'),
    });
  });

  it('a sell that is not a close would be a short: SPOT_LONG_ONLY', async () => {
    const { adapter, create } = upbit();

    await expect(
      adapter.createOrder(order({ symbol: 'BTC/KRW', side: 'sell', amount: '0.001' })),
    ).rejects.toMatchObject({ code: 'SPOT_LONG_ONLY' });
    expect(create).not.toHaveBeenCalled();
  });

  it('no stop-loss or take-profit rests on Upbit: PROTECTION_UNSUPPORTED', async () => {
    const { adapter, create } = upbit();

    for (const type of ['stop_market', 'take_profit_market'] as const) {
      await expect(
        adapter.createOrder(
          order({
            symbol: 'BTC/KRW',
            side: 'sell',
            type,
            triggerPrice: '130000000',
            amount: '0.001',
            reduceOnly: true,
            clientOrderId: SL_ID,
          }),
        ),
      ).rejects.toMatchObject({
        code: 'PROTECTION_UNSUPPORTED',
      });
    }
    expect(create).not.toHaveBeenCalled();
  });

  it('leverage other than 1 is refused; 1 needs no call', async () => {
    const { adapter, ex } = upbit();
    const setLeverage = jest.spyOn(ex, 'setLeverage');

    await expect(adapter.setLeverage('BTC/KRW', 2)).rejects.toMatchObject({ code: 'LEVERAGE_UNSUPPORTED' });
    await adapter.setLeverage('BTC/KRW', 1);
    expect(setLeverage).not.toHaveBeenCalled();
  });
});
