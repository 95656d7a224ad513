// Replaying the shipped XRP candles and generated series against a hand-driven clock.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { paperMarkets } from '../../../../shared/adapters/paper/markets';
import {
  GENERATED_VOLATILITY,
  ReplayPriceSource,
  generateCandles,
  pathPrice,
  type Candle,
} from '../../../../shared/adapters/prices/replay-price-source';
import { num } from '../../../../shared/core/domain/money';
import { SignalRejectedError } from '../../../../shared/core/errors';

const XRP = 'XRP/USDT:USDT';
const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const EPOCH = 1_800_000_000_000;
const MS = 60_000; // one candle per wall-clock minute

function source(now: { t: number }, dir?: string) {
  return new ReplayPriceSource({
    ...(dir ? { dir } : {}),
    msPerCandle: MS,
    epochStart: EPOCH,
    clock: { now: () => now.t },
    markets: paperMarkets,
  });
}

describe('ReplayPriceSource with the shipped XRP candles', () => {
  // Candle 0 of data/candles/XRPUSDT-1h.json: open 1.0801, high 1.09758, low 1.07654, close 1.07925.
  // The low is nearer the open, so the walk is 1.0801 → 1.07654 → 1.09758 → 1.07925:
  // legs 0.00356, 0.02104, 0.01833 (total 0.04293).
  const TOTAL = 0.04293;

  it('starts each candle at its open and maps the wall clock to the candle index', async () => {
    const now = { t: EPOCH };
    const prices = source(now);

    const first = await prices.getPrice(XRP);
    now.t = EPOCH + 5 * MS;
    const sixth = await prices.candleAt(XRP, now.t);

    expect(first).toEqual({ symbol: XRP, last: 1.0801, timestamp: EPOCH });
    expect(sixth).toEqual([1637128800000, 1.08414, 1.0856, 1.07431, 1.0794, 1921068.874499]);
  });

  it('walks open → nearer extreme → other extreme → close at constant speed, on the 0.0001 tick', async () => {
    const prices = source({ t: EPOCH });
    const at = (distance: number) => prices.priceAt(XRP, EPOCH + Math.round((distance / TOTAL) * MS));

    const halfwayDown = await at(0.00178); // 1.0801 − 0.00178 = 1.07832
    const midRise = await at(0.00356 + 0.01052); // (1.07654 + 1.09758) / 2 = 1.08706
    const nearClose = await prices.priceAt(XRP, EPOCH + MS - 1); // 1.07925 → 1.0793

    expect(halfwayDown).toBe(1.0783);
    expect(midRise).toBe(1.0871);
    expect(nearClose).toBe(1.0793);
  });

  it('keeps a price rounded to the tick inside the candle: the low 1.07654 replays as 1.0766', async () => {
    const prices = source({ t: EPOCH });

    const atLow = await prices.priceAt(XRP, EPOCH + Math.round((0.00356 / TOTAL) * MS));

    expect(atLow).toBe(1.0766);
  });

  it('gives the same price for the same clock, across instances', async () => {
    const t = EPOCH + 37 * MS + 12_345;

    const a = await source({ t }).getPrice(XRP);
    const b = await source({ t }).getPrice(XRP);

    expect(a).toEqual(b);
  });

  it('loops over the series, also before the epoch', async () => {
    const prices = source({ t: EPOCH });
    const length = (await prices.candles(XRP)).length;

    const once = await prices.priceAt(XRP, EPOCH + 7 * MS + 20_000);
    const looped = await prices.priceAt(XRP, EPOCH + (7 + 3 * length) * MS + 20_000);
    const before = await prices.candleAt(XRP, EPOCH - 1);

    expect(length).toBe(100);
    expect(looped).toBe(once);
    expect(before).toEqual((await prices.candles(XRP))[99]);
  });

  it('stays within every candle low..high', async () => {
    const prices = source({ t: EPOCH });
    const candles = await prices.candles(XRP);

    for (let i = 0; i < candles.length; i++) {
      const [, , high, low] = candles[i] as Candle;
      for (const f of [0, 0.05, 0.1, 0.2, 0.33, 0.5, 0.66, 0.8, 0.95, 0.9999]) {
        const p = await prices.priceAt(XRP, EPOCH + i * MS + Math.floor(f * MS));
        expect(p).toBeGreaterThanOrEqual(low);
        expect(p).toBeLessThanOrEqual(high);
        expect(num(p).mod('0.0001').eq(0)).toBe(true);
      }
    }
  });
});

describe('ReplayPriceSource generated series', () => {
  it('generates a series for a market without a file, from its reference price, the same every time', async () => {
    const a = source({ t: EPOCH });
    const b = source({ t: EPOCH });

    const seriesA = await a.candles(BTC);
    const seriesB = await b.candles(BTC);
    const eth = await a.candles(ETH);

    expect(seriesA).toEqual(seriesB);
    expect(seriesA).toHaveLength(1_000);
    expect(seriesA[0]?.[1]).toBe(65_000);
    expect(eth[0]?.[1]).toBe(3_200);
    expect(eth.map((c) => c[4] / 3_200)).not.toEqual(seriesA.map((c) => c[4] / 65_000));
  });

  it('has consistent candles on the tick, continuous opens and about 0.5 % volatility per candle', () => {
    const candles = generateCandles(BTC, '65000', '0.1');

    const logReturns = candles.map(([, o, , , c]) => Math.log(c / o));
    const mean = logReturns.reduce((a, b) => a + b, 0) / logReturns.length;
    const sd = Math.sqrt(logReturns.reduce((a, r) => a + (r - mean) ** 2, 0) / (logReturns.length - 1));

    for (let i = 0; i < candles.length; i++) {
      const [, o, h, l, c] = candles[i] as Candle;
      expect(l).toBeLessThanOrEqual(Math.min(o, c));
      expect(h).toBeGreaterThanOrEqual(Math.max(o, c));
      for (const v of [o, h, l, c]) expect(num(v).mod('0.1').eq(0)).toBe(true);
      if (i > 0) expect(o).toBe((candles[i - 1] as Candle)[4]);
    }
    expect(sd).toBeGreaterThan(GENERATED_VOLATILITY * 0.9);
    expect(sd).toBeLessThan(GENERATED_VOLATILITY * 1.1);
    expect(Math.abs((candles.at(-1) as Candle)[4] - 65_000)).toBeLessThanOrEqual(0.1); // the loop closes
  });

  it('replays generated prices within each candle low..high', async () => {
    const prices = source({ t: EPOCH });
    const candles = await prices.candles(ETH);

    for (let i = 0; i < 200; i++) {
      const [, , high, low] = candles[i] as Candle;
      for (const f of [0, 0.25, 0.5, 0.75, 0.999]) {
        const p = await prices.priceAt(ETH, EPOCH + i * MS + Math.floor(f * MS));
        expect(p).toBeGreaterThanOrEqual(low);
        expect(p).toBeLessThanOrEqual(high);
      }
    }
  });
});

describe('ReplayPriceSource errors', () => {
  it('rejects a symbol outside the catalog as UNKNOWN_SYMBOL', async () => {
    const prices = source({ t: EPOCH });

    await expect(prices.getPrice('PEPE/USDT:USDT')).rejects.toBeInstanceOf(SignalRejectedError);
  });

  it('refuses a malformed candle file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'candles-'));
    writeFileSync(path.join(dir, 'SOLUSDT-1h.json'), JSON.stringify([[0, 10, 9, 8, 9.5, 1]]));

    await expect(source({ t: EPOCH }, dir).getPrice('SOL/USDT:USDT')).rejects.toThrow('low/high outside open/close');
  });

  it('needs a reference price to generate a series', async () => {
    const prices = new ReplayPriceSource({
      dir: mkdtempSync(path.join(tmpdir(), 'candles-')),
      markets: { get: (symbol) => ({ symbol, base: 'FOO', quote: 'USDT', priceStep: '0.01' }) },
    });

    await expect(prices.getPrice('FOO/USDT:USDT')).rejects.toThrow('no referencePrice');
  });

  it('walks a flat candle as a constant', () => {
    expect(pathPrice([0, 2, 2, 2, 2, 0], 0.7, '0.01')).toBe(2);
  });
});
