// The price watcher's exchange paths against what the exchanges' authors wrote, no network:
// - websocket: the documented event and control bodies (test/fixtures/exchange/docs/<id>-ws.json)
//   go through ccxt pro's own message handler, then through our tick mapping, and must give the
//   documented values; the fakes' bodies must carry exactly the documented fields and parse the same
//   way (so the integration tests against the fakes prove documented behaviour, not the fake's own);
// - REST catch-up: the klines request ccxt's maintainers captured, and their captured answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CcxtPriceCatchUp } from '../../shared/adapters/exchange/ccxt-price-catch-up';
import { toPriceTick } from '../../shared/adapters/exchange/ccxt-price-stream';
import { createCcxtProExchange } from '../../shared/adapters/exchange/ccxt-pro-lib';
import type { CcxtExchange, CcxtExchangeId } from '../../shared/adapters/exchange/ccxt-lib';
import { DIALECTS } from '../../shared/adapters/exchange/dialects';
import { BinanceStreams } from '../../bin/local/fake-binance/streams';
import { ExchangeState } from '../../bin/local/fake-binance/state';
import { DEFAULT_MARKETS } from '../../bin/local/fake-binance/markets';
import { BybitStreams } from '../../bin/local/fake-bybit/streams';
import { BybitState, DEFAULT_PRICES } from '../../bin/local/fake-bybit/state';
import type { StreamConnection } from '../../bin/local/fake-exchange/streams';
import { ccxtStatic, conformanceAdapter, marketPayloads, type SentRequest } from './harness';

const BTC = 'BTC/USDT:USDT';
const RECEIVED_AT = 1_800_000_000_000;

function documentedWs(exchange: string, name: string): Record<string, unknown> {
  const file = JSON.parse(
    readFileSync(join(__dirname, '..', 'fixtures', 'exchange', 'docs', `${exchange}-ws.json`), 'utf8'),
  ) as { examples: Record<string, { body: Record<string, unknown> }> };
  const example = file.examples[name];
  if (!example) throw new Error(`no documented websocket example "${name}" for ${exchange}`);
  return example.body;
}

/** A ccxt pro instance with the exchange's recorded markets loaded (no network). */
async function proWithMarkets(id: CcxtExchangeId): Promise<CcxtExchange> {
  // the dialect's options, as CcxtPriceStream builds it (Bybit: linear markets only)
  const ex = createCcxtProExchange(id, { enableRateLimit: false, options: DIALECTS[id].options });
  const markets = marketPayloads(id);
  (ex as unknown as { fetchImplementation: unknown }).fetchImplementation = async (url: string) => {
    const parsed = new URL(url);
    const key = parsed.search ? `${parsed.pathname}?${parsed.searchParams.toString()}` : parsed.pathname;
    if (!(key in markets)) throw new Error(`unexpected request ${url}`);
    return new Response(JSON.stringify(markets[key]), { headers: { 'content-type': 'application/json' } });
  };
  (ex.has as Record<string, unknown>).fetchCurrencies = false;
  await ex.loadMarkets();
  return ex;
}

/** What ccxt's message handler did with one message: resolved values and rejections by message hash. */
interface Handled {
  resolved: { value: Record<string, unknown>; hash: string }[];
  rejected: { error: Error; hash: string }[];
  lastPong?: number;
}

function handle(ex: CcxtExchange, url: string, message: unknown, subscriptions: Record<string, unknown> = {}): Handled {
  const out: Handled = { resolved: [], rejected: [] };
  const client = {
    url,
    subscriptions,
    futures: {},
    resolve: (value: Record<string, unknown>, hash: string) => out.resolved.push({ value, hash }),
    reject: (error: Error, hash: string) => out.rejected.push({ error, hash }),
    set lastPong(v: number) {
      out.lastPong = v;
    },
  };
  (ex as unknown as { handleMessage(c: unknown, m: unknown): void }).handleMessage(client, structuredClone(message));
  return out;
}

function connection(path: string, topics: string[]): StreamConnection & { sent: unknown[] } {
  const sent: unknown[] = [];
  return { path, topics: new Set(topics), memory: new Map(), sent, send: (b) => sent.push(b) };
}

const sortedKeys = (o: Record<string, unknown>) => Object.keys(o).sort();

describe('binanceusdm websocket streams', () => {
  const URL_MARKET = 'wss://fstream.binance.com/market/ws/0';
  let ex: CcxtExchange;
  beforeAll(async () => {
    ex = await proWithMarkets('binanceusdm');
  });

  it('the documented 24hrTicker parses in ccxt to its close price and close time, and to our tick', () => {
    const handled = handle(ex, URL_MARKET, documentedWs('binanceusdm', 'ticker.event'));
    const ticker = handled.resolved.find((r) => r.hash === 'ticker:ticker@BTC/USDT:USDT')?.value;
    expect(ticker).toMatchObject({ symbol: BTC, last: 0.0025, open: 0.001, high: 0.0025, timestamp: 86_400_000 });
    expect(toPriceTick(ticker ?? {}, BTC, 'binanceusdm', RECEIVED_AT)).toEqual({
      symbol: BTC,
      last: 0.0025,
      timestamp: 86_400_000,
      exchange: 'binanceusdm',
      receivedAt: RECEIVED_AT,
    });
  });

  it('the documented 24hrMiniTicker (what watchTickers subscribes) parses to its close price and event time', () => {
    const handled = handle(ex, URL_MARKET, documentedWs('binanceusdm', 'miniTicker.event'));
    const ticker = handled.resolved.find((r) => r.hash === 'ticker:miniTicker@BTC/USDT:USDT')?.value;
    expect(ticker).toMatchObject({ symbol: BTC, last: 0.0025, timestamp: 123_456_789 });
    expect(toPriceTick(ticker ?? {}, BTC, 'binanceusdm', RECEIVED_AT)).toMatchObject({ last: 0.0025 });
  });

  it('the fake sends exactly the documented fields, and ccxt reads its price', () => {
    const state = new ExchangeState(DEFAULT_MARKETS, [], 0);
    state.market('BTCUSDT').price = 65_432.1;
    const fake = new BinanceStreams(state);
    for (const [channel, doc] of [
      ['ticker', 'ticker.event'],
      ['miniTicker', 'miniTicker.event'],
      ['markPrice', 'markPrice.event'],
    ] as const) {
      const body = fake.event('BTCUSDT', channel);
      expect(sortedKeys(body)).toEqual(sortedKeys(documentedWs('binanceusdm', doc)));
    }
    const handled = handle(ex, URL_MARKET, fake.event('BTCUSDT', 'miniTicker'));
    expect(handled.resolved.find((r) => r.hash === 'ticker:miniTicker@BTC/USDT:USDT')?.value).toMatchObject({
      last: 65_432.1,
    });
    const mark = handle(ex, URL_MARKET, fake.event('BTCUSDT', 'markPrice'));
    expect(mark.resolved[0]?.value).toMatchObject({ symbol: BTC, markPrice: 65_432.1 });
  });

  it('the fake answers SUBSCRIBE and UNSUBSCRIBE with the documented bodies, and pushes only on the routed path', () => {
    const fake = new BinanceStreams(new ExchangeState(DEFAULT_MARKETS, [], 0));
    const market = connection('/market/ws/0', []);
    fake.onMessage(market, JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@ticker'], id: 1 }), () => false);
    fake.onMessage(market, JSON.stringify({ method: 'UNSUBSCRIBE', params: ['btcusdt@ticker'], id: 312 }), () => false);
    expect(market.sent).toEqual([
      documentedWs('binanceusdm', 'subscribe.response'),
      documentedWs('binanceusdm', 'unsubscribe.response'),
    ]);
    // docs: a /market stream pushes nothing on an unrouted connection
    expect(fake.pushes(connection('/ws', ['btcusdt@ticker']))).toEqual([]);
    expect(fake.pushes(connection('/market/ws', ['btcusdt@ticker']))).toHaveLength(1);
  });

  it("a refusal in Binance's envelope rejects the subscription's watch in ccxt with the exchange's message", () => {
    const fake = new BinanceStreams(new ExchangeState(DEFAULT_MARKETS, [], 0));
    const conn = connection('/market/ws/0', []);
    fake.onMessage(conn, JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@ticker'], id: 1 }), () => true);
    expect(conn.sent).toEqual([documentedWs('binanceusdm', 'subscribe.refused')]);

    const handled = handle(ex, URL_MARKET, conn.sent[0], { 'ticker:miniTicker@BTC/USDT:USDT': { id: 1 } });
    const rejection = handled.rejected.find((r) => r.hash === 'ticker:miniTicker@BTC/USDT:USDT');
    expect(rejection?.error.message).toBe('binanceusdm {"code":2,"msg":"Invalid request: invalid stream"}');
  });
});

describe('bybit websocket streams', () => {
  const URL_LINEAR = 'wss://stream.bybit.com/v5/public/linear';
  let ex: CcxtExchange;
  beforeAll(async () => {
    ex = await proWithMarkets('bybit');
  });

  it('the documented linear snapshot parses in ccxt to last, bid, ask and ts, and to our tick', () => {
    const handled = handle(ex, URL_LINEAR, documentedWs('bybit', 'tickers.linear.snapshot'));
    const ticker = handled.resolved.find((r) => r.hash === 'ticker:BTC/USDT:USDT')?.value;
    expect(toPriceTick(ticker ?? {}, BTC, 'bybit', RECEIVED_AT)).toEqual({
      symbol: BTC,
      last: 17_216,
      bid: 17_215.5,
      ask: 17_216,
      timestamp: 1_673_272_861_686,
      exchange: 'bybit',
      receivedAt: RECEIVED_AT,
    });
  });

  it("the fake's snapshot carries exactly the documented fields; its deltas only what changed, merged by ccxt", () => {
    const state = new BybitState([], DEFAULT_PRICES, 0);
    const fake = new BybitStreams(state);
    const conn = connection('/v5/public/linear', []);
    fake.onMessage(conn, JSON.stringify({ req_id: '7', op: 'subscribe', args: ['tickers.BTCUSDT'] }), () => false);
    const [ack, snapshot] = conn.sent as Record<string, unknown>[];
    expect(sortedKeys(ack ?? {})).toEqual(sortedKeys(documentedWs('bybit', 'subscribe.response.linear')));
    expect(ack).toMatchObject({ success: true, op: 'subscribe', req_id: '7' });
    const documented = documentedWs('bybit', 'tickers.linear.snapshot');
    expect(sortedKeys(snapshot ?? {})).toEqual(sortedKeys(documented));
    expect(sortedKeys((snapshot?.data ?? {}) as Record<string, unknown>)).toEqual(
      sortedKeys(documented.data as Record<string, unknown>),
    );
    handle(ex, URL_LINEAR, snapshot);

    state.prices.set('BTCUSDT', state.price('BTCUSDT').plus(15));
    const [delta] = fake.pushes(conn, 'BTCUSDT') as Record<string, unknown>[];
    expect(delta).toMatchObject({ type: 'delta', data: { symbol: 'BTCUSDT', lastPrice: '60015' } });
    expect((delta?.data as Record<string, unknown>).fundingRate).toBeUndefined();
    const merged = handle(ex, URL_LINEAR, delta).resolved[0]?.value;
    expect(toPriceTick(merged ?? {}, BTC, 'bybit', RECEIVED_AT)).toMatchObject({
      last: 60_015,
      bid: 60_014.9,
      ask: 60_015,
    });
  });

  it('the fake answers ping with the documented linear pong, which ccxt takes as its heartbeat', () => {
    const conn = connection('/v5/public/linear', []);
    new BybitStreams(new BybitState([], DEFAULT_PRICES, 0)).onMessage(
      conn,
      JSON.stringify(documentedWs('bybit', 'ping.request')),
      () => false,
    );
    const pong = conn.sent[0] as Record<string, unknown>;
    expect(sortedKeys(pong)).toEqual(sortedKeys(documentedWs('bybit', 'pong.linear')));
    expect(pong).toMatchObject({ success: true, ret_msg: 'pong', op: 'ping', req_id: '100001' });
    expect(handle(ex, URL_LINEAR, documentedWs('bybit', 'pong.linear')).lastPong).toBeGreaterThan(0);
    expect(handle(ex, URL_LINEAR, pong).lastPong).toBeGreaterThan(0);
  });

  it("a refusal in Bybit's shape rejects the subscription's watch in ccxt with Bybit's ret_msg", () => {
    const conn = connection('/v5/public/linear', []);
    new BybitStreams(new BybitState([], DEFAULT_PRICES, 0)).onMessage(
      conn,
      JSON.stringify({ req_id: '3', op: 'subscribe', args: ['tickers.BTCUSDT'] }),
      () => true,
    );
    const refusal = conn.sent[0] as Record<string, unknown>;
    expect(sortedKeys(refusal)).toEqual(sortedKeys(documentedWs('bybit', 'subscribe.refused')));
    for (const body of [refusal, { ...documentedWs('bybit', 'subscribe.refused'), req_id: '3' }]) {
      const handled = handle(ex, URL_LINEAR, body, { 'ticker:BTC/USDT:USDT': { id: 3 } });
      expect(handled.rejected[0]?.hash).toBe('ticker:BTC/USDT:USDT');
      expect(handled.rejected[0]?.error.message).toContain('error:handler not found,topic:');
    }
  });
});

describe('REST catch-up (fetchOHLCV) against captured requests and answers', () => {
  const queryOf = (url: string): Record<string, string> => Object.fromEntries(new URL(url).searchParams);

  it("binanceusdm: the captured klines request, from the gap's minute, and the captured answer's extremes", async () => {
    const request = ccxtStatic('binance', 'request', 'fetchOHLCV', 'Fetch OHLCV - linear');
    const captured = ccxtStatic('binance', 'response', 'fetchOHLCV', 'swap ohlcv');
    const c = conformanceAdapter('binanceusdm', (r: SentRequest) =>
      r.path === '/fapi/v1/klines' ? { body: captured.httpResponse } : undefined,
    );
    const start = 1_699_381_200_000;
    const catchUp = new CcxtPriceCatchUp(
      { exchangeId: 'binanceusdm', clock: { now: () => start + 4 * 60_000 } },
      c.adapter,
    );

    const gap = await catchUp.since(BTC, start + 34_000);

    expect(c.calls()).toHaveLength(1);
    expect(c.calls()[0]?.path).toBe(new URL(String(request.url)).pathname);
    // the captured request for ('1m', since, 5), with since at the gap's minute
    expect(c.calls()[0]?.query).toEqual({ ...queryOf(String(request.url)), startTime: String(start) });
    // captured: highs 71481.9 / 71471 / 71470.9, lows 71481.9 / 70459.4 / 70459.4, last close 70459.4
    expect(gap).toEqual({
      symbol: BTC,
      high: 71_481.9,
      low: 70_459.4,
      last: 70_459.4,
      from: start + 34_000,
      to: start + 4 * 60_000,
    });
  });

  it('bybit: the linear kline request in the captured shape, and the captured answer (newest first) read oldest first', async () => {
    const request = ccxtStatic('bybit', 'request', 'fetchOHLCV', 'since and until set');
    const captured = ccxtStatic('bybit', 'response', 'fetchOHLCV', 'swap ohlcv with since and limit');
    const c = conformanceAdapter('bybit', (r: SentRequest) =>
      r.path === '/v5/market/kline' ? { body: captured.httpResponse } : undefined,
    );
    const start = 1_706_630_400_000;
    const catchUp = new CcxtPriceCatchUp(
      { exchangeId: 'bybit', clock: { now: () => start + 3 * 3_600_000 } },
      c.adapter,
    );

    const gap = await catchUp.since(BTC, start);

    const sent = c.calls()[0];
    expect(sent?.path).toBe(new URL(String(request.url)).pathname);
    // the captured request is spot; the keys are the same, the category linear
    expect(Object.keys(sent?.query ?? {}).sort()).toEqual(
      Object.keys(queryOf(String(request.url)))
        .filter((k) => k !== 'end')
        .sort(),
    );
    expect(sent?.query).toMatchObject({ category: 'linear', symbol: 'BTCUSDT', interval: '1', start: String(start) });
    expect(gap).toMatchObject({ high: 43_579.5, low: 43_204.5, last: 43_352.8 });
  });
});
