// The fake Bybit against Bybit's own evidence: every answer the adapter reads has the field names
// (and value types) of the documented example body it follows (test/fixtures/exchange/docs/bybit.json)
// or of ccxt's capture from Bybit (test/fixtures/exchange/ccxt-static/bybit.response.json); the
// instruments are the recorded payload; the signature is checked as Bybit documents; the books behave
// as the documentation says (orderLinkId never reused, 110001 / 110008 for absent and ended orders,
// a fired conditional order fills on its own record).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeBybit, type FakeBybit } from '../../../bin/local/fake-bybit';
import { ccxtStatic, documented } from '../../conformance/harness';
import { bybitClient, type BybitAnswer } from './signed-client';

const KEY = { apiKey: 'bybit-shape-key', secret: 'bybit-shape-secret', usdt: 10_000, ips: ['1.2.3.4'] };
const BTC = 'BTCUSDT';
let fake: FakeBybit;
let bybit: ReturnType<typeof bybitClient>;

beforeAll(async () => {
  fake = await startFakeBybit({ accounts: [KEY], prices: { [BTC]: '60000' } });
  bybit = bybitClient(fake.url, KEY);
});
afterAll(() => fake.close());

type Body = Record<string, unknown>;
const docResult = (name: string) => (documented('bybit', name) as Body).result as Body;
const capturedResult = (method: string, description: string) =>
  (ccxtStatic('bybit', 'response', method, description).httpResponse as Body).result as Body;
const firstOf = (result: Body): Body => (result.list as Body[])[0] as Body;
const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
/** Field name → value type, nested objects (not arrays) described the same way. */
function shape(row: Body): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, kind(v) === 'object' ? shape(v as Body) : kind(v)]),
  );
}
/** Field names only: ccxt's captures carry numbers as strings where Bybit's docs show numbers. */
const keys = (row: Body): string[] => Object.keys(row).sort();
function expectOk(answer: BybitAnswer): Body {
  expect({ status: answer.status, retCode: answer.body.retCode, retMsg: answer.body.retMsg }).toEqual({
    status: 200,
    retCode: 0,
    retMsg: 'OK',
  });
  expect(keys(answer.body as unknown as Body)).toEqual(['result', 'retCode', 'retExtInfo', 'retMsg', 'time']);
  return answer.body.result;
}
const refusal = (answer: BybitAnswer) => ({ status: answer.status, retCode: answer.body.retCode });

describe('answers are shaped as Bybit documents them', () => {
  it('instruments: the recorded Bybit payload, public (unsigned)', async () => {
    const recorded = JSON.parse(
      readFileSync(join(__dirname, '../../fixtures/exchange/bybit-markets.json'), 'utf8'),
    ) as Record<string, Body>;
    const res = await fetch(`${fake.url}/v5/market/instruments-info?category=linear&limit=1000`);
    const body = (await res.json()) as Body;
    expect(body.result).toEqual((recorded['/v5/market/instruments-info?category=linear&limit=1000'] as Body).result);
  });

  it('account info, key information, wallet balance: the documented and captured keys', async () => {
    const info = expectOk(await bybit.get('/v5/account/info'));
    expect(shape(info)).toEqual(shape(docResult('account-info.response')));
    expect(info).toMatchObject({ marginMode: 'REGULAR_MARGIN', unifiedMarginStatus: 4 });

    const key = expectOk(await bybit.get('/v5/user/query-api'));
    const documentedKey = docResult('apikey-info.response');
    // every documented field the dialect or ccxt reads is there with its documented type
    for (const field of ['readOnly', 'permissions', 'ips', 'unified', 'uta', 'apiKey', 'secret'])
      expect(kind(key[field])).toBe(kind(documentedKey[field]));
    expect(key).toMatchObject({ apiKey: KEY.apiKey, secret: '', readOnly: 0, ips: ['1.2.3.4'], uta: 1 });
    expect((key.permissions as Body).Wallet).not.toContain('Withdraw');

    const wallet = expectOk(await bybit.get('/v5/account/wallet-balance', { accountType: 'UNIFIED' }));
    const captured = firstOf(capturedResult('fetchBalance', 'balance after availableToWithdraw update'));
    const account = firstOf(wallet);
    expect(keys({ ...account, coin: {} })).toEqual(keys({ ...captured, coin: {} }));
    const usdt = (account.coin as Body[])[0] as Body;
    expect(keys(usdt)).toEqual(keys((captured.coin as Body[])[0] as Body));
    expect(usdt).toMatchObject({ coin: 'USDT', walletBalance: '10000', equity: '10000', availableToWithdraw: '' });
  });

  it('the signature: a wrong secret is 10004, an unknown key 10003, a stale timestamp 10002', async () => {
    expect(refusal(await bybit.get('/v5/account/info', undefined, { secret: 'not-the-secret' }))).toEqual({
      status: 200,
      retCode: 10004,
    });
    expect(refusal(await bybitClient(fake.url, { apiKey: 'nobody', secret: 'x' }).get('/v5/account/info'))).toEqual({
      status: 200,
      retCode: 10003,
    });
    expect(refusal(await bybit.get('/v5/account/info', undefined, { timestamp: String(Date.now() - 60_000) }))).toEqual(
      { status: 200, retCode: 10002 },
    );
    // the query string is signed: a signature over one query is refused on another
    const timestamp = String(Date.now());
    const sign = createHmac('sha256', KEY.secret)
      .update(`${timestamp}${KEY.apiKey}5000category=linear&symbol=ETHUSDT`)
      .digest('hex');
    const headers = {
      'X-BAPI-API-KEY': KEY.apiKey,
      'X-BAPI-SIGN': sign,
      'X-BAPI-TIMESTAMP': timestamp,
      'X-BAPI-RECV-WINDOW': '5000',
    };
    const other = await fetch(`${fake.url}/v5/position/list?category=linear&symbol=${BTC}`, { headers });
    expect(((await other.json()) as Body).retCode).toBe(10004);
    const signedFor = await fetch(`${fake.url}/v5/position/list?category=linear&symbol=ETHUSDT`, { headers });
    expect(((await signedFor.json()) as Body).retCode).toBe(0);
  });

  it('a market order: ids only on placement, the order and its execution as documented and captured', async () => {
    const placed = expectOk(
      await bybit.post('/v5/order/create', {
        category: 'linear',
        symbol: BTC,
        side: 'Buy',
        orderType: 'Market',
        qty: '0.01',
        orderLinkId: 'shape-open-1',
        positionIdx: 0,
      }),
    );
    expect(keys(placed)).toEqual(keys(docResult('create-order.response')));
    expect(placed.orderLinkId).toBe('shape-open-1');

    const read = expectOk(
      await bybit.get('/v5/order/realtime', { category: 'linear', symbol: BTC, orderLinkId: 'shape-open-1' }),
    );
    const order = firstOf(read);
    expect(keys(read)).toEqual(keys(docResult('open-order.response')));
    // cumFeeDetail is keyed by the fee coin (the docs' example paid MNT, linear fees are USDT)
    expect(shape({ ...order, cumFeeDetail: {} })).toEqual(
      shape({ ...firstOf(docResult('order-list.response')), cumFeeDetail: {} }),
    );
    // 0.01 BTC × 60 000 = 600 USDT; taker 0.055 % = 0.33 USDT
    expect(order).toMatchObject({
      orderStatus: 'Filled',
      orderType: 'Market',
      timeInForce: 'IOC',
      cumExecQty: '0.01',
      avgPrice: '60000',
      cumExecFee: '0.33',
      stopOrderType: '',
      cumFeeDetail: { USDT: '0.33' },
    });
    // a market order reports its slippage bound as its price (ccxt's capture: 78.88 on a last of 75.13)
    expect(order.price).toBe('63000');

    const trades = expectOk(
      await bybit.get('/v5/execution/list', { category: 'linear', symbol: BTC, execType: 'Trade' }),
    );
    // the captured row repeats the page's nextPageCursor (a capture of one row a page); the rest is the row
    const { nextPageCursor: _cursor, ...capturedTrade } = firstOf(
      capturedResult('fetchMyTrades', 'swap trades without symbol'),
    );
    expect(keys(firstOf(trades))).toEqual(keys(capturedTrade));
    expect(firstOf(trades)).toMatchObject({
      orderLinkId: 'shape-open-1',
      execQty: '0.01',
      execPrice: '60000',
      execFee: '0.33',
      feeRate: '0.00055',
      isMaker: false,
      execType: 'Trade',
    });

    const position = firstOf(expectOk(await bybit.get('/v5/position/list', { category: 'linear', symbol: BTC })));
    // every captured key (but the page's nextPageCursor, repeated in the row); the docs' breakEvenPrice, curRealisedPnl, sessionAvgPrice besides
    const { nextPageCursor: _pageCursor, ...capturedPosition } = firstOf(
      capturedResult('fetchPositions', 'Fetch linear position'),
    );
    expect(keys(position)).toEqual(expect.arrayContaining(keys(capturedPosition)));
    expect(position).toMatchObject({
      symbol: BTC,
      side: 'Buy',
      size: '0.01',
      avgPrice: '60000',
      positionIdx: 0,
      leverage: '10',
    });
  });

  it('orderLinkId is never reused (110072), even after the order ended', async () => {
    expectOk(
      await bybit.post('/v5/order/create', {
        category: 'linear',
        symbol: BTC,
        side: 'Buy',
        orderType: 'Limit',
        qty: '0.01',
        price: '50000',
        orderLinkId: 'shape-dup-1',
      }),
    );
    expectOk(await bybit.post('/v5/order/cancel', { category: 'linear', symbol: BTC, orderLinkId: 'shape-dup-1' }));
    expect(
      refusal(
        await bybit.post('/v5/order/create', {
          category: 'linear',
          symbol: BTC,
          side: 'Buy',
          orderType: 'Limit',
          qty: '0.01',
          price: '50000',
          orderLinkId: 'shape-dup-1',
        }),
      ),
    ).toEqual({ status: 200, retCode: 110072 });
  });

  it('cancel by orderLinkId: the documented answer; an unknown id is 110001, an ended order 110008', async () => {
    expectOk(
      await bybit.post('/v5/order/create', {
        category: 'linear',
        symbol: BTC,
        side: 'Buy',
        orderType: 'Limit',
        qty: '0.01',
        price: '50000',
        orderLinkId: 'shape-cancel-1',
      }),
    );
    const cancelled = expectOk(
      await bybit.post('/v5/order/cancel', { category: 'linear', symbol: BTC, orderLinkId: 'shape-cancel-1' }),
    );
    expect(keys(cancelled)).toEqual(keys(docResult('cancel-order.response')));
    expect(
      refusal(await bybit.post('/v5/order/cancel', { category: 'linear', symbol: BTC, orderLinkId: 'shape-cancel-1' })),
    ).toEqual({ status: 200, retCode: 110008 });
    expect(
      refusal(await bybit.post('/v5/order/cancel', { category: 'linear', symbol: BTC, orderLinkId: 'shape-never' })),
    ).toEqual({ status: 200, retCode: 110001 });
    // after it ended it is listed in the history and, asked by orderLinkId, in realtime too
    expect(
      firstOf(
        expectOk(
          await bybit.get('/v5/order/history', { category: 'linear', symbol: BTC, orderLinkId: 'shape-cancel-1' }),
        ),
      ),
    ).toMatchObject({ orderStatus: 'Cancelled' });
    expect(
      expectOk(await bybit.get('/v5/order/realtime', { category: 'linear', symbol: BTC, orderFilter: 'Order' })).list,
    ).toEqual([]);
  });

  it('a conditional order: Untriggered on the StopOrder list, fires on the same record, refused when already reached', async () => {
    fake.setPrice(BTC, '60000');
    expect(
      refusal(
        await bybit.post('/v5/order/create', {
          category: 'linear',
          symbol: BTC,
          side: 'Sell',
          orderType: 'Market',
          qty: '0.01',
          triggerPrice: '61000',
          triggerDirection: 2,
          reduceOnly: true,
          orderLinkId: 'shape-bad-stop',
        }),
      ),
    ).toEqual({
      status: 200,
      retCode: 110093,
    });
    expectOk(
      await bybit.post('/v5/order/create', {
        category: 'linear',
        symbol: BTC,
        side: 'Sell',
        orderType: 'Market',
        qty: '0.01',
        triggerPrice: '59000',
        triggerDirection: 2,
        reduceOnly: true,
        closeOnTrigger: true,
        orderLinkId: 'shape-stop-1',
        positionIdx: 0,
      }),
    );
    const pending = expectOk(
      await bybit.get('/v5/order/realtime', { category: 'linear', symbol: BTC, orderFilter: 'StopOrder' }),
    );
    expect(firstOf(pending)).toMatchObject({
      orderLinkId: 'shape-stop-1',
      orderStatus: 'Untriggered',
      stopOrderType: 'Stop',
      triggerPrice: '59000',
      triggerDirection: 2,
      triggerBy: 'LastPrice',
      reduceOnly: true,
    });
    expect(
      expectOk(await bybit.get('/v5/order/realtime', { category: 'linear', symbol: BTC, orderFilter: 'Order' })).list,
    ).toEqual([]);

    fake.setPrice(BTC, '58900');
    const fired = firstOf(
      expectOk(await bybit.get('/v5/order/realtime', { category: 'linear', symbol: BTC, orderLinkId: 'shape-stop-1' })),
    );
    expect(fired).toMatchObject({ orderStatus: 'Filled', cumExecQty: '0.01', avgPrice: '58900' });
    expect(fake.position(KEY.apiKey, BTC).size).toBe('0');
    // the close's execution names the stop and the size it closed
    expect(
      firstOf(
        expectOk(
          await bybit.get('/v5/execution/list', { category: 'linear', symbol: BTC, orderLinkId: 'shape-stop-1' }),
        ),
      ),
    ).toMatchObject({ side: 'Sell', closedSize: '0.01', stopOrderType: 'Stop' });
  });

  it('leverage and position mode: "not modified" is 110043 / 110025, as the docs table lists', async () => {
    expect(
      expectOk(
        await bybit.post('/v5/position/set-leverage', {
          category: 'linear',
          symbol: BTC,
          buyLeverage: '5',
          sellLeverage: '5',
        }),
      ),
    ).toEqual(docResult('set-leverage.response'));
    expect(
      refusal(
        await bybit.post('/v5/position/set-leverage', {
          category: 'linear',
          symbol: BTC,
          buyLeverage: '5',
          sellLeverage: '5',
        }),
      ),
    ).toEqual({ status: 200, retCode: 110043 });
    expect(
      refusal(
        await bybit.post('/v5/position/set-leverage', {
          category: 'linear',
          symbol: BTC,
          buyLeverage: '500',
          sellLeverage: '500',
        }),
      ),
    ).toEqual({ status: 200, retCode: 10001 });
    expect(
      refusal(await bybit.post('/v5/position/switch-mode', { category: 'linear', coin: 'USDT', mode: 0 })),
    ).toEqual({ status: 200, retCode: 110025 });
    expect(
      expectOk(await bybit.post('/v5/position/switch-mode', { category: 'linear', coin: 'USDT', mode: 3 })),
    ).toEqual(docResult('switch-mode.response'));
    expectOk(await bybit.post('/v5/position/switch-mode', { category: 'linear', coin: 'USDT', mode: 0 }));
  });

  it('funding rows: execType Funding, execFee signed as a fee (a long pays a positive rate), as ccxt captured', async () => {
    fake.setPrice(BTC, '60000');
    expectOk(
      await bybit.post('/v5/order/create', {
        category: 'linear',
        symbol: BTC,
        side: 'Buy',
        orderType: 'Market',
        qty: '0.02',
        orderLinkId: 'shape-funded',
      }),
    );
    const [charged] = fake.chargeFunding(BTC, '0.0001');
    expect(charged).toMatchObject({
      execType: 'Funding',
      side: 'Buy',
      execQty: '0.02',
      execValue: '1200',
      execFee: '0.12',
    });
    const row = firstOf(
      expectOk(await bybit.get('/v5/execution/list', { category: 'linear', symbol: BTC, execType: 'Funding' })),
    );
    // the second captured row: the first also carries the page's nextPageCursor
    expect(keys(row)).toEqual(
      keys((capturedResult('fetchFundingHistory', 'linear funding history').list as Body[])[1] as Body),
    );
    expect(row).toMatchObject({ execType: 'Funding', execFee: '0.12', feeRate: '0.0001', orderType: 'UNKNOWN' });
  });
});

describe('fault scripting', () => {
  it('accept-then-5xx processes the order and answers 500; reject-5xx processes nothing; rate-limit is 10006', async () => {
    fake.fault({ kind: 'accept-then-5xx', match: { method: 'POST', path: '/v5/order/create' } });
    expect(
      refusal(
        await bybit.post('/v5/order/create', {
          category: 'linear',
          symbol: BTC,
          side: 'Buy',
          orderType: 'Limit',
          qty: '0.01',
          price: '50000',
          orderLinkId: 'fault-a5xx',
        }),
      ),
    ).toEqual({ status: 500, retCode: 10016 });
    expect(fake.orders(KEY.apiKey).filter((o) => o.orderLinkId === 'fault-a5xx')).toHaveLength(1);

    fake.fault({ kind: 'reject-5xx', match: { method: 'POST', path: '/v5/order/create' } });
    expect(
      refusal(
        await bybit.post('/v5/order/create', {
          category: 'linear',
          symbol: BTC,
          side: 'Buy',
          orderType: 'Limit',
          qty: '0.01',
          price: '50000',
          orderLinkId: 'fault-r5xx',
        }),
      ),
    ).toEqual({ status: 503, retCode: 10016 });
    expect(fake.orders(KEY.apiKey).filter((o) => o.orderLinkId === 'fault-r5xx')).toHaveLength(0);

    fake.fault({ kind: 'rate-limit', match: { path: '/v5/account/info' } });
    expect(refusal(await bybit.get('/v5/account/info'))).toEqual({ status: 200, retCode: 10006 });
    expect(refusal(await bybit.get('/v5/account/info'))).toEqual({ status: 200, retCode: 0 });
  });

  it('a partial fill fills the fraction on the qty step and cancels the rest', async () => {
    fake.setPrice(BTC, '60000');
    fake.fault({
      kind: 'partial-fill',
      fraction: 0.5,
      match: { method: 'POST', path: '/v5/order/create', instrument: BTC },
    });
    expectOk(
      await bybit.post('/v5/order/create', {
        category: 'linear',
        symbol: BTC,
        side: 'Buy',
        orderType: 'Market',
        qty: '0.033',
        orderLinkId: 'fault-partial',
      }),
    );
    expect(fake.orders(KEY.apiKey).find((o) => o.orderLinkId === 'fault-partial')).toMatchObject({
      qty: '0.033',
      cumExecQty: '0.016',
      orderStatus: 'Cancelled',
    });
  });
});
