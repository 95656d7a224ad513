// The cloud candle source through an unmodified ccxt binanceusdm against the local fake Binance:
// the latest closed candles only (the forming one the exchange also returns is dropped), paged.
import { startFakeBinance, type CandleRow, type FakeBinance } from '../../bin/local/fake-binance';
import { CcxtCandleSource } from '../../shared/adapters/candles/ccxt-candle-source';

jest.setTimeout(30_000);

const HOUR = 3_600_000;
let fake: FakeBinance;

beforeAll(async () => {
  fake = await startFakeBinance({ accounts: [] });
});
afterAll(() => fake.close());

test('reads the latest closed 1h candles of a symbol and never the one still forming', async () => {
  const now = Date.now();
  const forming = Math.floor(now / HOUR) * HOUR;
  // 400 closed candles and the forming one; the close walks up one dollar per hour.
  const rows = Array.from(
    { length: 401 },
    (_, i) => [forming - (400 - i) * HOUR, 60_000 + i, 60_010 + i, 59_990 + i, 60_001 + i, 1.5] as CandleRow,
  );
  fake.setCandles('BTCUSDT', '1h', rows);
  const source = CcxtCandleSource.create('binanceusdm', { apiUrl: fake.url, timeoutMs: 5_000 });

  const candles = await source.closedCandles('BTC/USDT:USDT', '1h', 300, now);

  expect(candles.time.length).toBe(300);
  expect(candles.time[299]).toBe(forming - HOUR);
  expect(candles.time[0]).toBe(forming - 300 * HOUR);
  expect(candles.close[299]).toBe(60_001 + 399);
  for (let i = 1; i < 300; i++) expect(candles.time[i]! - candles.time[i - 1]!).toBe(HOUR);
  const klineRequests = fake.requests().filter((r) => r.path === '/fapi/v1/klines');
  expect(klineRequests.length).toBe(2); // pages of 200
});
