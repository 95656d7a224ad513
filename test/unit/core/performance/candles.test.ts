// The chart's read: candles from the account's candle source (here the replay adapter over a
// series whose slots are not aligned to the epoch, as a local replay's are), each trade's marker
// placed on the candle its fill falls in, at any timeframe; a source that does not answer costs
// the candles, never the answer; and buy-and-hold read from the same candles.
import { BoundedCandleSource } from '../../../../shared/adapters/candles/bounded-candle-source';
import { ReplayCandleSource } from '../../../../shared/adapters/candles/replay-candle-source';
import type { Candle } from '../../../../shared/adapters/prices/replay-price-source';
import type { ExchangeId } from '../../../../shared/core/domain/account';
import { ConsoleReads, placeMarkers, type CandleBar } from '../../../../shared/core/performance/console-reads';
import type { CandleSource } from '../../../../shared/core/ports/candles';
import { ManualClock } from '../fakes';
import { NOW, utc, world } from './fixtures';

const HOUR = 3_600_000;
/** 17 minutes past the hour: a replay's candles start where the replay started. */
const EPOCH = utc('2023-12-01T00:17:00Z');

/** An hourly series (its own file times are irrelevant to the replay): candle i opens at 40000 + i. */
function replay(): ReplayCandleSource {
  const series: Candle[] = Array.from({ length: 24 * 90 }, (_, i) => [
    i * HOUR,
    40000 + i,
    40010 + i,
    39990 + i,
    40001 + i,
    1,
  ]);
  return new ReplayCandleSource({ timeframe: '1h', msPerCandle: HOUR, epochStart: EPOCH, candles: async () => series });
}

type Answer = {
  candles: CandleBar[];
  markers: { time: number; candleTime: number; kind: string; price: string; tradeId: string }[];
  levels: { kind: string; price: string }[];
  warnings?: string[];
};

describe('ConsoleReads.candles', () => {
  it('places every marker on the candle its fill falls in, at 1h and at 4h', async () => {
    const w = await world();
    const seen: ExchangeId[] = [];
    const source = replay();
    const reads = new ConsoleReads({ ...w, candles: (exchange) => (seen.push(exchange), source) });
    for (const [timeframe, span] of [
      ['1h', HOUR],
      ['4h', 4 * HOUR],
    ] as const) {
      const a = (await reads.candles({
        symbol: 'BTC/USDT:USDT',
        timeframe,
        from: utc('2023-12-31T00:00:00Z'),
        limit: 100,
      })) as Answer;
      expect(a.warnings).toBeUndefined();
      expect(a.candles.length).toBeGreaterThan(0);
      // t1 in and out, t3 in and out, t4 in (open): BTC only
      expect(a.markers.map((m) => `${m.tradeId}:${m.kind}`).sort()).toEqual(
        ['t1:entry', 't1:exit', 't3:entry', 't3:exit', 't4:entry'].sort(),
      );
      const times = new Set(a.candles.map((c) => c.time));
      for (const m of a.markers) {
        expect(times.has(m.candleTime)).toBe(true);
        expect(m.time).toBeGreaterThanOrEqual(m.candleTime);
        expect(m.time).toBeLessThan(m.candleTime + span);
        expect((m.candleTime - EPOCH) % span).toBe(0); // the replay's slots, not the hour's
      }
      // the entry marker is the fill: its time and price as booked
      expect(a.markers.find((m) => m.tradeId === 't1' && m.kind === 'entry')).toMatchObject({
        time: utc('2024-01-01T10:00:00Z'),
        price: '40000',
      });
    }
    expect(new Set(seen)).toEqual(new Set(['paper']));
  });

  it('draws the open position’s entry, stop and targets from the book', async () => {
    const w = await world();
    const reads = new ConsoleReads({ ...w, candles: () => replay() });
    const a = (await reads.candles({ symbol: 'BTC/USDT:USDT', limit: 100 })) as Answer;
    expect(a.levels.map((l) => `${l.kind}@${l.price}`)).toEqual([
      'entry@40000',
      'stop@39000',
      'target@42000',
      'target@44000',
    ]);
  });

  it('a source that does not answer in time: no candles and a warning, the markers still answered', async () => {
    const w = await world();
    const never: CandleSource = { spanMs: () => HOUR, closedCandles: () => new Promise(() => undefined) };
    const bounded = new BoundedCandleSource(never, { timeoutMs: 20, ttlMs: 30_000, clock: new ManualClock(NOW) });
    const reads = new ConsoleReads({ ...w, candles: () => bounded });
    const a = (await reads.candles({ symbol: 'BTC/USDT:USDT', limit: 100 })) as Answer;
    expect(a.candles).toEqual([]);
    expect(a.warnings).toEqual(['candles unavailable: candles of BTC/USDT:USDT: no answer within 20 ms']);
    expect(a.markers.length).toBeGreaterThan(0);
  });

  it('without a candle source: no candles, and the warning says so', async () => {
    const { reads } = await world();
    const a = (await reads.candles({ symbol: 'BTC/USDT:USDT', limit: 100 })) as Answer;
    expect(a.candles).toEqual([]);
    expect(a.warnings).toEqual(['no candle source for this account']);
  });

  it('summary: buy-and-hold from the candles when no other price history is given', async () => {
    const w = await world();
    const reads = new ConsoleReads({ ...w, candles: () => replay() });
    const s = (await reads.summary({ limit: 100 })) as { buyAndHoldPct: number | null };
    // BTC is the most-traded symbol; the first trade opens 2024-01-01 10:00 (t1). The close of the
    // last replay candle ended by then and by NOW: slot index = floor((t − EPOCH) / HOUR) − 1.
    const closeAt = (t: number): number => 40001 + Math.floor((t - EPOCH) / HOUR) - 1;
    const expected = (closeAt(NOW) / closeAt(utc('2024-01-01T10:00:00Z')) - 1) * 100;
    expect(s.buyAndHoldPct).toBeCloseTo(expected, 4);
  });
});

describe('placeMarkers', () => {
  const bars = (times: number[]): CandleBar[] =>
    times.map((time) => ({ time, open: 1, high: 1, low: 1, close: 1, volume: 0 }));

  it('outside the candles answered, buckets by the span from the first candle', () => {
    const placed = placeMarkers([{ time: 1_000 + 3 * 600 + 5 }, { time: 1_000 + 650 }], bars([1_000, 1_600]), 600);
    expect(placed.map((m) => m.candleTime)).toEqual([1_000 + 3 * 600, 1_600]);
  });

  it('without a span (no candles), a marker keeps its own time', () => {
    expect(placeMarkers([{ time: 1234 }], [], undefined)).toEqual([{ time: 1234, candleTime: 1234 }]);
  });
});

describe('BoundedCandleSource', () => {
  const counting = () => {
    const calls: number[] = [];
    let fail = false;
    const source: CandleSource = {
      spanMs: () => HOUR,
      closedCandles: async (_s, _tf, _limit, now) => {
        calls.push(now);
        if (fail) throw new Error('exchange down');
        return {
          time: Float64Array.of(0),
          open: Float64Array.of(1),
          high: Float64Array.of(1),
          low: Float64Array.of(1),
          close: Float64Array.of(1),
          volume: Float64Array.of(1),
        };
      },
    };
    return { source, calls, failNext: (f: boolean) => (fail = f) };
  };

  it('reuses an answer inside the same candle and the TTL; reads again after either', async () => {
    const clock = new ManualClock(NOW);
    const inner = counting();
    const bounded = new BoundedCandleSource(inner.source, { timeoutMs: 1_000, ttlMs: 30_000, clock });
    const hourStart = Math.floor(NOW / HOUR) * HOUR;
    await bounded.closedCandles('BTC/USDT:USDT', '1h', 10, hourStart + 1);
    await bounded.closedCandles('BTC/USDT:USDT', '1h', 10, hourStart + 2); // same closed candles
    expect(inner.calls).toHaveLength(1);
    await bounded.closedCandles('ETH/USDT:USDT', '1h', 10, hourStart + 2); // another symbol
    await bounded.closedCandles('BTC/USDT:USDT', '1h', 10, hourStart + HOUR); // a new candle closed
    expect(inner.calls).toHaveLength(3);
    clock.advance(30_000);
    await bounded.closedCandles('BTC/USDT:USDT', '1h', 10, hourStart + 2); // past the TTL
    expect(inner.calls).toHaveLength(4);
  });

  it('keeps no failure: the next read asks again', async () => {
    const inner = counting();
    const bounded = new BoundedCandleSource(inner.source, {
      timeoutMs: 1_000,
      ttlMs: 30_000,
      clock: new ManualClock(NOW),
    });
    inner.failNext(true);
    await expect(bounded.closedCandles('BTC/USDT:USDT', '1h', 10, NOW)).rejects.toThrow('exchange down');
    inner.failNext(false);
    await expect(bounded.closedCandles('BTC/USDT:USDT', '1h', 10, NOW)).resolves.toBeDefined();
    expect(inner.calls).toHaveLength(2);
  });
});
