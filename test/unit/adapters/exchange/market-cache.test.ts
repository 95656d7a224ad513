// Markets are loaded once per TTL and shared by concurrent callers and every adapter instance of an
// exchange in the process; a failed load is never cached.
import { CcxtExchangeAdapter } from '../../../../shared/adapters/exchange/ccxt-exchange';
import { NetworkError } from '../../../../shared/adapters/exchange/ccxt-lib';
import { MarketCache, sharedMarkets } from '../../../../shared/adapters/exchange/market-cache';
import { TransientError } from '../../../../shared/core/errors';
import { fixture, offlineAdapter, serveFixtures } from './offline-exchange';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('MarketCache', () => {
  it('concurrent callers share one load', async () => {
    const cache = new MarketCache<string>();
    const pending = deferred<string>();
    const load = jest.fn(() => pending.promise);

    const a = cache.get('okx', 1000, 0, load);
    const b = cache.get('okx', 1000, 5, load);
    pending.resolve('markets');

    expect(await Promise.all([a, b])).toEqual(['markets', 'markets']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('serves the loaded value until the TTL has passed, then loads again', async () => {
    const cache = new MarketCache<number>();
    let n = 0;
    const load = jest.fn(async () => ++n);

    expect(await cache.get('k', 1000, 0, load)).toBe(1);
    expect(await cache.get('k', 1000, 999, load)).toBe(1);
    expect(await cache.get('k', 1000, 1000, load)).toBe(2);
    expect(await cache.get('k', 1000, 1999, load)).toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not cache a failed load: the next caller loads again', async () => {
    const cache = new MarketCache<string>();
    const load = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error('exchange down'))
      .mockResolvedValueOnce('markets');

    await expect(cache.get('k', 60_000, 0, load)).rejects.toThrow('exchange down');
    expect(await cache.get('k', 60_000, 1, load)).toBe('markets');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('callers waiting on a load that fails all see the failure, and a later one retries', async () => {
    const cache = new MarketCache<string>();
    const pending = deferred<string>();
    const load = jest.fn<Promise<string>, []>().mockReturnValueOnce(pending.promise).mockResolvedValueOnce('markets');

    const a = cache.get('k', 60_000, 0, load);
    const b = cache.get('k', 60_000, 0, load);
    pending.reject(new Error('timeout'));

    await expect(a).rejects.toThrow('timeout');
    await expect(b).rejects.toThrow('timeout');
    expect(await cache.get('k', 60_000, 0, load)).toBe('markets');
  });

  it('keys are separate: one exchange does not serve another', async () => {
    const cache = new MarketCache<string>();

    expect(await cache.get('okx|false|', 1000, 0, async () => 'okx')).toBe('okx');
    expect(await cache.get('bybit|false|', 1000, 0, async () => 'bybit')).toBe('bybit');
  });
});

describe('the adapters share the process-wide markets', () => {
  it('two accounts on OKX cause one instruments request between them', async () => {
    const first = offlineAdapter('okx');
    const second = new CcxtExchangeAdapter({ id: 'okx', testnet: false, marginMode: 'cross', clock: { now: () => 0 } });
    const secondRequests = serveFixtures(second.raw, fixture('okx'));

    const [a, b] = await Promise.all([first.adapter.loadMarket('BTC/USDT:USDT'), second.loadMarket('ETH/USDT:USDT')]);

    expect(a.contractSize).toBe('0.01');
    expect(b.contractSize).toBe('0.1');
    expect(first.requested).toHaveLength(1);
    expect(secondRequests).toEqual([]);
  });

  it('markets reload after the TTL on the adapter clock; a failed reload is retried by the next call', async () => {
    let now = 1_000_000;
    const { adapter, ex } = offlineAdapter('bybit', { marketsTtlMs: 60_000, clock: { now: () => now } });
    const fetch = jest.spyOn(ex, 'fetch'); // the fixture server installed by offlineAdapter

    await adapter.loadMarket('BTC/USDT:USDT');
    now += 59_999;
    await adapter.loadMarket('BTC/USDT:USDT');
    expect(fetch).toHaveBeenCalledTimes(2); // the linear list and the pre-launch list, once

    now += 1;
    fetch.mockRejectedValueOnce(
      new NetworkError(
        'bybit GET https://api.bybit.com/v5/market/instruments-info?category=linear&limit=1000 ECONNRESET',
      ),
    );
    await expect(adapter.loadMarket('BTC/USDT:USDT')).rejects.toBeInstanceOf(TransientError);
    expect(fetch).toHaveBeenCalledTimes(4);

    expect((await adapter.loadMarket('BTC/USDT:USDT')).amountStep).toBe('0.001');
    expect(fetch).toHaveBeenCalledTimes(6);
  });

  afterAll(() => sharedMarkets.clear());
});
