// The funding-history walk per exchange, through ccxt's own fetchFundingRateHistory (only its raw
// endpoint is answered here, as trade-history.test.ts does): Bybit and OKX pages older than the
// oldest row seen, Bitget page numbers, all rows since `since` oldest first with no duplicates;
// a page that cannot be read or does not move fails the read (retryable); bad input names the field.
// The rows are written here in each exchange's documented shape: they prove the walk, not the answers
// (test/conformance/funding-history.conformance.test.ts).
import { CcxtFundingHistory, MAX_REQUESTS } from '../../../../shared/adapters/exchange/ccxt-funding-history';
import type { CcxtExchange } from '../../../../shared/adapters/exchange/ccxt-lib';
import type { DomainError } from '../../../../shared/core/errors';
import { InvalidArgumentError, TransientError } from '../../../../shared/core/errors';
import { NOW, offlineAdapter } from './offline-exchange';

const BTC = 'BTC/USDT:USDT';
const HOUR = 3_600_000;

/** Replaces one of ccxt's raw endpoint methods; records the requests it builds. */
function endpoint(ex: CcxtExchange, method: string, answer: (request: Record<string, unknown>) => unknown) {
  const requests: Record<string, unknown>[] = [];
  (ex as unknown as Record<string, unknown>)[method] = async (request: Record<string, unknown>) => {
    requests.push({ ...request });
    return answer(request);
  };
  return requests;
}

/** `count` hourly settlements ending at NOW, newest first (as Bybit, OKX and Bitget answer). */
function newestFirst(count: number): { time: number; rate: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    time: NOW - i * HOUR,
    rate: `0.0000${String(i).padStart(4, '0')}`,
  }));
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );

describe('Bybit: endTime pages, 200 rows each', () => {
  const bybitRow = (r: { time: number; rate: string }) => ({
    symbol: 'BTCUSDT',
    fundingRate: r.rate,
    fundingRateTimestamp: String(r.time),
  });
  const serve = (ex: CcxtExchange, rows: { time: number; rate: string }[]) =>
    endpoint(ex, 'publicGetV5MarketFundingHistory', (request) => {
      const end = request.endTime === undefined ? Number.POSITIVE_INFINITY : Number(request.endTime);
      const list = rows.filter((r) => r.time <= end).slice(0, Number(request.limit));
      return {
        retCode: 0,
        retMsg: 'OK',
        result: { category: 'linear', list: list.map(bybitRow) },
        retExtInfo: {},
        time: NOW,
      };
    });

  it('walks back to `since` and returns every row from it, oldest first', async () => {
    const { adapter, ex } = offlineAdapter('bybit');
    const rows = newestFirst(450);
    const requests = serve(ex, rows);
    const since = NOW - 420 * HOUR;

    const { rates, intervalMs } = await new CcxtFundingHistory(adapter).settled(BTC, since);

    expect(rates).toHaveLength(421);
    expect(rates[0]).toEqual({ time: since, rate: '0.0000042' });
    expect(rates[420]).toEqual({ time: NOW, rate: '0' });
    expect(rates.every((r, i) => i === 0 || r.time > rates[i - 1]!.time)).toBe(true);
    expect(intervalMs).toBe(8 * HOUR);
    // the third page reaches `since`: no fourth is asked
    expect(requests.map((r) => r.endTime)).toEqual([undefined, NOW - 199 * HOUR - 1, NOW - 399 * HOUR - 1]);
    expect(requests.every((r) => r.startTime === undefined)).toBe(true);
  });

  it('a full page that does not move past the last one fails the read, retryable', async () => {
    const { adapter, ex } = offlineAdapter('bybit');
    const rows = newestFirst(200);
    // the exchange ignores endTime: the same 200 rows again
    endpoint(ex, 'publicGetV5MarketFundingHistory', () => ({
      retCode: 0,
      retMsg: 'OK',
      result: { category: 'linear', list: rows.map(bybitRow) },
      retExtInfo: {},
      time: NOW,
    }));
    const error = await failure(new CcxtFundingHistory(adapter).settled(BTC, 0));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as DomainError).retryable).toBe(true);
  });

  it('a row whose rate is not decimal text fails the read rather than leaving a gap', async () => {
    const { adapter, ex } = offlineAdapter('bybit');
    endpoint(ex, 'publicGetV5MarketFundingHistory', () => ({
      retCode: 0,
      retMsg: 'OK',
      result: { category: 'linear', list: [{ symbol: 'BTCUSDT', fundingRate: '', fundingRateTimestamp: String(NOW) }] },
      retExtInfo: {},
      time: NOW,
    }));
    const error = await failure(new CcxtFundingHistory(adapter).settled(BTC, 0));
    expect(error).toBeInstanceOf(TransientError);
  });

  it('a history longer than the request budget is refused naming `since`, not cut short', async () => {
    const { adapter, ex } = offlineAdapter('bybit');
    const requests = serve(ex, newestFirst(200 * (MAX_REQUESTS + 1)));
    const error = await failure(new CcxtFundingHistory(adapter).settled(BTC, 0));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/^since: .* too far back .*more than 40 requests/);
    expect(requests).toHaveLength(MAX_REQUESTS);
  });
});

describe('OKX: `after` pages, 100 rows each, the realized rate', () => {
  it('walks back with `after` (older than a fundingTime) and reads realizedRate, not the predicted fundingRate', async () => {
    const { adapter, ex } = offlineAdapter('okx');
    const rows = newestFirst(150);
    const requests = endpoint(ex, 'publicGetPublicFundingRateHistory', (request) => {
      const after = request.after === undefined ? Number.POSITIVE_INFINITY : Number(request.after);
      const data = rows
        .filter((r) => r.time < after)
        .slice(0, Number(request.limit))
        .map((r) => ({
          instType: 'SWAP',
          instId: 'BTC-USDT-SWAP',
          formulaType: 'withRate',
          fundingRate: '0.9',
          realizedRate: r.rate,
          fundingTime: String(r.time),
          method: 'current_period',
        }));
      return { code: '0', msg: '', data };
    });

    const { rates, intervalMs } = await new CcxtFundingHistory(adapter).settled(BTC, NOW - 149 * HOUR);

    expect(rates).toHaveLength(150);
    expect(rates[0]).toEqual({ time: NOW - 149 * HOUR, rate: '0.00000149' });
    expect(rates.every((r) => r.rate !== '0.9')).toBe(true);
    expect(requests.map((r) => r.after)).toEqual([undefined, String(NOW - 99 * HOUR)]);
    // OKX's instruments state no interval: the caller states its assumption
    expect(intervalMs).toBeUndefined();
  });
});

describe('Bitget: page numbers, 100 rows each', () => {
  it('asks pages 1, 2, … until one is short or reaches `since`; a row seen twice (a settlement between pages) counts once', async () => {
    const { adapter, ex } = offlineAdapter('bitget');
    const rows = newestFirst(230);
    const requests = endpoint(ex, 'publicMixGetV2MixMarketHistoryFundRate', (request) => {
      const size = Number(request.pageSize);
      // a settlement lands after the first page: every later page shifts down by one row
      if (request.pageNo === '2') rows.unshift({ time: NOW + HOUR, rate: '0.0005' });
      const from = (Number(request.pageNo) - 1) * size;
      const data = rows
        .slice(from, from + size)
        .map((r) => ({ symbol: 'BTCUSDT', fundingRate: r.rate, fundingTime: String(r.time) }));
      return { code: '00000', msg: 'success', requestTime: NOW, data };
    });

    const { rates, intervalMs } = await new CcxtFundingHistory(adapter).settled(BTC, 0);

    expect(requests.map((r) => [r.pageNo, r.pageSize])).toEqual([
      ['1', 100],
      ['2', 100],
      ['3', 100],
    ]);
    // the 230 rows once each (page 2 repeated page 1's last); the new settlement is on page 1,
    // already read: the next read brings it
    expect(rates.map((r) => r.time)).toEqual(Array.from({ length: 230 }, (_, i) => NOW - (229 - i) * HOUR));
    expect(intervalMs).toBe(8 * HOUR);
  });
});

describe('bad input', () => {
  it.each([
    [-1, /^since: must be epoch ms/],
    [1.5, /^since: must be epoch ms/],
    [Number.NaN, /^since: must be epoch ms/],
  ])('since %p is refused naming the field, and nothing is asked', async (since, message) => {
    const { adapter, requested } = offlineAdapter('bybit');
    const error = await failure(new CcxtFundingHistory(adapter).settled(BTC, since));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(message);
    expect(requested).toEqual([]);
  });

  it('an empty symbol is refused naming the field', async () => {
    const { adapter } = offlineAdapter('okx');
    await expect(new CcxtFundingHistory(adapter).settled('', 0)).rejects.toThrow(/^symbol: /);
  });
});
