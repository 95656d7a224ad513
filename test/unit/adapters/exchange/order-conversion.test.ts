// What comes back from OKX, Bybit, Bitget and Upbit, parsed by ccxt from the exchanges' own order,
// execution, position and book payloads, leaves the adapter in base units with fees in the quote.
import { clientOrderIdFor } from '../../../../shared/core/signal/ids';
import { ccxtOrder, offlineAdapter, type OfflineAdapter } from './offline-exchange';

const SIGNAL = 's0fedcba9876543210fedcba98765432';
const OPEN_ID = clientOrderIdFor(SIGNAL, 'open');
const SL_ID = clientOrderIdFor(SIGNAL, 'sl');

/** fetchOrder answered by ccxt's parse of the exchange payloads, in call order. */
function answeringFetchOrder({ ex }: OfflineAdapter, ...payloads: Record<string, unknown>[]) {
  const queue = [...payloads];
  return jest.spyOn(ex, 'fetchOrder').mockImplementation(async (_id: string, symbol?: string) => {
    const next = queue.shift();
    if (!next) throw new Error('no more order payloads');
    return ex.parseOrder(next, ex.market(symbol as string));
  });
}

// GET /api/v5/trade/order: a filled market buy of 5.67 contracts.
const okxFilled = {
  accFillSz: '5.67',
  algoClOrdId: '',
  algoId: '',
  attachAlgoClOrdId: '',
  attachAlgoOrds: [],
  avgPx: '97012.3',
  cTime: '1735800000100',
  cancelSource: '',
  cancelSourceReason: '',
  category: 'normal',
  ccy: '',
  clOrdId: OPEN_ID,
  fee: '-0.27503',
  feeCcy: 'USDT',
  fillPx: '97012.3',
  fillSz: '5.67',
  fillTime: '1735800000150',
  instId: 'BTC-USDT-SWAP',
  instType: 'SWAP',
  isTpLimit: 'false',
  lever: '5',
  linkedAlgoOrd: { algoId: '' },
  ordId: '2106378237464838144',
  ordType: 'market',
  pnl: '0',
  posSide: 'net',
  px: '',
  pxType: '',
  pxUsd: '',
  pxVol: '',
  quickMgnType: '',
  rebate: '0',
  rebateCcy: 'USDT',
  reduceOnly: 'false',
  side: 'buy',
  slOrdPx: '',
  slTriggerPx: '',
  slTriggerPxType: '',
  source: '',
  state: 'filled',
  stpId: '',
  stpMode: 'cancel_maker',
  sz: '5.67',
  tag: '',
  tdMode: 'isolated',
  tgtCcy: '',
  tpOrdPx: '',
  tpTriggerPx: '',
  tpTriggerPxType: '',
  tradeId: '1399374421',
  uTime: '1735800000151',
};

describe('OKX: contracts back to coins', () => {
  it('a filled order of 5.67 contracts is 0.0567 BTC at the average, fee in USDT', async () => {
    const offline = offlineAdapter('okx');
    const fetchOrder = answeringFetchOrder(offline, okxFilled);

    const order = await offline.adapter.fetchOrderByClientId('BTC/USDT:USDT', OPEN_ID);

    expect(fetchOrder).toHaveBeenCalledWith('', 'BTC/USDT:USDT', { clientOrderId: OPEN_ID });
    expect(order).toEqual({
      id: '2106378237464838144',
      clientOrderId: OPEN_ID,
      symbol: 'BTC/USDT:USDT',
      side: 'buy',
      type: 'market',
      status: 'closed',
      amount: '0.0567',
      filled: '0.0567',
      average: '97012.3',
      reduceOnly: false,
      fee: '0.27503',
      feeCurrency: 'USDT',
      timestamp: 1735800000150,
    });
  });

  it('a stop-loss that fired is read from the order it became: its fill price, fee and size', async () => {
    // GET /api/v5/trade/order-algo: the conditional order, effective (fired) into order 2106400000000000000.
    const algo = {
      activePx: '',
      actualPx: '92990.1',
      actualSide: 'sl',
      actualSz: '5.67',
      algoClOrdId: SL_ID,
      algoId: '2106378300000000000',
      attachAlgoOrds: [],
      cTime: '1735800001000',
      callbackRatio: '',
      callbackSpread: '',
      ccy: '',
      clOrdId: '',
      closeFraction: '',
      failCode: '0',
      instId: 'BTC-USDT-SWAP',
      instType: 'SWAP',
      last: '93001.2',
      lever: '5',
      linkedOrd: { ordId: '' },
      moveTriggerPx: '',
      ordId: '2106400000000000000',
      ordIdList: ['2106400000000000000'],
      ordPx: '',
      ordType: 'conditional',
      posSide: 'net',
      quickMgnType: '',
      reduceOnly: 'true',
      side: 'sell',
      slOrdPx: '-1',
      slTriggerPx: '93000',
      slTriggerPxType: 'last',
      state: 'effective',
      sz: '5.67',
      tag: '',
      tdMode: 'isolated',
      tgtCcy: '',
      tpOrdPx: '',
      tpTriggerPx: '',
      tpTriggerPxType: '',
      triggerPx: '',
      triggerPxType: '',
      triggerTime: '1735800009000',
      uTime: '1735800009000',
    };
    const fired = {
      ...okxFilled,
      clOrdId: '',
      ordId: '2106400000000000000',
      side: 'sell',
      reduceOnly: 'true',
      avgPx: '92985.4',
      fillPx: '92985.4',
      fee: '-0.26363',
      fillTime: '1735800009010',
      uTime: '1735800009011',
    };
    const offline = offlineAdapter('okx');
    // The algo book is read by algoClOrdId alone (the request itself: test/conformance/okx.conformance.test.ts).
    const readAlgo = jest.fn(async () => ({ code: '0', data: [algo], msg: '' }));
    (offline.ex as unknown as { privateGetTradeOrderAlgo: typeof readAlgo }).privateGetTradeOrderAlgo = readAlgo;
    const fetchOrder = answeringFetchOrder(offline, fired);

    const order = await offline.adapter.fetchOrderByClientId('BTC/USDT:USDT', SL_ID, { conditional: true });

    expect(readAlgo.mock.calls).toEqual([[{ algoClOrdId: SL_ID }]]);
    expect(fetchOrder.mock.calls).toEqual([['2106400000000000000', 'BTC/USDT:USDT']]);
    expect(order).toMatchObject({
      id: '2106400000000000000',
      clientOrderId: SL_ID,
      type: 'stop_market',
      status: 'closed',
      filled: '0.0567',
      average: '92985.4',
      fee: '0.26363',
      timestamp: 1735800009010,
    });
  });

  it('a position of -5.67 contracts (net mode) is a 0.0567 BTC short', async () => {
    const { adapter, ex } = offlineAdapter('okx');
    // GET /api/v5/account/positions, one element.
    const raw = {
      adl: '1',
      availPos: '',
      avgPx: '97012.3',
      bePx: '97070.5',
      cTime: '1735800000100',
      ccy: 'USDT',
      deltaBS: '',
      deltaPA: '',
      fee: '-0.27503',
      fundingFee: '0',
      gammaBS: '',
      gammaPA: '',
      idxPx: '97001.2',
      imr: '',
      instId: 'BTC-USDT-SWAP',
      instType: 'SWAP',
      interest: '',
      last: '97000.1',
      lever: '5',
      liab: '',
      liabCcy: '',
      liqPenalty: '0',
      liqPx: '115000.2',
      margin: '1100.2',
      markPx: '97001.3',
      mgnMode: 'isolated',
      mgnRatio: '45.6',
      mmr: '2.2',
      notionalUsd: '5500.1',
      optVal: '',
      pendingCloseOrdLiabVal: '',
      pnl: '0',
      pos: '-5.67',
      posCcy: '',
      posId: '1981000000000000000',
      posSide: 'net',
      quoteBal: '',
      realizedPnl: '-0.27503',
      spotInUseAmt: '',
      spotInUseCcy: '',
      thetaBS: '',
      thetaPA: '',
      tradeId: '1399374421',
      uTime: '1735800000151',
      upl: '0.624',
      uplLastPx: '0.63',
      uplRatio: '0.00057',
      uplRatioLastPx: '0.00057',
      usdPx: '',
      vegaBS: '',
      vegaPA: '',
    };
    const fetchPositions = jest.spyOn(ex, 'fetchPositions').mockImplementation(async () => [ex.parsePosition(raw)]);

    const position = await adapter.fetchPosition('BTC/USDT:USDT');

    expect(fetchPositions).toHaveBeenCalledWith(['BTC/USDT:USDT']);
    expect(position).toMatchObject({
      symbol: 'BTC/USDT:USDT',
      side: 'short',
      quantity: '0.0567',
      entryPrice: '97012.3',
      leverage: 5,
    });
  });

  it('book depth in contracts becomes coins', async () => {
    const { adapter, ex } = offlineAdapter('okx');
    // GET /api/v5/market/books: sizes in contracts.
    const books = {
      asks: [['97000.1', '3.01', '0', '4']],
      bids: [['97000', '12.5', '0', '7']],
      ts: '1735800000000',
      seqId: 1,
    };
    jest
      .spyOn(ex, 'fetchOrderBook')
      .mockImplementation(async (symbol: string) => ex.parseOrderBook(books, symbol, 1735800000000));

    expect(await adapter.fetchBook('BTC/USDT:USDT', 5)).toEqual({ bids: [[97000, 0.125]], asks: [[97000.1, 0.0301]] });
  });

  it('a fee charged in the base coin is priced at the average fill: 0.000617 ETH × 3,000 = 1.851 USDT', async () => {
    const { adapter, ex } = offlineAdapter('okx');
    jest.spyOn(ex, 'fetchOrder').mockResolvedValue(
      ccxtOrder({
        id: '77',
        clientOrderId: OPEN_ID,
        symbol: 'ETH/USDT:USDT',
        amount: 12.34,
        filled: 12.34,
        average: 3000,
        fee: { cost: 0.000617, currency: 'ETH' },
      }),
    );

    const order = await adapter.fetchOrderByClientId('ETH/USDT:USDT', OPEN_ID);

    expect(order).toMatchObject({ filled: '1.234', average: '3000', fee: '1.851', feeCurrency: 'USDT' });
  });
});

describe('Bybit: fees from the executions when the order answer has none', () => {
  // GET /v5/order/realtime, one element of result.list.
  const bybitFilled = {
    orderId: 'fd4300ae-7847-404e-b947-b46980a4d140',
    orderLinkId: OPEN_ID,
    blockTradeId: '',
    symbol: 'BTCUSDT',
    price: '101852.20',
    qty: '0.056',
    side: 'Buy',
    isLeverage: '',
    positionIdx: 0,
    orderStatus: 'Filled',
    cancelType: 'UNKNOWN',
    rejectReason: 'EC_NoError',
    avgPrice: '97005.09',
    leavesQty: '0.000',
    leavesValue: '0',
    cumExecQty: '0.056',
    cumExecValue: '5432.285',
    cumExecFee: '2.98775675',
    timeInForce: 'IOC',
    orderType: 'Market',
    stopOrderType: '',
    orderIv: '',
    triggerPrice: '0.00',
    takeProfit: '',
    stopLoss: '',
    tpTriggerBy: '',
    slTriggerBy: '',
    triggerDirection: 0,
    triggerBy: '',
    lastPriceOnCreated: '97000.00',
    reduceOnly: false,
    closeOnTrigger: false,
    smpType: 'None',
    smpGroup: 0,
    smpOrderId: '',
    tpslMode: '',
    tpLimitPrice: '',
    slLimitPrice: '',
    placeType: '',
    createdTime: '1735800000100',
    updatedTime: '1735800000150',
  };
  // GET /v5/execution/list: the order filled in two executions.
  const execution = (execId: string, execQty: string, execPrice: string, execFee: string) => ({
    symbol: 'BTCUSDT',
    orderType: 'Market',
    underlyingPrice: '',
    orderLinkId: OPEN_ID,
    side: 'Buy',
    indexPrice: '',
    orderId: 'fd4300ae-7847-404e-b947-b46980a4d140',
    stopOrderType: 'UNKNOWN',
    leavesQty: '0',
    execTime: '1735800000150',
    feeCurrency: '',
    isMaker: false,
    execFee,
    feeRate: '0.00055',
    execId,
    tradeIv: '',
    blockTradeId: '',
    markPrice: '97000.00',
    execPrice,
    markIv: '',
    orderQty: '0.056',
    orderPrice: '101852.2',
    execValue: '',
    execType: 'Trade',
    execQty,
    closedSize: '',
    seq: 4688002127,
  });

  it('0.056 BTC filled; the fee is the sum of the executions', async () => {
    const offline = offlineAdapter('bybit');
    const { ex } = offline;
    // Bybit's look-up is GET /v5/order/realtime by orderLinkId (the dialect; proven in test/conformance/bybit.conformance.test.ts).
    jest
      .spyOn(ex as unknown as { privateGetV5OrderRealtime: () => Promise<unknown> }, 'privateGetV5OrderRealtime')
      .mockResolvedValue({ retCode: 0, result: { list: [bybitFilled] } });
    const trades = jest
      .spyOn(ex, 'fetchMyTrades')
      .mockImplementation(async (symbol?: string) =>
        [execution('e1', '0.030', '97003.0', '1.60054950'), execution('e2', '0.026', '97007.5', '1.38720725')].map(
          (t) => ex.parseTrade(t, ex.market(symbol as string)),
        ),
      );

    const order = await offline.adapter.fetchOrderByClientId('BTC/USDT:USDT', OPEN_ID);

    expect(trades).toHaveBeenCalledWith('BTC/USDT:USDT', undefined, 50, {
      orderId: 'fd4300ae-7847-404e-b947-b46980a4d140',
    });
    expect(order).toMatchObject({
      clientOrderId: OPEN_ID,
      status: 'closed',
      amount: '0.056',
      filled: '0.056',
      average: '97005.09',
      fee: '2.98775675',
      feeCurrency: 'USDT',
    });
  });
});

describe('Bitget: the order detail carries its fee', () => {
  it('0.0123 BTC filled at 97,012.5, fee 0.71596 USDT (charged as a negative number)', async () => {
    // GET /api/v2/mix/order/detail data.
    const bitgetFilled = {
      symbol: 'BTCUSDT',
      size: '0.0123',
      orderId: '1243409683283992576',
      clientOid: OPEN_ID,
      baseVolume: '0.0123',
      fee: '-0.71596',
      price: '',
      priceAvg: '97012.5',
      state: 'filled',
      side: 'buy',
      force: 'gtc',
      totalProfits: '0',
      posSide: 'net',
      marginCoin: 'USDT',
      presetStopSurplusPrice: '',
      presetStopLossPrice: '',
      quoteVolume: '1193.25375',
      orderType: 'market',
      leverage: '5',
      marginMode: 'isolated',
      reduceOnly: 'NO',
      enterPointSource: 'API',
      tradeSide: 'buy_single',
      posMode: 'one_way_mode',
      orderSource: 'market',
      cancelReason: '',
      cTime: '1735800000100',
      uTime: '1735800000150',
    };
    const offline = offlineAdapter('bitget');
    answeringFetchOrder(offline, bitgetFilled);
    const trades = jest.spyOn(offline.ex, 'fetchMyTrades');

    const order = await offline.adapter.fetchOrderByClientId('BTC/USDT:USDT', OPEN_ID);

    expect(order).toMatchObject({
      id: '1243409683283992576',
      clientOrderId: OPEN_ID,
      filled: '0.0123',
      average: '97012.5',
      fee: '0.71596',
      feeCurrency: 'USDT',
    });
    expect(trades).not.toHaveBeenCalled();
  });
});

describe('Upbit: spot fills are coins already, fees in KRW', () => {
  it('a market buy by cost that filled reports the coins bought and the KRW fee', async () => {
    // GET /v1/order?identifier=…: done, two trades.
    const upbitDone = {
      uuid: 'cdd92199-2897-4e14-9448-f923320408ad',
      side: 'bid',
      ord_type: 'price',
      price: '170760',
      state: 'cancel',
      market: 'KRW-BTC',
      created_at: '2025-01-02T15:00:00+09:00',
      volume: null,
      remaining_volume: null,
      reserved_fee: '85.38',
      remaining_fee: '0.0007115',
      paid_fee: '85.3792885',
      locked: '1.4237115',
      executed_volume: '0.00119999',
      trades_count: 2,
      identifier: OPEN_ID,
      trades: [
        {
          market: 'KRW-BTC',
          uuid: 'a1',
          price: '142300000',
          volume: '0.0006',
          funds: '85380',
          trend: 'up',
          created_at: '2025-01-02T15:00:00+09:00',
          side: 'bid',
        },
        {
          market: 'KRW-BTC',
          uuid: 'a2',
          price: '142300000',
          volume: '0.00059999',
          funds: '85378.577',
          trend: 'up',
          created_at: '2025-01-02T15:00:00+09:00',
          side: 'bid',
        },
      ],
    };
    const offline = offlineAdapter('upbit');
    // GET /v1/order?identifier=… answered with the order (the dialect asks Upbit directly: ccxt's fetchOrder sends uuid=).
    jest
      .spyOn(offline.ex as unknown as { privateGetOrder(p: object): Promise<unknown> }, 'privateGetOrder')
      .mockResolvedValue(upbitDone);

    const order = await offline.adapter.fetchOrderByClientId('BTC/KRW', OPEN_ID);

    expect(order).toMatchObject({
      clientOrderId: OPEN_ID,
      symbol: 'BTC/KRW',
      filled: '0.00119999',
      average: '142300000',
      fee: '85.3792885',
      feeCurrency: 'KRW',
    });
  });

  it('what is held of the coin is the long position; dust below one unit is flat', async () => {
    const { adapter, ex } = offlineAdapter('upbit');
    // GET /v1/accounts.
    const accounts = [
      {
        currency: 'KRW',
        balance: '1000000.0',
        locked: '0.0',
        avg_buy_price: '0',
        avg_buy_price_modified: true,
        unit_currency: 'KRW',
      },
      {
        currency: 'BTC',
        balance: '0.00119999',
        locked: '0.0',
        avg_buy_price: '142300000',
        avg_buy_price_modified: false,
        unit_currency: 'KRW',
      },
    ];
    jest
      .spyOn(ex as unknown as { privateGetAccounts(): Promise<unknown> }, 'privateGetAccounts')
      .mockResolvedValue(accounts);

    expect(await adapter.fetchPosition('BTC/KRW')).toMatchObject({
      symbol: 'BTC/KRW',
      side: 'long',
      quantity: '0.00119999',
      leverage: 1,
    });
    expect(await adapter.fetchPosition('ETH/KRW')).toBeUndefined();
    expect(await adapter.fetchBalance()).toMatchObject({ currency: 'KRW', free: '1000000' });
  });
});
