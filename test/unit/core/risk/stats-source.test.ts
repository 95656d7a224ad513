// CachedMarketStats: one candle fetch per symbol per TTL, shared by concurrent callers; a failure
// remembered for failureTtlMs; peek never fetches. The candle source is a counting fake.
import type { Candles } from '../../../../shared/core/backtest/types';
import type { StrategyTimeframe } from '../../../../shared/core/domain/strategy-subscription';
import type { CandleSource } from '../../../../shared/core/ports/candles';
import { DEFAULT_RISK_CONFIG, resolveRiskConfig } from '../../../../shared/core/risk/config';
import { CachedMarketStats } from '../../../../shared/core/risk/stats-source';
import { BTC, DAY, ETH } from './fixtures';

const T = Date.UTC(2026, 2, 10, 9);

/** Daily candles with the given closes, high = close + 1, low = close − 1, one day apart ending the day before T. */
function candles(closes: number[]): Candles {
  const n = closes.length;
  const start = Date.UTC(2026, 2, 10) - n * DAY;
  return {
    time: Float64Array.from(closes.map((_, i) => start + i * DAY)),
    open: Float64Array.from(closes),
    high: Float64Array.from(closes.map((c) => c + 1)),
    low: Float64Array.from(closes.map((c) => c - 1)),
    close: Float64Array.from(closes),
    volume: Float64Array.from(closes.map(() => 1)),
  };
}

class FakeCandles implements CandleSource {
  data: Candles = candles([100, 110, 99, 99]);
  failWith: Error | undefined;
  readonly closedCandles = jest.fn(
    async (_symbol: string, _timeframe: StrategyTimeframe, _limit: number, _now: number): Promise<Candles> => {
      if (this.failWith) throw this.failWith;
      return this.data;
    },
  );
  spanMs(): number {
    return DAY;
  }
}

const WINDOWS = { atrPeriod: 2, shortDays: 2, longDays: 5 };
const TTL = 10 * 60_000;
const FAILURE_TTL = 60_000;

function setup() {
  const source = new FakeCandles();
  const stats = new CachedMarketStats({
    candles: source,
    days: 30,
    windows: WINDOWS,
    ttlMs: TTL,
    failureTtlMs: FAILURE_TTL,
  });
  return { source, stats };
}

describe('CachedMarketStats.get', () => {
  it('computes the statistics from the daily candles it asks for', async () => {
    const { source, stats } = setup();

    const s = await stats.get(BTC, T);

    expect(source.closedCandles).toHaveBeenCalledWith(BTC, '1d', 30, T);
    // closes 100, 110, 99, 99 → returns +10 %, −10 %, 0
    expect(s?.symbol).toBe(BTC);
    expect(Array.from(s?.returns ?? [])).toEqual([expect.closeTo(0.1, 12), expect.closeTo(-0.1, 12), 0]);
    expect(s?.lastClose).toBe(99);
    expect(s?.asOf).toBe(Date.UTC(2026, 2, 9));
    // true ranges (high/low ±1 around the close): 11, 12, 2 → Wilder ATR(2): (11 + 12)/2 = 11.5, then (11.5 + 2)/2 = 6.75
    expect(s?.atr).toBeCloseTo(6.75, 12);
    // short window of 2 returns −0.1, 0: mean −0.05, sample variance (0.0025 + 0.0025)/1 → √0.005
    expect(s?.volShort).toBeCloseTo(Math.sqrt(0.005), 12);
    // 3 returns cannot fill a 5-day window
    expect(s?.volLong).toBeUndefined();
  });

  it('fetches once within the TTL and returns the cached statistics', async () => {
    const { source, stats } = setup();

    const first = await stats.get(BTC, T);
    const second = await stats.get(BTC, T + TTL - 1);

    expect(second).toBe(first);
    expect(source.closedCandles).toHaveBeenCalledTimes(1);
  });

  it('fetches again once the TTL has run out', async () => {
    const { source, stats } = setup();
    const first = await stats.get(BTC, T);
    source.data = candles([100, 110, 99, 99, 120]);

    const second = await stats.get(BTC, T + TTL);

    expect(source.closedCandles).toHaveBeenCalledTimes(2);
    expect(source.closedCandles).toHaveBeenLastCalledWith(BTC, '1d', 30, T + TTL);
    expect(second).not.toBe(first);
    expect(second?.lastClose).toBe(120);
  });

  it('keeps one cache entry per symbol', async () => {
    const { source, stats } = setup();
    await stats.get(BTC, T);
    await stats.get(ETH, T);
    await stats.get(BTC, T + 1);
    await stats.get(ETH, T + 1);
    expect(source.closedCandles.mock.calls.map((c) => c[0])).toEqual([BTC, ETH]);
  });

  it('shares one fetch between concurrent callers', async () => {
    const { source, stats } = setup();
    let release!: (c: Candles) => void;
    source.closedCandles.mockImplementationOnce(() => new Promise<Candles>((resolve) => (release = resolve)));

    const pending = [stats.get(BTC, T), stats.get(BTC, T), stats.get(BTC, T + 5)];
    release(candles([100, 110, 99, 99]));
    const [a, b, c] = await Promise.all(pending);

    expect(source.closedCandles).toHaveBeenCalledTimes(1);
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('remembers a failed fetch for failureTtlMs, then tries again', async () => {
    const { source, stats } = setup();
    source.failWith = new Error('exchange down');

    expect(await stats.get(BTC, T)).toBeUndefined();
    expect(await stats.get(BTC, T + FAILURE_TTL - 1)).toBeUndefined();
    expect(source.closedCandles).toHaveBeenCalledTimes(1);

    source.failWith = undefined;
    const s = await stats.get(BTC, T + FAILURE_TTL);
    expect(source.closedCandles).toHaveBeenCalledTimes(2);
    expect(s?.lastClose).toBe(99);
  });

  it('treats fewer than two candles as no data, remembered like a failure', async () => {
    const { source, stats } = setup();
    source.data = candles([100]);

    expect(await stats.get(BTC, T)).toBeUndefined();
    expect(await stats.get(BTC, T + FAILURE_TTL - 1)).toBeUndefined();
    expect(source.closedCandles).toHaveBeenCalledTimes(1);
    await stats.get(BTC, T + FAILURE_TTL);
    expect(source.closedCandles).toHaveBeenCalledTimes(2);
  });

  it('uses one hour and one minute when no TTLs are given', async () => {
    const source = new FakeCandles();
    const stats = new CachedMarketStats({ candles: source, days: 30, windows: WINDOWS });
    await stats.get(BTC, T);
    await stats.get(BTC, T + 3_600_000 - 1);
    expect(source.closedCandles).toHaveBeenCalledTimes(1);
    await stats.get(BTC, T + 3_600_000);
    expect(source.closedCandles).toHaveBeenCalledTimes(2);

    source.failWith = new Error('down');
    await stats.get(ETH, T);
    await stats.get(ETH, T + 60_000 - 1);
    expect(source.closedCandles).toHaveBeenCalledTimes(3);
    await stats.get(ETH, T + 60_000);
    expect(source.closedCandles).toHaveBeenCalledTimes(4);
  });
});

describe('CachedMarketStats.peek', () => {
  it('returns only what is cached, never fetching', async () => {
    const { source, stats } = setup();

    expect(stats.peek(BTC)).toBeUndefined();
    expect(source.closedCandles).not.toHaveBeenCalled();

    const s = await stats.get(BTC, T);
    expect(stats.peek(BTC)).toBe(s);
    expect(stats.peek(ETH)).toBeUndefined();
    expect(source.closedCandles).toHaveBeenCalledTimes(1);
  });

  it('returns nothing for a symbol whose fetch failed', async () => {
    const { source, stats } = setup();
    source.failWith = new Error('down');
    await stats.get(BTC, T);
    expect(stats.peek(BTC)).toBeUndefined();
  });
});

describe('CachedMarketStats.forConfig', () => {
  it('asks for the longest window any check uses plus two days', async () => {
    const source = new FakeCandles();
    // defaults: max(longDays 90, correlation 30, VaR 90, ATR 14) + 2 = 92
    await CachedMarketStats.forConfig(source, DEFAULT_RISK_CONFIG).get(BTC, T);
    expect(source.closedCandles).toHaveBeenLastCalledWith(BTC, '1d', 92, T);

    // a VaR window of 250 days: 250 + 2
    await CachedMarketStats.forConfig(source, resolveRiskConfig({ limits: { var: { lookbackDays: 250 } } })).get(
      BTC,
      T,
    );
    expect(source.closedCandles).toHaveBeenLastCalledWith(BTC, '1d', 252, T);
  });

  it('passes its TTL through', async () => {
    const source = new FakeCandles();
    const stats = CachedMarketStats.forConfig(source, DEFAULT_RISK_CONFIG, 1000);
    await stats.get(BTC, T);
    await stats.get(BTC, T + 999);
    expect(source.closedCandles).toHaveBeenCalledTimes(1);
    await stats.get(BTC, T + 1000);
    expect(source.closedCandles).toHaveBeenCalledTimes(2);
  });
});
