// Public market data through ccxt: seeded candles and funding rates paged with `since` (by hand and
// with ccxt's own pagination), tickers and the synthetic book around the price, or a book the test seeds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CandleRow, FakeBinance, FundingRow } from '../../../bin/local/fake-binance';
import { BTC, client, startFake, type Binance } from './helpers';

const HOUR = 3_600_000;
const EIGHT_HOURS = 8 * HOUR;

let fake: FakeBinance;
let ex: Binance;

beforeEach(async () => {
  fake = await startFake();
  ex = client(fake);
  await ex.loadMarkets();
});
afterEach(() => fake.close());

/** `count` hourly candles ending before now; the close walks up one dollar per hour. */
function hourly(count: number): CandleRow[] {
  const first = Math.floor(Date.now() / HOUR) * HOUR - count * HOUR;
  return Array.from(
    { length: count },
    (_, i) => [first + i * HOUR, 60000 + i, 60010 + i, 59990 + i, 60001 + i, 1.5] as CandleRow,
  );
}

test('fetchOHLCV with since pages through the seeded series without gaps or repeats', async () => {
  const rows = hourly(1200);
  fake.setCandles('BTCUSDT', '1h', rows);
  const since = rows[100]![0];

  const seen: number[] = [];
  let cursor = since;
  for (;;) {
    const page = await ex.fetchOHLCV(BTC, '1h', cursor, 500);
    if (page.length === 0) break;
    seen.push(...page.map((c) => c[0]!));
    cursor = page[page.length - 1]![0]! + 1;
  }

  expect(seen).toEqual(rows.slice(100).map((r) => r[0]));
  const [first] = await ex.fetchOHLCV(BTC, '1h', since, 1);
  expect(first).toEqual([since, 60100, 60110, 60090, 60101, 1.5]);
});

test('klines honour endTime and the 1500 cap like Binance; no window gives the latest rows', async () => {
  const rows = hourly(2000);
  fake.setCandles('BTCUSDT', '1h', rows);

  const latest = await ex.fetchOHLCV(BTC, '1h', undefined, 3);
  expect(latest.map((c) => c[0])).toEqual(rows.slice(-3).map((r) => r[0]));

  const beforeEnd = (await ex.fapiPublicGetKlines({
    symbol: 'BTCUSDT',
    interval: '1h',
    endTime: rows[9]![0],
    limit: 4,
  })) as unknown[][];
  expect(beforeEnd.map((k) => k[0])).toEqual(rows.slice(6, 10).map((r) => r[0]));

  const capped = (await ex.fapiPublicGetKlines({
    symbol: 'BTCUSDT',
    interval: '1h',
    startTime: rows[0]![0],
    limit: 1800,
  })) as unknown[][];
  expect(capped).toHaveLength(1500);
  expect(capped[0]).toEqual([
    rows[0]![0],
    '60000.0',
    '60010.0',
    '59990.0',
    '60001.0',
    '1.500',
    rows[0]![0] + HOUR - 1,
    '90001.50000000',
    1,
    '0.750',
    '45000.75000000',
    '0',
  ]);
});

test('fetchOHLCV with paginate and until stitches ccxt’s own pages', async () => {
  const rows = hourly(1800);
  fake.setCandles('BTCUSDT', '1h', rows);

  const candles = await ex.fetchOHLCV(BTC, '1h', rows[0]![0], undefined, { paginate: true, until: rows[1799]![0] });

  expect(candles.map((c) => c[0])).toEqual(rows.map((r) => r[0]));
});

test('fetchFundingRateHistory with since pages 8-hour rates, at most 1000 per call', async () => {
  const first = Math.floor(Date.now() / EIGHT_HOURS) * EIGHT_HOURS - 1500 * EIGHT_HOURS;
  const rows: FundingRow[] = Array.from({ length: 1500 }, (_, i) => [first + i * EIGHT_HOURS, (i % 7) * 0.00001]);
  fake.setFundingRates('BTCUSDT', rows);

  const seen: number[] = [];
  let cursor = rows[10]![0];
  for (;;) {
    const page = await ex.fetchFundingRateHistory(BTC, cursor, 1000);
    if (page.length === 0) break;
    expect(page.length).toBeLessThanOrEqual(1000);
    seen.push(...page.map((r) => r.timestamp!));
    cursor = page[page.length - 1]!.timestamp! + 1;
  }
  expect(seen).toEqual(rows.slice(10).map((r) => r[0]));

  const [one] = await ex.fetchFundingRateHistory(BTC, rows[3]![0], 1);
  expect(one).toMatchObject({ symbol: BTC, fundingRate: 0.00003, timestamp: rows[3]![0] });
  const latest = await ex.fetchFundingRateHistory(BTC, undefined, 2);
  expect(latest.map((r) => r.timestamp)).toEqual(rows.slice(-2).map((r) => r[0]));
});

test('fetchTicker follows setPrice; the book and book ticker straddle it by the configured spread', async () => {
  fake.setPrice('BTCUSDT', 64000);
  expect(await ex.fetchTicker(BTC)).toMatchObject({ last: 64000, open: 65000, high: 65000, low: 64000 });

  fake.setSpread('BTCUSDT', 10); // 10 bps: 32 each side of 64000
  const book = await ex.fetchOrderBook(BTC, 5);
  expect(book.bids[0]).toEqual([63968, expect.any(Number)]);
  expect(book.asks[0]).toEqual([64032, expect.any(Number)]);
  expect(book.bids).toHaveLength(5);
  expect(book.bids[1]![0]).toBe(63967.9);

  const bookTicker = (await ex.fapiPublicGetTickerBookTicker({ symbol: 'BTCUSDT' })) as {
    bidPrice: string;
    askPrice: string;
  };
  expect(bookTicker).toMatchObject({ bidPrice: '63968.0', askPrice: '64032.0' });
});

test('a seeded book is served in the body Binance answers, and ccxt reads it as it read the captured answer', async () => {
  // ccxt's capture of Binance's GET /fapi/v1/depth (test/fixtures/exchange/ccxt-static/binance.response.json)
  const captured = (
    JSON.parse(readFileSync(join(__dirname, '../../fixtures/exchange/ccxt-static/binance.response.json'), 'utf8')) as {
      methods: {
        fetchOrderBook: {
          httpResponse: Record<string, unknown>;
          parsedResponse: { bids: [number, number][]; asks: [number, number][] };
        }[];
      };
    }
  ).methods.fetchOrderBook[0]!;
  const { bids, asks } = captured.parsedResponse;
  fake.setBook('BTCUSDT', { bids, asks });

  const raw = (await ex.fapiPublicGetDepth({ symbol: 'BTCUSDT', limit: 5 })) as Record<string, unknown>;
  expect(Object.keys(raw).sort()).toEqual(Object.keys(captured.httpResponse).sort());
  // decimal strings, as Binance's; the fake writes its tick's decimals (42651.1 where Binance wrote 42651.10)
  const numbers = (levels: unknown) => (levels as string[][]).map((l) => l.map(Number));
  expect(numbers(raw.bids)).toEqual(numbers(captured.httpResponse.bids));
  expect(numbers(raw.asks)).toEqual(numbers(captured.httpResponse.asks));
  expect(typeof (raw.bids as unknown[][])[0]![0]).toBe('string');
  const book = await ex.fetchOrderBook(BTC, 5);
  expect(book.bids).toEqual(bids);
  expect(book.asks).toEqual(asks);
  // the book ticker is the seeded touch; undefined goes back to the synthetic book around the price
  expect(await ex.fapiPublicGetTickerBookTicker({ symbol: 'BTCUSDT' })).toMatchObject({
    bidPrice: '42651.1',
    bidQty: '470.672',
    askPrice: '42878.0',
    askQty: '7.011',
  });
  fake.setBook('BTCUSDT', undefined);
  expect((await ex.fetchOrderBook(BTC, 5)).asks[0]![0]).toBeCloseTo(65_006.5, 1);
});

test('premiumIndex carries the mark price and the latest seeded funding rate', async () => {
  fake.setFundingRates('BTCUSDT', [[Date.now() - EIGHT_HOURS, 0.00025]]);
  fake.setPrice('BTCUSDT', 65500);

  const rate = await ex.fetchFundingRate(BTC);

  expect(rate).toMatchObject({ symbol: BTC, markPrice: 65500, fundingRate: 0.00025 });
  expect(rate.fundingTimestamp! % EIGHT_HOURS).toBe(0); // ccxt reads nextFundingTime into fundingTimestamp
});
