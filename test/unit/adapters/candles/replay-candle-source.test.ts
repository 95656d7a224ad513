// ReplayCandleSource: the replay's file candles on the replay clock, longer timeframes merged from
// aligned runs of them, only closed slots, and the series looping without a time going backwards.
import { ReplayCandleSource, type ReplaySeries } from '../../../../shared/adapters/candles/replay-candle-source';
import type { Candle } from '../../../../shared/adapters/prices/replay-price-source';

const MS = 1_000; // one replayed 1h candle per wall-clock second

/** Six file candles: open i*10, high +5, low −5, close +1, volume i+1. */
const FILE: Candle[] = Array.from({ length: 6 }, (_, i) => [
  Date.UTC(2021, 0, 1, i),
  i * 10 + 10,
  i * 10 + 15,
  i * 10 + 5,
  i * 10 + 11,
  i + 1,
]);

function source(): ReplayCandleSource {
  const series: ReplaySeries = { timeframe: '1h', msPerCandle: MS, epochStart: 0, candles: async () => FILE };
  return new ReplayCandleSource(series);
}

describe('ReplayCandleSource', () => {
  it('gives the closed slots before now, stamped with their replay-clock open time', async () => {
    // now is 0.4 s into slot 3: slots 0..2 are closed.
    const c = await source().closedCandles('XRP/USDT:USDT', '1h', 2, 3 * MS + 400);

    expect(Array.from(c.time)).toEqual([1 * MS, 2 * MS]);
    expect(Array.from(c.open)).toEqual([20, 30]);
    expect(Array.from(c.close)).toEqual([21, 31]);
  });

  it('loops the series with times still increasing', async () => {
    const c = await source().closedCandles('XRP/USDT:USDT', '1h', 3, 8 * MS);

    expect(Array.from(c.time)).toEqual([5 * MS, 6 * MS, 7 * MS]);
    expect(Array.from(c.open)).toEqual([60, 10, 20]);
  });

  it('merges aligned file candles into a longer timeframe', async () => {
    // 4h from 1h: k = 4, slot 0 = file candles 0..3, slot 1 = 4, 5, 0, 1; now at the end of slot 1.
    const c = await source().closedCandles('XRP/USDT:USDT', '4h', 2, 8 * MS);

    expect(Array.from(c.time)).toEqual([0, 4 * MS]);
    expect(Array.from(c.open)).toEqual([10, 50]);
    expect(Array.from(c.high)).toEqual([45, 65]);
    expect(Array.from(c.low)).toEqual([5, 5]);
    expect(Array.from(c.close)).toEqual([41, 21]);
    expect(Array.from(c.volume)).toEqual([1 + 2 + 3 + 4, 5 + 6 + 1 + 2]);
  });

  it('lasts k replayed candles per candle of a longer timeframe', () => {
    expect(source().spanMs('1h')).toBe(MS);
    expect(source().spanMs('4h')).toBe(4 * MS);
    expect(source().spanMs('1d')).toBe(24 * MS);
  });

  it('refuses a timeframe shorter than the file candles', async () => {
    await expect(source().closedCandles('XRP/USDT:USDT', '15m', 2, 8 * MS)).rejects.toThrow(
      'the replay holds 1h candles: 15m candles cannot be made from them',
    );
  });
});
