// The fake OKX against OKX's own evidence: every answer the adapter reads has the field names (and
// value types) of the documented example body it follows (test/fixtures/exchange/docs/okx.json) or
// of ccxt's capture from OKX; the instruments are the recorded payload; the signature is checked as
// OKX documents; the books behave as the documentation says (clOrdId unique among pending orders,
// 51603 / 51400 for absent orders, a fired algo order lists its order in ordIdList).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOkx, type FakeOkx } from '../../../bin/local/fake-okx';
import { ccxtStatic, documented } from '../../conformance/harness';
import { okxClient, type OkxAnswer } from './signed-client';

const KEY = {
  apiKey: 'okx-shape-key',
  secret: 'okx-shape-secret',
  passphrase: 'okx-shape-pass',
  usdt: 10_000,
  perm: 'read_only,trade',
  ip: '1.2.3.4',
};
const BTC = 'BTC-USDT-SWAP';
let fake: FakeOkx;
let okx: ReturnType<typeof okxClient>;

beforeAll(async () => {
  fake = await startFakeOkx({ accounts: [KEY], prices: { [BTC]: '60000' } });
  okx = okxClient(fake.url, KEY);
});
afterAll(() => fake.close());

type Body = Record<string, unknown>;
const docBody = (name: string) => documented('okx', name) as Body;
const firstRow = (body: Body): Body => (body.data as Body[])[0] as Body;
const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
/** Field name → value type, nested objects (not arrays) described the same way. */
function shape(row: Body): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, kind(v) === 'object' ? shape(v as Body) : kind(v)]),
  );
}
function expectOk(answer: OkxAnswer): Body {
  expect({ status: answer.status, code: answer.body.code, msg: answer.body.msg }).toEqual({
    status: 200,
    code: '0',
    msg: '',
  });
  return answer.body.data[0] as Body;
}

describe('answers are shaped as OKX documents them', () => {
  it('instruments: the recorded OKX payload, public (unsigned)', async () => {
    const recorded = JSON.parse(
      readFileSync(join(__dirname, '../../fixtures/exchange/okx-markets.json'), 'utf8'),
    ) as Record<string, Body>;
    const res = await fetch(`${fake.url}/api/v5/public/instruments?instType=SWAP`);
    expect(await res.json()).toEqual(recorded['/api/v5/public/instruments?instType=SWAP']);
  });

  it('account config, balance, set-leverage, set-position-mode', async () => {
    const config = expectOk(await okx.get('/api/v5/account/config'));
    expect(shape(config)).toEqual(shape(firstRow(docBody('accountConfig.response'))));
    expect(config).toMatchObject({ perm: 'read_only,trade', ip: '1.2.3.4', posMode: 'net_mode' });

    const balance = expectOk(await okx.get('/api/v5/account/balance'));
    const documentedBalance = firstRow(docBody('balance.response'));
    expect(shape({ ...balance, details: {} })).toEqual(shape({ ...documentedBalance, details: {} }));
    expect(shape((balance.details as Body[])[0] as Body)).toEqual(
      shape((documentedBalance.details as Body[])[0] as Body),
    );
    expect((balance.details as Body[])[0]).toMatchObject({
      ccy: 'USDT',
      eq: '10000',
      availEq: '10000',
      cashBal: '10000',
    });

    const lever = expectOk(
      await okx.post('/api/v5/account/set-leverage', documented('okx', 'setLeverage.request.swapIsolatedNet')),
    );
    expect(shape(lever)).toEqual(shape(firstRow(docBody('setLeverage.response'))));
    expect(lever).toMatchObject({ lever: '5', mgnMode: 'isolated', instId: BTC });

    const mode = expectOk(await okx.post('/api/v5/account/set-position-mode', { posMode: 'net_mode' }));
    expect(shape(mode)).toEqual(shape(firstRow(docBody('setPositionMode.response'))));
  });

  it('a market order: the batch answer as ccxt captured it, the details and fill as documented', async () => {
    const placed = await okx.post('/api/v5/trade/batch-orders', [
      { instId: BTC, tdMode: 'isolated', side: 'buy', ordType: 'market', sz: '2', clOrdId: 'shapeopen1' },
    ]);
    const capturedRow = firstRow(
      ccxtStatic('okx', 'response', 'createOrder', 'type2 & type3 together').httpResponse as Body,
    );
    expect(shape(expectOk(placed))).toEqual(shape(capturedRow));
    expect(placed.body.data[0]).toMatchObject({ clOrdId: 'shapeopen1', sCode: '0', sMsg: capturedRow.sMsg });

    const details = expectOk(await okx.get(`/api/v5/trade/order?instId=${BTC}&clOrdId=shapeopen1`));
    expect(shape(details)).toEqual(shape(firstRow(docBody('orderDetails.response'))));
    // 2 contracts × 0.01 BTC × 60 000 = 1 200 USDT notional; taker 0.05 % = 0.6 USDT paid
    expect(details).toMatchObject({
      state: 'filled',
      accFillSz: '2',
      avgPx: '60000',
      fee: '-0.6',
      feeCcy: 'USDT',
      clOrdId: 'shapeopen1',
    });

    const fill = expectOk(await okx.get(`/api/v5/trade/fills-history?instType=SWAP&instId=${BTC}`));
    expect(shape(fill)).toEqual(shape(firstRow(docBody('fillsHistory.response'))));
    expect(fill).toMatchObject({
      fillSz: '2',
      fillPx: '60000',
      fee: '-0.6',
      feeRate: '-0.0005',
      clOrdId: 'shapeopen1',
    });
  });

  it('algo orders: place, details, a fired one (effective, ordIdList), cancel', async () => {
    const placed = expectOk(
      await okx.post('/api/v5/trade/order-algo', {
        instId: BTC,
        tdMode: 'isolated',
        side: 'sell',
        ordType: 'conditional',
        sz: '2',
        slTriggerPx: '59000',
        slOrdPx: '-1',
        reduceOnly: true,
        algoClOrdId: 'shapestop1',
      }),
    );
    expect(shape(placed)).toEqual(shape(firstRow(docBody('placeAlgoOrder.response'))));
    expect(placed).toMatchObject({ algoClOrdId: 'shapestop1' });

    const live = expectOk(await okx.get('/api/v5/trade/order-algo?algoClOrdId=shapestop1'));
    expect(shape(live)).toEqual(shape(firstRow(docBody('algoOrderDetails.response'))));
    expect(live).toMatchObject({
      state: 'live',
      ordType: 'conditional',
      slTriggerPx: '59000',
      slOrdPx: '-1',
      reduceOnly: 'true',
      ordIdList: [],
    });

    fake.setPrice(BTC, '58900');
    const fired = expectOk(await okx.get('/api/v5/trade/order-algo?algoClOrdId=shapestop1'));
    expect(shape(fired)).toEqual(shape(firstRow(docBody('algoOrderHistory.response'))));
    expect(fired).toMatchObject({ state: 'effective', actualSide: 'sl', actualSz: '2', actualPx: '58900' });
    const [firedOrdId] = fired.ordIdList as string[];
    const closing = expectOk(await okx.get(`/api/v5/trade/order?instId=${BTC}&ordId=${firedOrdId}`));
    expect(closing).toMatchObject({
      state: 'filled',
      side: 'sell',
      accFillSz: '2',
      avgPx: '58900',
      algoClOrdId: 'shapestop1',
      reduceOnly: 'true',
    });
    // closed at 58 900 from 60 000: 2 × 0.01 × −1 100 = −22 USDT
    expect(closing.pnl).toBe('-22');
    expect(fake.position(KEY.apiKey, BTC).pos).toBe('0');

    // a far take-profit on a fresh long, then cancelled by algoClOrdId
    await okx.post('/api/v5/trade/batch-orders', [
      { instId: BTC, tdMode: 'isolated', side: 'buy', ordType: 'market', sz: '1', clOrdId: 'shapeopen2' },
    ]);
    await okx.post('/api/v5/trade/order-algo', {
      instId: BTC,
      tdMode: 'isolated',
      side: 'sell',
      ordType: 'conditional',
      sz: '1',
      tpTriggerPx: '70000',
      tpOrdPx: '-1',
      reduceOnly: true,
      algoClOrdId: 'shapetp1',
    });
    const pending = await okx.get(`/api/v5/trade/orders-algo-pending?ordType=conditional&instId=${BTC}`);
    expect(pending.body.data.map((r) => r.algoClOrdId)).toEqual(['shapetp1']);
    const cancelled = expectOk(
      await okx.post('/api/v5/trade/cancel-algos', [{ instId: BTC, algoClOrdId: 'shapetp1' }]),
    );
    expect(shape(cancelled)).toEqual(shape(firstRow(docBody('cancelAlgos.response'))));
    expect((await okx.get(`/api/v5/trade/orders-algo-pending?ordType=conditional&instId=${BTC}`)).body.data).toEqual(
      [],
    );
  });

  it('cancel-order as documented; the response rows of cancelOrder.response', async () => {
    await okx.post('/api/v5/trade/batch-orders', [
      { instId: BTC, tdMode: 'isolated', side: 'buy', ordType: 'limit', px: '50000', sz: '1', clOrdId: 'shapelimit1' },
    ]);
    const answer = await okx.post('/api/v5/trade/cancel-order', { instId: BTC, clOrdId: 'shapelimit1' });
    const row = expectOk(answer);
    const documentedRow = firstRow(docBody('cancelOrder.response'));
    expect(shape(row)).toEqual(shape(documentedRow));
    expect(row).toMatchObject({ clOrdId: 'shapelimit1', sCode: '0' });
  });
});

describe('matching on price moves', () => {
  const ETH = 'ETH-USDT-SWAP';

  it('a resting limit fills at its own price (maker 0.02 %) once the price crosses it, not before', async () => {
    fake.setPrice(ETH, '3000');
    expectOk(
      await okx.post('/api/v5/trade/batch-orders', [
        { instId: ETH, tdMode: 'cross', side: 'buy', ordType: 'limit', px: '2950', sz: '10', clOrdId: 'restlimit1' },
      ]),
    );
    fake.setPrice(ETH, '2951');
    expect(expectOk(await okx.get(`/api/v5/trade/order?instId=${ETH}&clOrdId=restlimit1`))).toMatchObject({
      state: 'live',
      accFillSz: '0',
    });

    fake.setPrice(ETH, '2940');
    const filled = expectOk(await okx.get(`/api/v5/trade/order?instId=${ETH}&clOrdId=restlimit1`));
    // 10 contracts × 0.1 ETH × 2 950 = 2 950 USDT; maker 0.02 % = 0.59
    expect(filled).toMatchObject({ state: 'filled', accFillSz: '10', avgPx: '2950', fee: '-0.59' });
    expect(fake.position(KEY.apiKey, ETH)).toMatchObject({ pos: '10', avgPx: '2950', mgnMode: 'cross' });
  });

  it('a trailing stop with activePx waits for it, then trails the high and fires on the callback', async () => {
    fake.setPrice(ETH, '3000');
    const placed = expectOk(
      await okx.post('/api/v5/trade/order-algo', {
        instId: ETH,
        tdMode: 'cross',
        side: 'sell',
        ordType: 'move_order_stop',
        sz: '10',
        callbackRatio: '0.01',
        activePx: '3100',
        reduceOnly: true,
        algoClOrdId: 'trailact1',
      }),
    );
    expect(placed.algoClOrdId).toBe('trailact1');
    fake.setPrice(ETH, '2900'); // below the activation price and far under 3000: not active, does not fire
    expect(expectOk(await okx.get('/api/v5/trade/order-algo?algoClOrdId=trailact1'))).toMatchObject({
      state: 'live',
      moveTriggerPx: '',
    });
    fake.setPrice(ETH, '3100'); // active: trigger 3 100 × 0.99 = 3 069
    fake.setPrice(ETH, '3200'); // new high: 3 168
    fake.setPrice(ETH, '3170');
    expect(expectOk(await okx.get('/api/v5/trade/order-algo?algoClOrdId=trailact1'))).toMatchObject({
      state: 'live',
      moveTriggerPx: '3168',
      activePx: '3100',
      callbackRatio: '0.01',
    });
    fake.setPrice(ETH, '3168');
    expect(expectOk(await okx.get('/api/v5/trade/order-algo?algoClOrdId=trailact1'))).toMatchObject({
      state: 'effective',
      actualSz: '10',
      actualPx: '3168',
    });
    expect(fake.position(KEY.apiKey, ETH).pos).toBe('0');
  });

  it('a reduce-only algo that fires with nothing left to close is order_failed, and trades nothing', async () => {
    fake.setPrice(ETH, '3000');
    await okx.post('/api/v5/trade/batch-orders', [
      { instId: ETH, tdMode: 'cross', side: 'buy', ordType: 'market', sz: '1', clOrdId: 'rofail1' },
    ]);
    await okx.post('/api/v5/trade/order-algo', {
      instId: ETH,
      tdMode: 'cross',
      side: 'sell',
      ordType: 'conditional',
      sz: '1',
      slTriggerPx: '2900',
      slOrdPx: '-1',
      reduceOnly: true,
      algoClOrdId: 'rofailsl1',
    });
    await okx.post('/api/v5/trade/batch-orders', [
      { instId: ETH, tdMode: 'cross', side: 'sell', ordType: 'market', sz: '1', reduceOnly: true, clOrdId: 'rofail2' },
    ]);
    const fillsBefore = fake.fills(KEY.apiKey).length;
    fake.setPrice(ETH, '2890');
    expect(expectOk(await okx.get('/api/v5/trade/order-algo?algoClOrdId=rofailsl1'))).toMatchObject({
      state: 'order_failed',
      failCode: '1',
      actualSz: '0',
    });
    expect(fake.fills(KEY.apiKey)).toHaveLength(fillsBefore);
  });
});

describe('documented refusals', () => {
  const errorRow = (code: string) =>
    (documented('okx', 'errorCodes.trade') as string[]).find((r) => r.startsWith(`${code} |`))?.split(' | ')[2];

  it('clOrdId is unique among PENDING orders (51016); a filled order does not block its id', async () => {
    const resting = {
      instId: BTC,
      tdMode: 'isolated',
      side: 'buy',
      ordType: 'limit',
      px: '40000',
      sz: '1',
      clOrdId: 'dupid1',
    };
    expectOk(await okx.post('/api/v5/trade/batch-orders', [resting]));
    const again = await okx.post('/api/v5/trade/batch-orders', [resting]);
    expect(again.body).toMatchObject({
      code: '1',
      data: [{ clOrdId: 'dupid1', sCode: '51016', sMsg: errorRow('51016') }],
    });
    expect(fake.orders(KEY.apiKey).filter((o) => o.clOrdId === 'dupid1')).toHaveLength(1);

    // shapeopen1 filled above: OKX takes the id again
    expectOk(
      await okx.post('/api/v5/trade/batch-orders', [
        { instId: BTC, tdMode: 'isolated', side: 'buy', ordType: 'market', sz: '1', clOrdId: 'shapeopen1' },
      ]),
    );
    await okx.post('/api/v5/trade/cancel-order', { instId: BTC, clOrdId: 'dupid1' });
  });

  it('an absent order is 51603 on look-up and 51400 on cancel, with the documented messages', async () => {
    const lookup = await okx.get(`/api/v5/trade/order?instId=${BTC}&clOrdId=nosuchorder`);
    expect(lookup.body).toEqual({ code: '51603', msg: errorRow('51603'), data: [] });
    const cancel = await okx.post('/api/v5/trade/cancel-order', { instId: BTC, clOrdId: 'nosuchorder' });
    expect(cancel.body).toMatchObject({
      code: '1',
      data: [{ clOrdId: 'nosuchorder', sCode: '51400', sMsg: errorRow('51400') }],
    });
  });

  it('reduce-only with nothing to reduce is refused (51169) and nothing trades', async () => {
    const flat = fake.position(KEY.apiKey, 'ETH-USDT-SWAP');
    const answer = await okx.post('/api/v5/trade/batch-orders', [
      {
        instId: 'ETH-USDT-SWAP',
        tdMode: 'isolated',
        side: 'sell',
        ordType: 'market',
        sz: '1',
        reduceOnly: true,
        clOrdId: 'roflat1',
      },
    ]);
    expect(answer.body).toMatchObject({ code: '1', data: [{ sCode: '51169' }] });
    expect(fake.position(KEY.apiKey, 'ETH-USDT-SWAP')).toEqual(flat);
  });

  it('a size off the lot is refused naming the rule (51121)', async () => {
    const answer = await okx.post('/api/v5/trade/batch-orders', [
      { instId: BTC, tdMode: 'isolated', side: 'buy', ordType: 'market', sz: '1.005', clOrdId: 'offlot1' },
    ]);
    expect(answer.body).toMatchObject({ code: '1', data: [{ sCode: '51121' }] });
  });
});

describe('REST authentication as OKX documents it', () => {
  it('a wrong secret is 50113 (HTTP 401), a wrong passphrase 50105, a stale timestamp 50102', async () => {
    expect(await okx.get('/api/v5/account/balance', { secret: 'not-the-secret' })).toMatchObject({
      status: 401,
      body: { code: '50113' },
    });
    expect(await okx.get('/api/v5/account/balance', { passphrase: 'wrong' })).toMatchObject({
      status: 401,
      body: { code: '50105' },
    });
    const stale = new Date(Date.now() - 60_000).toISOString();
    expect(await okx.get('/api/v5/account/balance', { timestamp: stale })).toMatchObject({
      status: 401,
      body: { code: '50102', msg: 'Timestamp request expired.' },
    });
  });

  it('the signature covers the query string: the same signature on another query is refused', async () => {
    const timestamp = new Date().toISOString();
    const { createHmac } = await import('node:crypto');
    const sign = createHmac('sha256', KEY.secret)
      .update(`${timestamp}GET/api/v5/account/positions?instId=${BTC}`)
      .digest('base64');
    const res = await fetch(`${fake.url}/api/v5/account/positions?instId=ETH-USDT-SWAP`, {
      headers: {
        'OK-ACCESS-KEY': KEY.apiKey,
        'OK-ACCESS-SIGN': sign,
        'OK-ACCESS-TIMESTAMP': timestamp,
        'OK-ACCESS-PASSPHRASE': KEY.passphrase,
      },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as Body).code).toBe('50113');
  });

  it('an unknown key is 50111, and no answer or log line carries the secret', async () => {
    const stranger = okxClient(fake.url, { apiKey: 'nobody', secret: 'x', passphrase: 'y' });
    const answer = await stranger.get('/api/v5/account/balance');
    expect(answer).toMatchObject({ status: 401, body: { code: '50111' } });
    expect(JSON.stringify(fake.requests())).not.toContain(KEY.secret);
  });
});
