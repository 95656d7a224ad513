// The fake Bitget against Bitget's own evidence: every answer the adapter reads has the field names
// (and value types) of the documented example body it follows (test/fixtures/exchange/docs/bitget.json)
// or of ccxt's capture from Bitget (test/fixtures/exchange/ccxt-static/bitget.response.json); the
// contracts are the recorded payload; the signature is checked as Bitget documents; the books behave
// as the documentation says (40109 / 43001 for absent orders, 22002 with nothing to close, a fired
// plan order is "executed" with its executeOrderId).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACTS, startFakeBitget, type FakeBitget } from '../../../bin/local/fake-bitget';
import { ccxtStatic, documented } from '../../conformance/harness';
import { bitgetClient, type BitgetAnswer } from './signed-client';

const KEY = {
  apiKey: 'bg-shape-key',
  secret: 'bg-shape-secret',
  passphrase: 'bg-shape-pass',
  usdt: 10_000,
  ips: '1.2.3.4',
};
const BTC = 'BTCUSDT';
const ETH = 'ETHUSDT';
const SCOPE = 'productType=USDT-FUTURES';
const MIX = { productType: 'USDT-FUTURES', marginCoin: 'USDT' };
let fake: FakeBitget;
let bitget: ReturnType<typeof bitgetClient>;

beforeAll(async () => {
  fake = await startFakeBitget({ accounts: [KEY], prices: { [BTC]: '60000', [ETH]: '3000' } });
  bitget = bitgetClient(fake.url, KEY);
});
afterAll(() => fake.close());

type Body = Record<string, unknown>;
const docBody = (name: string) => documented('bitget', name) as Body;
const docData = (name: string) => docBody(name).data as Body;
const docRow = (name: string, list?: string): Body => {
  const data = docData(name) as unknown;
  const rows = list ? (data as Body)[list] : data;
  return (rows as Body[])[0] as Body;
};
const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
/** Field name → value type, nested objects (not arrays) described the same way. */
function shape(row: Body): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, kind(v) === 'object' ? shape(v as Body) : kind(v)]),
  );
}
function expectOk(answer: BitgetAnswer): Body {
  expect({ status: answer.status, code: answer.body.code, msg: answer.body.msg }).toEqual({
    status: 200,
    code: '00000',
    msg: 'success',
  });
  return answer.body.data as Body;
}
/** The data of ccxt's captured Bitget answer. */
const captured = (method: string, description: string): unknown =>
  (ccxtStatic('bitget', 'response', method, description).httpResponse as Body).data;
const first = (data: unknown, list?: string): Body => ((list ? (data as Body)[list] : data) as Body[])[0] as Body;

describe('answers are shaped as Bitget documents them', () => {
  it('contracts: the recorded Bitget payload, public (unsigned), and the fake serves exactly those rows', async () => {
    const recorded = JSON.parse(
      readFileSync(join(__dirname, '../../fixtures/exchange/bitget-markets.json'), 'utf8'),
    ) as Record<string, Body>;
    const res = await fetch(`${fake.url}/api/v2/mix/market/contracts?${SCOPE}`);
    const body = (await res.json()) as Body;
    expect(body.data).toEqual(recorded[`/api/v2/mix/market/contracts?${SCOPE}`]?.data);
    expect(CONTRACTS).toEqual(recorded[`/api/v2/mix/market/contracts?${SCOPE}`]?.data);
    expect(Object.keys(body).sort()).toEqual(Object.keys(docBody('ticker response')).sort());
  });

  it('ticker, key info, accounts, single account, margin mode, leverage, position mode', async () => {
    const ticker = first(expectOk(await bitget.get(`/api/v2/mix/market/ticker?symbol=${BTC}&${SCOPE}`)));
    expect(shape(ticker)).toEqual(shape(docRow('ticker response')));
    expect(ticker).toMatchObject({ symbol: BTC, lastPr: '60000', markPrice: '60000' });

    const info = expectOk(await bitget.get('/api/v2/spot/account/info'));
    expect(shape(info)).toEqual(shape(docData('account info response')));
    expect(info).toMatchObject({ ips: '1.2.3.4', authorities: ['coor', 'coow', 'cpor', 'cpow'] });

    const accounts = first(expectOk(await bitget.get(`/api/v2/mix/account/accounts?${SCOPE}`)));
    expect(shape(accounts)).toEqual(shape(docRow('accounts response')));
    expect(accounts).toMatchObject({
      marginCoin: 'USDT',
      accountEquity: '10000',
      available: '10000',
      maxTransferOut: '10000',
    });

    const single = expectOk(await bitget.get(`/api/v2/mix/account/account?symbol=${BTC}&${SCOPE}&marginCoin=USDT`));
    expect(shape(single)).toEqual(shape(docData('single account response')));
    expect(single).toMatchObject({ posMode: 'one_way_mode', marginMode: 'crossed' });

    const margin = expectOk(
      await bitget.post('/api/v2/mix/account/set-margin-mode', docBody('set-margin-mode request')),
    );
    expect(shape(margin)).toEqual(shape(docData('set-margin-mode response')));
    expect(margin).toMatchObject({ symbol: BTC, marginMode: 'isolated' });

    const lever = expectOk(await bitget.post('/api/v2/mix/account/set-leverage', docBody('set-leverage request')));
    expect(shape(lever)).toEqual(shape(docData('set-leverage response')));
    expect(lever).toMatchObject({ symbol: BTC, longLeverage: '20', marginMode: 'isolated' });

    const mode = expectOk(
      await bitget.post('/api/v2/mix/account/set-position-mode', docBody('set-position-mode request')),
    );
    expect(mode).toEqual(docData('set-position-mode response'));
  });

  it('a market order: the place answer, its details, the position, fills and bills as documented', async () => {
    const placed = expectOk(
      await bitget.post('/api/v2/mix/order/place-order', {
        symbol: BTC,
        ...MIX,
        marginMode: 'isolated',
        size: '0.02',
        side: 'buy',
        orderType: 'market',
        clientOid: 'shapeopen1',
      }),
    );
    expect(shape(placed)).toEqual(shape(docData('place-order response')));
    expect(placed.clientOid).toBe('shapeopen1');

    const details = expectOk(await bitget.get(`/api/v2/mix/order/detail?symbol=${BTC}&${SCOPE}&clientOid=shapeopen1`));
    expect(shape(details)).toEqual(shape(docData('order detail response')));
    // ccxt's capture is older than the page: it lacks the page's preset*Type/ExecutePrice and cancelReason, and has nothing the fake lacks
    expect(shape(details)).toMatchObject(shape(captured('fetchOrder', 'swap market buy') as Body));
    // 0.02 BTC × 60 000 = 1 200 USDT notional; the contract's takerFeeRate 0.06 % = 0.72 USDT paid
    expect(details).toMatchObject({
      state: 'filled',
      baseVolume: '0.02',
      priceAvg: '60000',
      fee: '-0.72',
      clientOid: 'shapeopen1',
      reduceOnly: 'NO',
      orderId: placed.orderId,
    });

    const position = first(expectOk(await bitget.get(`/api/v2/mix/position/all-position?${SCOPE}&marginCoin=USDT`)));
    expect(shape(position)).toEqual(shape(docRow('all-position response')));
    expect(position).toMatchObject({
      symbol: BTC,
      holdSide: 'long',
      total: '0.02',
      openPriceAvg: '60000',
      marginMode: 'isolated',
      leverage: '20',
    });
    const one = first(
      expectOk(await bitget.get(`/api/v2/mix/position/single-position?symbol=${BTC}&${SCOPE}&marginCoin=USDT`)),
    );
    expect(shape(one)).toEqual(shape(docRow('single-position response')));

    const fill = first(expectOk(await bitget.get(`/api/v2/mix/order/fills?symbol=${BTC}&${SCOPE}`)), 'fillList');
    expect(shape(fill)).toEqual(shape(first(captured('fetchMyTrades', 'swap trade'), 'fillList')));
    expect(fill).toMatchObject({
      orderId: placed.orderId,
      baseVolume: '0.02',
      price: '60000',
      tradeSide: 'open',
      feeDetail: [{ deduction: 'no', feeCoin: 'USDT', totalDeductionFee: null, totalFee: '-0.72' }],
    });

    fake.chargeFunding(BTC, '0.0001');
    const bills = expectOk(
      await bitget.get(
        `/api/v2/mix/account/bill?symbol=${BTC}&${SCOPE}&marginCoin=USDT&businessType=contract_settle_fee`,
      ),
    );
    expect(Object.keys(bills).sort()).toEqual(Object.keys(docData('account bill response')).sort());
    const funding = first(bills, 'bills');
    expect(shape(funding)).toEqual(shape(docRow('account bill response', 'bills')));
    // a long pays: 0.02 × 60 000 × 0.0001 = 0.12
    expect(funding).toMatchObject({ businessType: 'contract_settle_fee', amount: '-0.12', coin: 'USDT' });
  });

  it('tpsl and trailing plan orders: place, pending, a fired one in the history (executeOrderId), cancel', async () => {
    const stop = expectOk(
      await bitget.post('/api/v2/mix/order/place-tpsl-order', {
        symbol: BTC,
        ...MIX,
        planType: 'pos_loss',
        triggerPrice: '59000',
        triggerType: 'mark_price',
        holdSide: 'buy',
        clientOid: 'shapestop1',
      }),
    );
    expect(shape(stop)).toEqual(shape(docData('place-tpsl-order response')));
    const target = docBody('place-tpsl-order request');
    expectOk(
      await bitget.post('/api/v2/mix/order/place-tpsl-order', {
        ...target,
        symbol: 'btcusdt',
        triggerPrice: '70000',
        size: '0.01',
        clientOid: 'shapetp1',
      }),
    );
    const trail = expectOk(
      await bitget.post('/api/v2/mix/order/place-plan-order', {
        symbol: BTC,
        ...MIX,
        planType: 'track_plan',
        marginMode: 'isolated',
        size: '0.01',
        triggerPrice: '60000',
        triggerType: 'mark_price',
        callbackRatio: '5',
        side: 'sell',
        orderType: 'market',
        reduceOnly: 'YES',
        clientOid: 'shapetrail1',
      }),
    );
    expect(shape(trail)).toEqual(shape(docData('place-plan-order response')));

    const pending = expectOk(
      await bitget.get(`/api/v2/mix/order/orders-plan-pending?planType=profit_loss&symbol=${BTC}&${SCOPE}`),
    );
    expect(Object.keys(pending).sort()).toEqual(Object.keys(docData('orders-plan-pending response')).sort());
    expect(shape(first(pending, 'entrustedList'))).toEqual(
      shape(docRow('orders-plan-pending response', 'entrustedList')),
    );
    // newest first; the trailing stop is listed under its own family only
    expect((pending.entrustedList as Body[]).map((r) => `${r.clientOid}:${r.planType}:${r.planStatus}`)).toEqual([
      'shapetp1:profit_plan:not_trigger',
      'shapestop1:pos_loss:not_trigger',
    ]);
    const trailing = expectOk(await bitget.get(`/api/v2/mix/order/orders-plan-pending?planType=track_plan&${SCOPE}`));
    expect(first(trailing, 'entrustedList')).toMatchObject({
      clientOid: 'shapetrail1',
      callbackRatio: '5',
      triggerPrice: '60000',
    });

    fake.setPrice(BTC, '58900');
    const history = expectOk(
      await bitget.get(`/api/v2/mix/order/orders-plan-history?planType=profit_loss&symbol=${BTC}&${SCOPE}`),
    );
    const fired = first(history, 'entrustedList');
    expect(shape(fired)).toEqual(shape(docRow('orders-plan-history response', 'entrustedList')));
    // the whole position (0.02) closed at 58 900; the stop fired first, so the 0.01 trailing stop had nothing left
    expect(fired).toMatchObject({
      clientOid: 'shapestop1',
      planStatus: 'executed',
      baseVolume: '0.02',
      priceAvg: '58900',
    });
    const closing = expectOk(
      await bitget.get(`/api/v2/mix/order/detail?symbol=${BTC}&${SCOPE}&orderId=${String(fired.executeOrderId)}`),
    );
    // closed at 58 900 from 60 000: 0.02 × −1 100 = −22 USDT
    expect(closing).toMatchObject({ state: 'filled', side: 'sell', reduceOnly: 'YES', totalProfits: '-22' });
    expect(fake.position(KEY.apiKey, BTC).total).toBe('0');

    const cancelled = expectOk(
      await bitget.post('/api/v2/mix/order/cancel-plan-order', {
        symbol: BTC,
        ...MIX,
        planType: 'profit_plan',
        orderIdList: [{ clientOid: 'shapetp1' }, { clientOid: 'nosuch' }],
      }),
    );
    expect(Object.keys(cancelled).sort()).toEqual(Object.keys(docData('cancel-plan-order response')).sort());
    expect(cancelled).toEqual({
      successList: [{ orderId: expect.any(String), clientOid: 'shapetp1' }],
      failureList: [{ orderId: '', clientOid: 'nosuch', errorMsg: 'notExistend' }],
    });
  });

  it('cancel-order by clientOid as documented; open orders list it until then', async () => {
    expectOk(
      await bitget.post('/api/v2/mix/order/place-order', {
        symbol: BTC,
        ...MIX,
        marginMode: 'isolated',
        size: '0.01',
        price: '50000',
        side: 'buy',
        orderType: 'limit',
        force: 'gtc',
        clientOid: 'shapelimit1',
      }),
    );
    const open = expectOk(await bitget.get(`/api/v2/mix/order/orders-pending?symbol=${BTC}&${SCOPE}`));
    expect(shape(first(open, 'entrustedList'))).toEqual(shape(docRow('orders-pending response', 'entrustedList')));
    const cancelled = expectOk(
      await bitget.post('/api/v2/mix/order/cancel-order', {
        symbol: BTC,
        productType: 'USDT-FUTURES',
        clientOid: 'shapelimit1',
      }),
    );
    expect(shape(cancelled)).toEqual(shape(docData('cancel-order response')));
    expect(cancelled.clientOid).toBe('shapelimit1');
    expect(
      (expectOk(await bitget.get(`/api/v2/mix/order/orders-pending?symbol=${BTC}&${SCOPE}`)).entrustedList as Body[])
        .length,
    ).toBe(0);
  });
});

describe('matching on price moves', () => {
  it('a resting limit fills at its own price (the contract makerFeeRate 0.02 %) once the price crosses it, not before', async () => {
    fake.setPrice(ETH, '3000');
    expectOk(
      await bitget.post('/api/v2/mix/order/place-order', {
        symbol: ETH,
        ...MIX,
        marginMode: 'crossed',
        size: '1',
        price: '2950',
        side: 'buy',
        orderType: 'limit',
        force: 'gtc',
        clientOid: 'restlimit1',
      }),
    );
    fake.setPrice(ETH, '2951');
    expect(
      expectOk(await bitget.get(`/api/v2/mix/order/detail?symbol=${ETH}&${SCOPE}&clientOid=restlimit1`)),
    ).toMatchObject({ state: 'live', baseVolume: '0' });
    fake.setPrice(ETH, '2940');
    // 1 ETH × 2 950; maker 0.02 % = 0.59
    expect(
      expectOk(await bitget.get(`/api/v2/mix/order/detail?symbol=${ETH}&${SCOPE}&clientOid=restlimit1`)),
    ).toMatchObject({ state: 'filled', baseVolume: '1', priceAvg: '2950', fee: '-0.59' });
    expect(fake.position(KEY.apiKey, ETH)).toMatchObject({ total: '1', openPriceAvg: '2950' });
  });

  it('a trailing stop waits for its activation price, then trails the high and fires on the callback', async () => {
    fake.setPrice(ETH, '3000');
    expectOk(
      await bitget.post('/api/v2/mix/order/place-plan-order', {
        symbol: ETH,
        ...MIX,
        planType: 'track_plan',
        marginMode: 'crossed',
        size: '1',
        triggerPrice: '3100',
        callbackRatio: '1',
        side: 'sell',
        orderType: 'market',
        reduceOnly: 'YES',
        clientOid: 'trailact1',
      }),
    );
    fake.setPrice(ETH, '2900'); // below activation: does not fire
    expect(fake.planOrders(KEY.apiKey).find((p) => p.clientOid === 'trailact1')).toMatchObject({
      planStatus: 'not_trigger',
      trackPrice: '',
    });
    fake.setPrice(ETH, '3100'); // active: stop 3 069
    fake.setPrice(ETH, '3200'); // new high: stop 3 168
    fake.setPrice(ETH, '3170');
    expect(fake.planOrders(KEY.apiKey).find((p) => p.clientOid === 'trailact1')?.planStatus).toBe('not_trigger');
    fake.setPrice(ETH, '3168');
    expect(fake.planOrders(KEY.apiKey).find((p) => p.clientOid === 'trailact1')?.planStatus).toBe('executed');
    expect(fake.position(KEY.apiKey, ETH).total).toBe('0');
  });

  it('a trigger order (normal_plan, the documented request as a market order): pending under its family, cancelled by clientOid, and one that fires opens at the market', async () => {
    fake.setPrice(ETH, '3000');
    // the documented request, a market order on ETH (price "must be empty when orderType is market")
    const trigger = (fields: Body) => ({
      ...docBody('place-plan-order request'),
      symbol: ETH,
      orderType: 'market',
      price: '',
      size: '1',
      ...fields,
    });
    const placed = expectOk(
      await bitget.post('/api/v2/mix/order/place-plan-order', trigger({ triggerPrice: '3100', clientOid: 'trigup1' })),
    );
    expect(shape(placed)).toEqual(shape(docData('place-plan-order response')));
    expectOk(
      await bitget.post(
        '/api/v2/mix/order/place-plan-order',
        trigger({ triggerPrice: '2900', clientOid: 'trigdown1' }),
      ),
    );

    const pending = expectOk(
      await bitget.get(`/api/v2/mix/order/orders-plan-pending?planType=normal_plan&symbol=${ETH}&${SCOPE}`),
    );
    expect(shape(first(pending, 'entrustedList'))).toEqual(
      shape(docRow('orders-plan-pending response', 'entrustedList')),
    );
    expect(
      (pending.entrustedList as Body[]).map((r) => `${r.clientOid}:${r.planType}:${r.orderType}:${r.triggerPrice}`),
    ).toEqual(['trigdown1:normal_plan:market:2900', 'trigup1:normal_plan:market:3100']);
    // listed under its own family only
    expect(
      (
        expectOk(await bitget.get(`/api/v2/mix/order/orders-plan-pending?planType=profit_loss&symbol=${ETH}&${SCOPE}`))
          .entrustedList as Body[]
      ).length,
    ).toBe(0);

    const cancelled = expectOk(
      await bitget.post('/api/v2/mix/order/cancel-plan-order', {
        symbol: ETH,
        ...MIX,
        planType: 'normal_plan',
        orderIdList: [{ clientOid: 'trigdown1' }],
      }),
    );
    expect(cancelled).toEqual({
      successList: [{ orderId: expect.any(String), clientOid: 'trigdown1' }],
      failureList: [],
    });

    fake.setPrice(ETH, '3099'); // below its trigger: waits
    expect(fake.planOrders(KEY.apiKey).find((p) => p.clientOid === 'trigup1')?.planStatus).toBe('not_trigger');
    fake.setPrice(ETH, '3100');
    const fired = first(
      expectOk(
        await bitget.get(
          `/api/v2/mix/order/orders-plan-history?planType=normal_plan&symbol=${ETH}&${SCOPE}&clientOid=trigup1`,
        ),
      ),
      'entrustedList',
    );
    expect(shape(fired)).toEqual(shape(docRow('orders-plan-history response', 'entrustedList')));
    expect(fired).toMatchObject({
      clientOid: 'trigup1',
      planType: 'normal_plan',
      planStatus: 'executed',
      baseVolume: '1',
      priceAvg: '3100',
    });
    const order = expectOk(
      await bitget.get(`/api/v2/mix/order/detail?symbol=${ETH}&${SCOPE}&orderId=${String(fired.executeOrderId)}`),
    );
    expect(order).toMatchObject({
      state: 'filled',
      side: 'buy',
      orderType: 'market',
      reduceOnly: 'NO',
      baseVolume: '1',
      priceAvg: '3100',
      orderSource: 'plan_market',
    });
    expect(fake.position(KEY.apiKey, ETH)).toMatchObject({ total: '1', openPriceAvg: '3100' });
  });
});

describe('documented refusals', () => {
  const errorText = (code: string) => (docBody('error codes') as Record<string, string>)[code];

  it('an absent order is 40109 on look-up and 43001 on cancel, with the documented messages', async () => {
    const lookup = await bitget.get(`/api/v2/mix/order/detail?symbol=${BTC}&${SCOPE}&clientOid=nosuchorder`);
    expect(lookup.body).toMatchObject({ code: '40109', msg: errorText('40109'), data: null });
    const cancel = await bitget.post('/api/v2/mix/order/cancel-order', {
      symbol: BTC,
      productType: 'USDT-FUTURES',
      clientOid: 'nosuchorder',
    });
    expect(cancel.body).toMatchObject({ code: '43001', msg: errorText('43001'), data: null });
  });

  it('reduce-only with nothing to close is 22002 and nothing trades; a tpsl order on no position too', async () => {
    const before = fake.position(KEY.apiKey, BTC);
    const answer = await bitget.post('/api/v2/mix/order/place-order', {
      symbol: BTC,
      ...MIX,
      marginMode: 'isolated',
      size: '0.01',
      side: 'sell',
      orderType: 'market',
      reduceOnly: 'YES',
      clientOid: 'roflat1',
    });
    expect(answer.body).toMatchObject({ code: '22002', msg: errorText('22002') });
    const tpsl = await bitget.post('/api/v2/mix/order/place-tpsl-order', {
      symbol: BTC,
      ...MIX,
      planType: 'pos_loss',
      triggerPrice: '50000',
      holdSide: 'buy',
      clientOid: 'roflat2',
    });
    expect(tpsl.body.code).toBe('22002');
    expect(fake.position(KEY.apiKey, BTC)).toEqual(before);
  });

  it('a size off the lot (sizeMultiplier 0.0001) is refused, a repeated clientOid too', async () => {
    const offLot = await bitget.post('/api/v2/mix/order/place-order', {
      symbol: BTC,
      ...MIX,
      marginMode: 'isolated',
      size: '0.00015',
      side: 'buy',
      orderType: 'market',
      clientOid: 'offlot1',
    });
    expect(offLot.body.code).toBe('40808');
    const again = await bitget.post('/api/v2/mix/order/place-order', {
      symbol: BTC,
      ...MIX,
      marginMode: 'isolated',
      size: '0.01',
      side: 'buy',
      orderType: 'market',
      clientOid: 'shapeopen1',
    });
    expect(again.body.code).toBe('40786');
    expect(fake.orders(KEY.apiKey).filter((o) => o.clientOid === 'shapeopen1')).toHaveLength(1);
  });
});

describe('the signature as Bitget documents it', () => {
  it('a wrong secret is 40009 (HTTP 401), a wrong passphrase 40012, a stale timestamp 40008', async () => {
    expect(await bitget.get(`/api/v2/mix/account/accounts?${SCOPE}`, { secret: 'not-the-secret' })).toMatchObject({
      status: 401,
      body: { code: '40009' },
    });
    expect(await bitget.get(`/api/v2/mix/account/accounts?${SCOPE}`, { passphrase: 'wrong' })).toMatchObject({
      status: 401,
      body: { code: '40012' },
    });
    expect(
      await bitget.get(`/api/v2/mix/account/accounts?${SCOPE}`, { timestamp: String(Date.now() - 60_000) }),
    ).toMatchObject({ status: 401, body: { code: '40008' } });
  });

  it('the signature covers the query string: the same signature on another query is refused', async () => {
    const timestamp = String(Date.now());
    const { createHmac } = await import('node:crypto');
    const sign = createHmac('sha256', KEY.secret)
      .update(`${timestamp}GET/api/v2/mix/position/single-position?symbol=${BTC}&${SCOPE}&marginCoin=USDT`)
      .digest('base64');
    const res = await fetch(`${fake.url}/api/v2/mix/position/single-position?symbol=${ETH}&${SCOPE}&marginCoin=USDT`, {
      headers: {
        'ACCESS-KEY': KEY.apiKey,
        'ACCESS-SIGN': sign,
        'ACCESS-TIMESTAMP': timestamp,
        'ACCESS-PASSPHRASE': KEY.passphrase,
      },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as Body).code).toBe('40009');
  });

  it('bad input is refused with a code naming it, never a crash: a malformed query escape (40009), a body that is not JSON (40020)', async () => {
    const res = await fetch(`${fake.url}/api/v2/mix/account/accounts?${SCOPE}&x=%E0%A4%A`, {
      headers: {
        'ACCESS-KEY': KEY.apiKey,
        'ACCESS-SIGN': 'x',
        'ACCESS-TIMESTAMP': String(Date.now()),
        'ACCESS-PASSPHRASE': KEY.passphrase,
      },
    });
    expect({ status: res.status, code: ((await res.json()) as Body).code }).toEqual({ status: 401, code: '40009' });
    const bad = await fetch(`${fake.url}/api/v2/mix/order/place-order`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"symbol":',
    });
    expect({ status: bad.status, body: await bad.json() }).toMatchObject({
      status: 400,
      body: { code: '40020', msg: expect.stringContaining('body'), data: null },
    });
  });

  it('an unknown key is 40006, and no answer or log line carries the secret', async () => {
    const stranger = bitgetClient(fake.url, { apiKey: 'nobody', secret: 'x', passphrase: 'y' });
    expect(await stranger.get(`/api/v2/mix/account/accounts?${SCOPE}`)).toMatchObject({
      status: 401,
      body: { code: '40006' },
    });
    expect(JSON.stringify(fake.requests())).not.toContain(KEY.secret);
  });
});
