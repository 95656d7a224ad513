// The account's fills and funding as reconciliation reads them, from OKX, Bybit, Bitget and Upbit
// payloads parsed by ccxt's own code: contracts become coins, fees the quote, funding is signed
// from the account's side, and histories longer than a page or a week come back whole.
import type { CcxtExchange } from '../../../../shared/adapters/exchange/ccxt-lib';
import { clientOrderIdFor } from '../../../../shared/core/signal/ids';
import { ccxtOrder, NOW, offlineAdapter } from './offline-exchange';

const BTC = 'BTC/USDT:USDT';
const SIGNAL = 's0fedcba9876543210fedcba98765432';
const OPEN_ID = clientOrderIdFor(SIGNAL, 'open');
const DAY = 24 * 60 * 60_000;

/** Replaces one of ccxt's raw endpoint methods (the request it builds is recorded, the answer is the exchange's). */
function endpoint(ex: CcxtExchange, method: string, answer: (request: Record<string, unknown>) => unknown): jest.Mock {
  const mock = jest.fn(async (request: Record<string, unknown>) => answer(request));
  (ex as unknown as Record<string, unknown>)[method] = mock;
  return mock;
}

// GET /api/v5/trade/fills-history, one element: sizes in contracts (0.01 BTC each), fee negative when charged.
const okxFill = (fields: Record<string, string>) => ({
  instType: 'SWAP',
  instId: 'BTC-USDT-SWAP',
  tradeId: '1399374421',
  ordId: '2106378237464838144',
  clOrdId: OPEN_ID,
  billId: '2106378237473226752',
  subType: '1',
  tag: '',
  fillPx: '97012.3',
  fillSz: '5.67',
  fillIdxPx: '97001.2',
  fillPnl: '0',
  fillPxVol: '',
  fillPxUsd: '',
  fillMarkVol: '',
  fillFwdPx: '',
  fillMarkPx: '97001.3',
  side: 'buy',
  posSide: 'net',
  execType: 'T',
  feeCcy: 'USDT',
  fee: '-0.27503',
  ts: '1735800000150',
  fillTime: '1735800000150',
  feeRate: '-0.0005',
  ...fields,
});

describe('OKX fills', () => {
  it('contracts become coins, the fee is in USDT, the client id comes from the fill', async () => {
    const { adapter, ex } = offlineAdapter('okx');
    const fillsHistory = endpoint(ex, 'privateGetTradeFillsHistory', () => ({
      code: '0',
      msg: '',
      data: [
        // OKX answers newest first; a close made in the app carries no client id.
        okxFill({
          tradeId: '1399374500',
          ordId: '2106400000000000000',
          clOrdId: '',
          side: 'sell',
          fillPx: '98000.1',
          fillSz: '5.67',
          fee: '-0.27783',
          fillPnl: '5.55',
          ts: '1735800900000',
        }),
        okxFill({}),
      ],
    }));
    const fetchOrder = jest.spyOn(ex, 'fetchOrder');

    const trades = await adapter.fetchMyTrades(BTC, NOW - DAY);

    expect(fillsHistory).toHaveBeenCalledTimes(1);
    expect(fillsHistory.mock.calls[0]?.[0]).toMatchObject({
      instId: 'BTC-USDT-SWAP',
      instType: 'SWAP',
      begin: NOW - DAY,
    });
    expect(trades).toEqual([
      {
        id: '1399374421',
        clientOrderId: OPEN_ID,
        orderId: '2106378237464838144',
        symbol: BTC,
        side: 'buy',
        amount: '0.0567',
        price: '97012.3',
        fee: '0.27503',
        timestamp: 1735800000150,
      },
      {
        id: '1399374500',
        orderId: '2106400000000000000',
        symbol: BTC,
        side: 'sell',
        amount: '0.0567',
        price: '98000.1',
        fee: '0.27783',
        timestamp: 1735800900000,
      },
    ]);
    // An empty clOrdId is the exchange saying "none": no order look-up for it.
    expect(fetchOrder).not.toHaveBeenCalled();
  });

  /** 230 fills a minute apart ending at NOW, answered 100 at a time from the end OKX answers first. */
  function okxHistory(ex: CcxtExchange, end: 'newest' | 'oldest'): jest.Mock {
    const all = Array.from({ length: 230 }, (_, i) =>
      okxFill({ tradeId: String(5000 + i), ordId: String(9000 + i), ts: String(NOW - (229 - i) * 60_000) }),
    );
    return endpoint(ex, 'privateGetTradeFillsHistory', (request) => {
      const begin = Number(request.begin ?? 0);
      const until = request.end === undefined ? Number.POSITIVE_INFINITY : Number(request.end);
      const inRange = all.filter((f) => Number(f.ts) >= begin && Number(f.ts) <= until);
      const page = end === 'newest' ? inRange.slice(-100).reverse() : inRange.slice(0, 100);
      return { code: '0', msg: '', data: page };
    });
  }

  it.each(['newest', 'oldest'] as const)(
    'more fills than a page (the %s answered first): every fill once, oldest first',
    async (end) => {
      const { adapter, ex } = offlineAdapter('okx');
      const fillsHistory = okxHistory(ex, end);

      const trades = await adapter.fetchMyTrades(BTC, NOW - DAY);

      expect(trades.map((t) => t.id)).toEqual(Array.from({ length: 230 }, (_, i) => String(5000 + i)));
      expect(trades[0]).toMatchObject({ amount: '0.0567', clientOrderId: OPEN_ID });
      expect(fillsHistory.mock.calls.length).toBeLessThanOrEqual(8);
    },
  );

  it('a since three weeks back is asked a week at a time, the last range left open', async () => {
    const { adapter, ex } = offlineAdapter('okx');
    const fillsHistory = endpoint(ex, 'privateGetTradeFillsHistory', () => ({ code: '0', msg: '', data: [] }));
    const since = NOW - 20 * DAY;

    expect(await adapter.fetchMyTrades(BTC, since)).toEqual([]);

    expect(fillsHistory.mock.calls.map(([r]) => [r.begin, r.end])).toEqual([
      [since, since + 7 * DAY - 1],
      [since + 7 * DAY, since + 14 * DAY - 1],
      [since + 14 * DAY, undefined],
    ]);
  });
});

describe('OKX funding', () => {
  // GET /api/v5/account/bills-archive (type 8, funding fee), one element.
  const bill = (fields: Record<string, string>) => ({
    bal: '10012.5',
    balChg: '-0.0563',
    billId: '2107000000000000001',
    ccy: 'USDT',
    execType: '',
    fee: '0',
    from: '',
    instId: 'BTC-USDT-SWAP',
    instType: 'SWAP',
    mgnMode: 'isolated',
    notes: '',
    ordId: '',
    pnl: '-0.0563',
    posBal: '0',
    posBalChg: '0',
    subType: '173',
    sz: '5.67',
    to: '',
    ts: '1735804800000',
    type: '8',
    ...fields,
  });

  it("the bills of the symbol since `since` are asked with OKX's own range and instrument; expenses are negative", async () => {
    const { adapter, ex } = offlineAdapter('okx');
    const bills = endpoint(ex, 'privateGetAccountBillsArchive', () => ({
      code: '0',
      msg: '',
      data: [
        bill({ billId: '2107000000000000002', balChg: '0.0421', pnl: '0.0421', subType: '174', ts: '1735833600000' }),
        bill({}),
      ],
    }));

    const payments = await adapter.fetchFundingPayments(BTC, NOW - DAY);

    expect(bills.mock.calls[0]?.[0]).toMatchObject({
      type: '8',
      instType: 'SWAP',
      begin: NOW - DAY,
      instId: 'BTC-USDT-SWAP',
    });
    expect(bills.mock.calls[0]?.[0]).not.toHaveProperty('until');
    expect(payments).toEqual([
      { symbol: BTC, amount: '-0.0563', timestamp: 1735804800000, id: '2107000000000000001' },
      { symbol: BTC, amount: '0.0421', timestamp: 1735833600000, id: '2107000000000000002' },
    ]);
  });

  it('an exchange class without fetchFundingHistory reports none rather than failing', async () => {
    const { adapter, ex } = offlineAdapter('okx');
    ex.has.fetchFundingHistory = false;
    const history = jest.spyOn(ex, 'fetchFundingHistory');

    expect(await adapter.fetchFundingPayments(BTC, NOW - DAY)).toEqual([]);
    expect(history).not.toHaveBeenCalled();
  });
});

describe('Bybit funding', () => {
  it('execFee is a fee (positive = paid): a long paying a positive rate gets a negative payment', async () => {
    const { adapter, ex } = offlineAdapter('bybit');
    // GET /v5/execution/list?execType=Funding, one element: 0.01 BTC long, rate 0.01 %.
    const execution = {
      symbol: 'BTCUSDT',
      orderType: 'UNKNOWN',
      underlyingPrice: '',
      orderLinkId: '',
      orderId: '1735804800-BTCUSDT-592334-Buy',
      stopOrderType: 'UNKNOWN',
      execTime: '1735804800000',
      feeCurrency: '',
      createType: '',
      feeRate: '0.0001',
      tradeIv: '',
      blockTradeId: '',
      markPrice: '97005',
      execPrice: '97005',
      markIv: '',
      orderQty: '0',
      orderPrice: '0',
      execValue: '970.05',
      closedSize: '0',
      execType: 'Funding',
      seq: 28097658790,
      side: 'Buy',
      indexPrice: '',
      leavesQty: '0',
      isMaker: false,
      execFee: '0.097005',
      execId: '8d1ef156-4ec6-4445-9a6c-1c0c24dbd046',
      marketUnit: '',
      execQty: '0.01',
    };
    const list = endpoint(ex, 'privateGetV5ExecutionList', () => ({
      retCode: 0,
      retMsg: 'OK',
      result: { nextPageCursor: '', category: 'linear', list: [execution] },
      retExtInfo: {},
      time: NOW,
    }));

    const payments = await adapter.fetchFundingPayments(BTC, NOW - DAY);

    expect(list.mock.calls[0]?.[0]).toMatchObject({
      execType: 'Funding',
      category: 'linear',
      symbol: 'BTCUSDT',
      startTime: NOW - DAY,
    });
    expect(payments).toEqual([
      { symbol: BTC, amount: '-0.097005', timestamp: 1735804800000, id: '8d1ef156-4ec6-4445-9a6c-1c0c24dbd046' },
    ]);
  });
});

describe('Bitget fills', () => {
  // GET /api/v2/mix/order/fill-history, one element of data.fillList: no client id in a fill.
  const bitgetFill = (fields: Record<string, unknown>) => ({
    tradeId: '1243409683300000001',
    symbol: 'BTCUSDT',
    orderId: '1243409683283992576',
    price: '97012.5',
    baseVolume: '0.0123',
    feeDetail: [{ deduction: 'no', feeCoin: 'USDT', totalDeductionFee: '0', totalFee: '-0.71596' }],
    side: 'buy',
    quoteVolume: '1193.25375',
    profit: '0',
    enterPointSource: 'API',
    tradeSide: 'buy_single',
    posMode: 'one_way_mode',
    tradeScope: 'taker',
    cTime: '1735800000150',
    ...fields,
  });

  it('the client id is read from the order, once per order', async () => {
    const { adapter, ex } = offlineAdapter('bitget');
    jest
      .spyOn(ex, 'fetchMyTrades')
      .mockImplementation(async () =>
        [
          bitgetFill({}),
          bitgetFill({ tradeId: '1243409683300000002', baseVolume: '0.0077', cTime: '1735800000160' }),
        ].map((t) => ex.parseTrade(t, ex.market(BTC))),
      );
    const fetchOrder = jest
      .spyOn(ex, 'fetchOrder')
      .mockResolvedValue(ccxtOrder({ id: '1243409683283992576', clientOrderId: OPEN_ID }));

    const trades = await adapter.fetchMyTrades(BTC, NOW - DAY);

    expect(fetchOrder.mock.calls).toEqual([['1243409683283992576', BTC]]);
    expect(trades).toEqual([
      expect.objectContaining({
        id: '1243409683300000001',
        clientOrderId: OPEN_ID,
        amount: '0.0123',
        price: '97012.5',
        fee: '0.71596',
      }),
      expect.objectContaining({ id: '1243409683300000002', clientOrderId: OPEN_ID, amount: '0.0077' }),
    ]);
  });

  it('an order the exchange no longer knows leaves the fill without a client id; other errors fail the read', async () => {
    const { adapter, ex } = offlineAdapter('bitget');
    jest.spyOn(ex, 'fetchMyTrades').mockImplementation(async () => [ex.parseTrade(bitgetFill({}), ex.market(BTC))]);
    const fetchOrder = jest
      .spyOn(ex, 'fetchOrder')
      .mockRejectedValueOnce(new Error('bitget {"code":"40109","msg":"The data of the order cannot be found"}'));

    expect(await adapter.fetchMyTrades(BTC, NOW - DAY)).toEqual([
      expect.not.objectContaining({ clientOrderId: expect.anything() }),
    ]);

    fetchOrder.mockRejectedValue(new Error('bitget {"code":"40006","msg":"Invalid ACCESS_KEY"}'));
    await expect(adapter.fetchMyTrades(BTC, NOW - DAY)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });
});

describe('Upbit: spot', () => {
  it('has no funding, and says it cannot list fills rather than answering none', async () => {
    const { adapter, ex } = offlineAdapter('upbit');
    const requests = jest.spyOn(ex, 'fetch');
    const before = requests.mock.calls.length;

    expect(await adapter.fetchFundingPayments('BTC/KRW', NOW - DAY)).toEqual([]);
    await expect(adapter.fetchMyTrades('BTC/KRW', NOW - DAY)).rejects.toMatchObject({ code: 'TRADES_UNSUPPORTED' });
    // Only the markets were loaded.
    expect(requests.mock.calls.slice(before).every(([url]) => String(url).includes('/v1/market/all'))).toBe(true);
  });
});
