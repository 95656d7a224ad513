// CcxtCandleSource against a scripted fetchOHLCV (no network): only candles closed by `now`, the
// latest `limit` of them, paged from the right start, and the walk stops on an empty page.
import { CcxtCandleSource } from '../../../../shared/adapters/candles/ccxt-candle-source';

const HOUR = 3_600_000;
const T = Date.UTC(2024, 0, 1);

/** ccxt's OHLCV row: [time, open, high, low, close, volume] */
type Row = [number, number, number, number, number, number];

/** An exchange with hourly candles from T up to and including the one forming at `formingAt`. */
function exchange(formingAt: number, options: { firstAt?: number } = {}) {
  const rows: Row[] = [];
  for (let t = options.firstAt ?? T; t <= formingAt; t += HOUR) rows.push([t, 100, 101, 99, 100.5, 7]);
  const fetchOHLCV = jest.fn(async (_symbol: string, _tf?: string, since?: number, limit?: number): Promise<Row[]> =>
    rows.filter((r) => r[0] >= (since ?? 0)).slice(0, limit ?? 500),
  );
  return { fetchOHLCV };
}

describe('CcxtCandleSource', () => {
  it('returns the latest closed candles and drops the one still forming', async () => {
    const now = T + 10 * HOUR + 10_000; // 10 s after the 09:00 candle closed
    const ex = exchange(T + 10 * HOUR);
    const source = new CcxtCandleSource({ exchange: ex });

    const candles = await source.closedCandles('BTC/USDT:USDT', '1h', 3, now);

    expect(Array.from(candles.time)).toEqual([T + 7 * HOUR, T + 8 * HOUR, T + 9 * HOUR]);
    expect(Array.from(candles.close)).toEqual([100.5, 100.5, 100.5]);
    expect(ex.fetchOHLCV).toHaveBeenCalledWith('BTC/USDT:USDT', '1h', T + 7 * HOUR, 3);
  });

  it('counts a candle whose close is exactly now as closed', async () => {
    const source = new CcxtCandleSource({ exchange: exchange(T + 5 * HOUR) });

    const candles = await source.closedCandles('BTC/USDT:USDT', '1h', 2, T + 5 * HOUR);

    expect(Array.from(candles.time)).toEqual([T + 3 * HOUR, T + 4 * HOUR]);
  });

  it('pages through a request longer than one page', async () => {
    const ex = exchange(T + 30 * HOUR);
    const source = new CcxtCandleSource({ exchange: ex, pageLimit: 4 });

    const candles = await source.closedCandles('BTC/USDT:USDT', '1h', 10, T + 30 * HOUR);

    expect(candles.time.length).toBe(10);
    expect(candles.time[0]).toBe(T + 20 * HOUR);
    expect(candles.time[9]).toBe(T + 29 * HOUR);
    expect(ex.fetchOHLCV.mock.calls.map((c) => [c[2], c[3]])).toEqual([
      [T + 20 * HOUR, 4],
      [T + 24 * HOUR, 4],
      [T + 28 * HOUR, 2],
    ]);
  });

  it('returns what exists when the market is younger than the request, and stops asking', async () => {
    const ex = exchange(T + 30 * HOUR, { firstAt: T + 27 * HOUR });
    const source = new CcxtCandleSource({ exchange: ex, pageLimit: 100 });

    const candles = await source.closedCandles('BTC/USDT:USDT', '1h', 300, T + 30 * HOUR);

    expect(Array.from(candles.time)).toEqual([T + 27 * HOUR, T + 28 * HOUR, T + 29 * HOUR]);
  });

  it('stops on an empty page', async () => {
    const fetchOHLCV = jest.fn(async (): Promise<Row[]> => []);
    const source = new CcxtCandleSource({ exchange: { fetchOHLCV }, pageLimit: 10 });

    const candles = await source.closedCandles('BTC/USDT:USDT', '1h', 50, T + 100 * HOUR);

    expect(candles.time.length).toBe(0);
    expect(fetchOHLCV).toHaveBeenCalledTimes(1);
  });

  it('spans real timeframes', () => {
    const source = new CcxtCandleSource({ exchange: { fetchOHLCV: jest.fn() } });
    expect(source.spanMs('15m')).toBe(900_000);
    expect(source.spanMs('4h')).toBe(4 * HOUR);
  });
});
