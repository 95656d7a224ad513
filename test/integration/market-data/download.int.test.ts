// The candle downloader against the fake Binance through an unmodified ccxt: a download broken off
// half-way resumes where it stopped, a gap cut into the cache is filled, candles the exchange never
// had are remembered, funding rates come along, and a rerun over a complete range sends nothing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  pointCcxtAt,
  startFakeBinance,
  type CandleRow,
  type FakeBinance,
  type FundingRow,
} from '../../../bin/local/fake-binance';
import { createCcxtExchange, OperationFailed } from '../../../shared/adapters/exchange/ccxt-lib';
import { candleCachePath, fundingCachePath } from '../../../shared/adapters/market-data/candle-cache';
import { downloadCandles, type DownloadOptions } from '../../../shared/adapters/market-data/candle-downloader';

const HOUR = 3_600_000;
const COUNT = 3000;
/** Hours the exchange itself has no candle for (a maintenance window). */
const HOLE = { from: 2500, to: 2510 };

let fake: FakeBinance;
let cacheDir: string;
let first: number;
let exchangeRows: CandleRow[];
let funding: FundingRow[];

beforeEach(async () => {
  fake = await startFakeBinance();
  cacheDir = await mkdtemp(join(tmpdir(), 'candle-cache-'));
  first = Math.floor(Date.now() / HOUR) * HOUR - COUNT * HOUR;
  const all = Array.from(
    { length: COUNT },
    (_, i) => [first + i * HOUR, 60000 + i, 60010.5 + i, 59990 + i, 60001.2 + i, 1.5] as CandleRow,
  );
  exchangeRows = all.filter((_, i) => i < HOLE.from || i >= HOLE.to);
  fake.setCandles('BTCUSDT', '1h', exchangeRows);
  funding = Array.from({ length: COUNT / 8 }, (_, i) => [first + i * 8 * HOUR, ((i % 5) - 2) * 0.0001] as FundingRow);
  fake.setFundingRates('BTCUSDT', funding);
});

afterEach(async () => {
  await fake.close();
  await rm(cacheDir, { recursive: true, force: true });
});

function options(over: Partial<DownloadOptions> = {}): DownloadOptions {
  const exchange = createCcxtExchange('binanceusdm', { enableRateLimit: false });
  pointCcxtAt(exchange as never, fake.url);
  return {
    exchange,
    exchangeId: 'binanceusdm',
    symbol: 'BTC/USDT:USDT',
    timeframe: '1h',
    since: first,
    until: first + COUNT * HOUR,
    cacheDir,
    pageLimit: 1000,
    ...over,
  };
}

const candleFile = () => candleCachePath(cacheDir, 'binanceusdm', 'BTC/USDT:USDT', '1h');
const readRows = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as number[][];
const marketRequests = () =>
  fake.requests().filter((r) => r.path === '/fapi/v1/klines' || r.path === '/fapi/v1/fundingRate').length;

test('the cache file is freqtrade-style, under <cache>/<exchange>/<SYMBOL>-<timeframe>.json', () => {
  expect(candleFile()).toBe(join(cacheDir, 'binanceusdm', 'BTC_USDT_USDT-1h.json'));
  expect(fundingCachePath(cacheDir, 'binanceusdm', 'BTC/USDT:USDT')).toBe(
    join(cacheDir, 'binanceusdm', 'BTC_USDT_USDT-funding.json'),
  );
});

test('broken off half-way, resumed, gap filled, funding included; a rerun sends no request', async () => {
  // 1. The exchange fails the second page: what the first page brought is kept.
  let armed = false;
  const broken = downloadCandles(
    options({
      onProgress: (p) => {
        if (!armed && p.done > 0) {
          armed = true;
          fake.fault({ match: { path: '/fapi/v1/klines' }, kind: 'reject-5xx' });
        }
      },
    }),
  );
  await expect(broken).rejects.toBeInstanceOf(OperationFailed);
  const partial = await readRows(candleFile());
  expect(partial).toEqual(exchangeRows.slice(0, 1000));

  // 2. Resume: only the missing part is asked for; the exchange's own hole is not a gap to refill.
  const resumed = await downloadCandles(options({ funding: true }));
  expect(resumed.missingBefore).toBe(COUNT - 1000);
  expect(resumed.newCandles).toBe(exchangeRows.length - 1000);
  expect(await readRows(candleFile())).toEqual(exchangeRows);
  expect(resumed.totalFundingRates).toBe(funding.length);
  expect(await readRows(fundingCachePath(cacheDir, 'binanceusdm', 'BTC/USDT:USDT'))).toEqual(funding);

  // 3. A gap cut into the cache is found by its missing candle times and filled with one request.
  await writeFile(candleFile(), JSON.stringify(exchangeRows.filter((_, i) => i < 1500 || i >= 1600)));
  const before = marketRequests();
  const filled = await downloadCandles(options({ funding: true }));
  expect(filled).toMatchObject({ missingBefore: 100, newCandles: 100, requests: 1 });
  expect(marketRequests() - before).toBe(1);
  expect(await readRows(candleFile())).toEqual(exchangeRows);

  // 4. Everything is there: nothing is requested, nothing changes.
  const settled = marketRequests();
  const again = await downloadCandles(options({ funding: true }));
  expect(again).toMatchObject({
    requests: 0,
    missingBefore: 0,
    newCandles: 0,
    newFundingRates: 0,
    totalCandles: exchangeRows.length,
  });
  expect(marketRequests()).toBe(settled);
});

test('a wider range later asks only for the new part, before and after', async () => {
  await downloadCandles(options({ since: first + 1000 * HOUR, until: first + 2000 * HOUR, funding: true }));
  const before = marketRequests();
  const widened = await downloadCandles(options({ funding: true }));
  expect(widened.missingBefore).toBe(2000);
  expect(await readRows(candleFile())).toEqual(exchangeRows);
  expect(await readRows(fundingCachePath(cacheDir, 'binanceusdm', 'BTC/USDT:USDT'))).toEqual(funding);
  // Candles: 1000 before in one page, 1000 after (minus the hole) in one page, and one empty
  // answer past the hole's page is not needed; funding: one page each side.
  expect(marketRequests() - before).toBeLessThanOrEqual(6);
});

test('the candle still forming is never stored', async () => {
  const now = Date.now();
  const current = Math.floor(now / HOUR) * HOUR;
  fake.setCandles('BTCUSDT', '1h', [...exchangeRows, [current, 1, 2, 0.5, 1.5, 1] as CandleRow]);
  const report = await downloadCandles(options({ until: undefined, since: current - 5 * HOUR }));
  expect(report.until).toBe(current);
  const rows = await readRows(candleFile());
  expect(rows.at(-1)![0]).toBe(current - HOUR);
});
