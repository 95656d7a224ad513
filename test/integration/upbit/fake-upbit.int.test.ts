// The fake Upbit against Upbit's own evidence: every answer the adapter reads has the field names
// (and value types) of the documented example body it follows (test/fixtures/exchange/docs/upbit.json)
// or of ccxt's capture from Upbit (the ticker); the markets are the recorded payload; the JWT is
// checked as Upbit documents; the books behave as the documentation says (identifiers never
// reusable, order_not_found 404 with the documented body, uuid wins over identifier).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MARKETS, startFakeUpbit, type FakeUpbit } from '../../../bin/local/fake-upbit';
import { ccxtStatic, documented } from '../../conformance/harness';
import { upbitClient } from './signed-client';

const KEY = { apiKey: 'upbit-shape-key', secret: 'upbit-shape-secret', krw: 10_000_000 };
const BTC = 'KRW-BTC';
let fake: FakeUpbit;
let upbit: ReturnType<typeof upbitClient>;

beforeAll(async () => {
  fake = await startFakeUpbit({ accounts: [KEY], prices: { [BTC]: '100000000' } });
  upbit = upbitClient(fake.url, KEY);
});
afterAll(() => fake.close());

type Body = Record<string, unknown>;
const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
/** Field name → value type. */
const shape = (row: Body): Record<string, string> =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, kind(v)]));
const docBody = (name: string) => documented('upbit', name) as Body;
/** The documented shape plus `identifier`, which Upbit adds when the order carries one. */
const withIdentifier = (row: Body) => ({ ...shape(row), identifier: 'string' });

describe('answers are shaped as Upbit documents them', () => {
  it('markets: the recorded payload, public (unsigned)', async () => {
    const recorded = JSON.parse(
      readFileSync(join(__dirname, '../../fixtures/exchange/upbit-markets.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(MARKETS).toEqual(recorded['/v1/market/all']);
    const res = await fetch(`${fake.url}/v1/market/all`);
    expect(await res.json()).toEqual(recorded['/v1/market/all']);
  });

  it('ticker: the fields of ccxt’s capture from Upbit, priced at the fake’s last', async () => {
    const captured = (
      ccxtStatic('upbit', 'response', 'fetchTicker', 'public spot ticker').httpResponse as Body[]
    )[0] as Body;
    const res = await fetch(`${fake.url}/v1/ticker?markets=${BTC}`);
    const [row] = (await res.json()) as Body[];
    expect(shape(row as Body)).toEqual(shape(captured));
    expect(row).toMatchObject({ market: BTC, trade_price: '100000000' });
  });

  it('accounts: the documented rows (KRW first, then held coins)', async () => {
    const answer = await upbit.get('/v1/accounts');
    expect(answer.status).toBe(200);
    const [krw] = answer.body as Body[];
    const [documentedRow] = documented('upbit', 'accounts') as Body[];
    expect(shape(krw as Body)).toEqual(shape(documentedRow as Body));
    expect(answer.body).toEqual([
      {
        currency: 'KRW',
        balance: '10000000',
        locked: '0',
        avg_buy_price: '0',
        avg_buy_price_modified: false,
        unit_currency: 'KRW',
      },
    ]);
  });

  it('a limit buy: created (state wait, funds and fee locked), listed open, filled at its price on a price move, read with its trade', async () => {
    const created = await upbit.post('/v1/orders', {
      market: BTC,
      side: 'bid',
      ord_type: 'limit',
      price: '99000000',
      volume: '0.01',
      identifier: 'shape-limit-1',
    });
    expect(created.status).toBe(201);
    expect(shape(created.body as Body)).toEqual(withIdentifier(docBody('order-created')));
    // 0.01 × 99 000 000 = 990 000 KRW, fee 0.05 % = 495 KRW reserved on top
    expect(created.body).toMatchObject({
      state: 'wait',
      ord_type: 'limit',
      price: '99000000',
      volume: '0.01',
      executed_volume: '0',
      reserved_fee: '495',
      locked: '990495',
      identifier: 'shape-limit-1',
    });
    expect(fake.balance(KEY.apiKey, 'KRW')).toMatchObject({ balance: '9009505', locked: '990495' });

    const open = await upbit.get('/v1/orders/open', { market: BTC });
    expect((open.body as Body[]).map((o) => o.identifier)).toEqual(['shape-limit-1']);

    fake.setPrice(BTC, '98500000'); // through the bid: fills at its own price, 99 000 000
    const done = await upbit.get('/v1/order', { identifier: 'shape-limit-1' });
    const documentedDone = docBody('order-done');
    expect(shape(done.body as Body)).toEqual(withIdentifier(documentedDone));
    const [trade] = (done.body as { trades: Body[] }).trades;
    expect(shape(trade as Body)).toEqual(shape((documentedDone.trades as Body[])[0] as Body));
    expect(done.body).toMatchObject({
      state: 'done',
      executed_volume: '0.01',
      remaining_volume: '0',
      paid_fee: '495',
      locked: '0',
      trades_count: 1,
    });
    expect(trade).toMatchObject({ price: '99000000', volume: '0.01', funds: '990000', side: 'bid' });
    expect(fake.balance(KEY.apiKey, 'KRW')).toMatchObject({ balance: '9009505', locked: '0' });
    expect(fake.balance(KEY.apiKey, 'BTC')).toMatchObject({ balance: '0.01', avgBuyPrice: '99000000' });
    expect(((await upbit.get('/v1/orders/open', { market: BTC })).body as Body[]).length).toBe(0);
  });

  it('cancel: the documented answer (the order as it stood, state wait); the funds come back; then order_not_found', async () => {
    fake.setPrice(BTC, '100000000');
    await upbit.post('/v1/orders', {
      market: BTC,
      side: 'bid',
      ord_type: 'limit',
      price: '50000000',
      volume: '0.001',
      identifier: 'shape-cancel-1',
    });
    const before = fake.balance(KEY.apiKey, 'KRW');

    const cancelled = await upbit.del('/v1/order', { identifier: 'shape-cancel-1' });
    expect(cancelled.status).toBe(200);
    expect(shape(cancelled.body as Body)).toEqual(withIdentifier(docBody('order-cancelled')));
    expect(cancelled.body).toMatchObject({ state: 'wait', identifier: 'shape-cancel-1' });
    expect(fake.orders(KEY.apiKey).find((o) => o.identifier === 'shape-cancel-1')?.state).toBe('cancel');
    expect(fake.balance(KEY.apiKey, 'KRW')).toEqual({
      ...before,
      balance: String(Number(before.balance) + 50_025),
      locked: '0',
    });

    const again = await upbit.del('/v1/order', { identifier: 'shape-cancel-1' });
    expect(again).toEqual({ status: 404, body: documented('upbit', 'error-order-not-found') });
  });

  it('an unknown identifier is order_not_found with the documented body; uuid wins when both are sent', async () => {
    expect(await upbit.get('/v1/order', { identifier: 'never-placed' })).toEqual({
      status: 404,
      body: documented('upbit', 'error-order-not-found'),
    });
    const { uuid } = fake.orders(KEY.apiKey)[0] as { uuid: string };
    const both = await upbit.get('/v1/order', { uuid, identifier: 'never-placed' });
    expect(both).toMatchObject({ status: 200, body: { uuid, identifier: 'shape-limit-1' } });
  });

  it('a market sell by volume (ord_type market) fills at the last price, the fee taken from the proceeds', async () => {
    fake.setPrice(BTC, '101000000');
    const sold = await upbit.post('/v1/orders', {
      market: BTC,
      side: 'ask',
      ord_type: 'market',
      volume: '0.01',
      identifier: 'shape-sell-1',
    });
    // answered as accepted, matched after
    expect(sold.body).toMatchObject({
      state: 'wait',
      ord_type: 'market',
      price: null,
      volume: '0.01',
      executed_volume: '0',
    });
    const read = await upbit.get('/v1/order', { identifier: 'shape-sell-1' });
    // 0.01 × 101 000 000 = 1 010 000 KRW, fee 505
    expect(read.body).toMatchObject({ state: 'done', executed_volume: '0.01', paid_fee: '505' });
    expect(fake.balance(KEY.apiKey, 'BTC')).toMatchObject({ balance: '0', locked: '0', avgBuyPrice: '0' });
  });
});

describe('the books keep Upbit’s rules', () => {
  it('an identifier is never reusable, even after its order is done or cancelled', async () => {
    const reused = await upbit.post('/v1/orders', {
      market: BTC,
      side: 'bid',
      ord_type: 'limit',
      price: '50000000',
      volume: '0.001',
      identifier: 'shape-cancel-1',
    });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ error: { name: 'validation_error', message: 'identifier has already been used' } });
  });

  it('refusals name the field: insufficient funds, under the 5 000 KRW minimum, a bad side', async () => {
    expect(
      (
        await upbit.post('/v1/orders', {
          market: BTC,
          side: 'bid',
          ord_type: 'price',
          price: '20000000',
          identifier: 'shape-big',
        })
      ).body,
    ).toMatchObject({ error: { name: 'insufficient_funds_bid' } });
    expect(
      (
        await upbit.post('/v1/orders', {
          market: BTC,
          side: 'bid',
          ord_type: 'price',
          price: '4999',
          identifier: 'shape-small',
        })
      ).body,
    ).toMatchObject({ error: { name: 'under_min_total_bid' } });
    expect(
      (
        await upbit.post('/v1/orders', {
          market: BTC,
          side: 'buy',
          ord_type: 'price',
          price: '10000',
          identifier: 'shape-side',
        })
      ).body,
    ).toEqual({
      error: { name: 'validation_error', message: 'side is missing, side does not have a valid value' },
    });
  });
});

describe('the JWT is checked as Upbit documents it', () => {
  it('a wrong secret is jwt_verification, an unknown key invalid_access_key (401)', async () => {
    expect(await upbit.get('/v1/accounts', {}, { secret: 'wrong' })).toMatchObject({
      status: 401,
      body: { error: { name: 'jwt_verification' } },
    });
    expect(await upbitClient(fake.url, { apiKey: 'nobody', secret: 'x' }).get('/v1/accounts')).toMatchObject({
      status: 401,
      body: { error: { name: 'invalid_access_key' } },
    });
  });

  it('the query_hash must be the SHA-512 of the parameters sent; a nonce is used once', async () => {
    expect(await upbit.get('/v1/order', { identifier: 'shape-limit-1' }, { hashOf: 'identifier=other' })).toMatchObject(
      { status: 401, body: { error: { name: 'invalid_query_payload' } } },
    );
    expect(
      await upbit.post(
        '/v1/orders',
        { market: BTC, side: 'bid', ord_type: 'price', price: '10000', identifier: 'shape-hash' },
        { hashOf: 'market=KRW-BTC' },
      ),
    ).toMatchObject({ status: 401 });
    expect(fake.orders(KEY.apiKey).some((o) => o.identifier === 'shape-hash')).toBe(false);
    expect((await upbit.get('/v1/accounts', {}, { nonce: 'once' })).status).toBe(200);
    expect(await upbit.get('/v1/accounts', {}, { nonce: 'once' })).toMatchObject({
      status: 401,
      body: { error: { name: 'nonce_used' } },
    });
  });
});
