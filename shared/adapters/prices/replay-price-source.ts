// Prices for the paper exchange without a network: real candles replayed against the wall clock.
//
// Wall-clock time maps to a candle: index = floor((now − epochStart) / msPerCandle) mod length, so
// the series loops. Within a candle the price walks open → the extreme nearer the open → the other
// extreme → close at constant speed over the candle's wall time, rounded to the market's price step
// and kept inside [low, high].
//
// Candles come from `<dir>/<BASE><QUOTE>-<timeframe>.json` (e.g. XRPUSDT-1h.json), a JSON array of
// [openTimeMs, open, high, low, close, volume]. A market without a file gets a generated series:
// deterministic per symbol (seeded from the symbol), starting at the catalog's referencePrice with
// about 0.5 % volatility per candle, built once in memory. Nothing is ever fetched.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Big } from '../../core/domain/money';
import { ConfigError, InvalidArgumentError, SignalRejectedError } from '../../core/errors';
import { num, roundToStep } from '../../core/domain/money';
import type { MarketInfo, PriceQuote } from '../../core/ports/exchange';
import type { PriceSource } from '../../core/ports/paper';
import { systemClock, type Clock } from '../../core/ports/runtime';

/** [openTimeMs, open, high, low, close, volume] */
export type Candle = [number, number, number, number, number, number];

/** What the replay needs from a market: its name parts, price step and, for generated series, a start price. */
export type ReplayMarket = Pick<MarketInfo, 'symbol' | 'base' | 'quote' | 'priceStep'> & { referencePrice?: string };

export interface ReplayPriceSourceOptions {
  /** candle files; default `data/candles` under the working directory */
  dir?: string;
  /** the timeframe in file names; default '1h' */
  timeframe?: string;
  /** wall-clock milliseconds one candle lasts; default 3,600,000 (1h candles at real pace) */
  msPerCandle?: number;
  /** wall-clock epoch ms at which candle 0 starts; default 0 */
  epochStart?: number;
  clock?: Clock;
  /** a MarketCatalog; referencePrice is needed for markets without a candle file */
  markets: { get(symbol: string): ReplayMarket | undefined };
  /** candles in a generated series; default 1,000 */
  generatedLength?: number;
}

/** Volatility of a generated candle's log return (≈ BTC's hourly volatility). */
export const GENERATED_VOLATILITY = 0.005;
const GENERATED_START = Date.UTC(2024, 0, 1);

export class ReplayPriceSource implements PriceSource {
  private readonly dir: string;
  readonly timeframe: string;
  readonly msPerCandle: number;
  readonly epochStart: number;
  private readonly clock: Clock;
  private readonly markets: ReplayPriceSourceOptions['markets'];
  private readonly generatedLength: number;
  private readonly cache = new Map<string, Promise<readonly Candle[]>>();

  constructor(options: ReplayPriceSourceOptions) {
    this.dir = options.dir ?? path.resolve('data', 'candles');
    this.timeframe = options.timeframe ?? '1h';
    this.msPerCandle = options.msPerCandle ?? 3_600_000;
    this.epochStart = options.epochStart ?? 0;
    this.clock = options.clock ?? systemClock;
    this.markets = options.markets;
    this.generatedLength = options.generatedLength ?? 1_000;
    if (!(this.msPerCandle > 0)) throw new InvalidArgumentError('msPerCandle must be positive');
    if (!(this.generatedLength >= 2)) throw new InvalidArgumentError('generatedLength must be at least 2');
  }

  async getPrice(symbol: string): Promise<PriceQuote> {
    const now = this.clock.now();
    return { symbol, last: await this.priceAt(symbol, now), timestamp: now };
  }

  /** The price of `symbol` at wall-clock time `at`. */
  async priceAt(symbol: string, at: number): Promise<number> {
    const market = this.market(symbol);
    const candles = await this.candles(symbol);
    const { index, fraction } = this.position(candles.length, at);
    return pathPrice(candles[index] as Candle, fraction, market.priceStep);
  }

  /** The candle replayed at wall-clock time `at`. */
  async candleAt(symbol: string, at: number): Promise<Candle> {
    const candles = await this.candles(symbol);
    return candles[this.position(candles.length, at).index] as Candle;
  }

  /** The whole series of `symbol`: from its file, else generated (and cached either way). */
  async candles(symbol: string): Promise<readonly Candle[]> {
    const market = this.market(symbol);
    let series = this.cache.get(symbol);
    if (!series) {
      series = this.load(market);
      series.catch(() => this.cache.delete(symbol)); // a failed read is retried next time
      this.cache.set(symbol, series);
    }
    return series;
  }

  private market(symbol: string): ReplayMarket {
    const market = this.markets.get(symbol);
    if (!market)
      throw new SignalRejectedError(`unknown symbol ${symbol}: no market to replay`, 'UNKNOWN_SYMBOL', { symbol });
    return market;
  }

  private position(length: number, at: number): { index: number; fraction: number } {
    const elapsed = at - this.epochStart;
    const slot = Math.floor(elapsed / this.msPerCandle);
    const index = ((slot % length) + length) % length;
    const fraction = (elapsed - slot * this.msPerCandle) / this.msPerCandle;
    return { index, fraction };
  }

  private async load(market: ReplayMarket): Promise<readonly Candle[]> {
    const file = path.join(this.dir, `${market.base}${market.quote}-${this.timeframe}.json`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (market.referencePrice === undefined) {
        throw new ConfigError(`no candle file ${file} and no referencePrice to generate prices for ${market.symbol}`);
      }
      return generateCandles(market.symbol, market.referencePrice, market.priceStep, {
        length: this.generatedLength,
        candleMs: timeframeMs(this.timeframe),
      });
    }
    return parseCandles(text, file);
  }
}

/** Validates a candle file: a non-empty array of [time, open, high, low, close, volume] with low ≤ open, close ≤ high. */
export function parseCandles(text: string, source: string): Candle[] {
  const data: unknown = JSON.parse(text);
  if (!Array.isArray(data) || data.length === 0)
    throw new InvalidArgumentError(`${source}: expected a non-empty JSON array of candles`, 'INVALID_DATA');
  return data.map((row: unknown, i) => {
    if (
      !Array.isArray(row) ||
      row.length < 5 ||
      !row.slice(0, 6).every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      throw new InvalidArgumentError(
        `${source}: candle ${i} is not [time, open, high, low, close, volume]`,
        'INVALID_DATA',
      );
    }
    const [t, o, h, l, c, v] = row as number[];
    const candle: Candle = [t as number, o as number, h as number, l as number, c as number, v ?? 0];
    if (!(
      candle[3] > 0 &&
      candle[3] <= Math.min(candle[1], candle[4]) &&
      candle[2] >= Math.max(candle[1], candle[4])
    )) {
      throw new InvalidArgumentError(`${source}: candle ${i} has low/high outside open/close`, 'INVALID_DATA');
    }
    return candle;
  });
}

/**
 * The price `fraction` (0..1) of the way through a candle's path open → nearer extreme → other
 * extreme → close, walked at constant speed. Rounded to `priceStep`, kept within [low, high].
 */
export function pathPrice(candle: Candle, fraction: number, priceStep: string): number {
  const [, open, high, low, close] = candle;
  // Nearer extreme first; on a tie, the one that makes the walk end towards the close.
  const highFirst =
    Math.abs(high - open) < Math.abs(open - low) || (Math.abs(high - open) === Math.abs(open - low) && close < open);
  const points = highFirst ? [open, high, low, close] : [open, low, high, close];
  const legs = [0, 1, 2].map((i) => Math.abs((points[i + 1] as number) - (points[i] as number)));
  const total = legs.reduce((a, b) => a + b, 0);
  let raw = open;
  if (total > 0) {
    let distance = Math.min(Math.max(fraction, 0), 1) * total;
    for (let i = 0; i < 3; i++) {
      const leg = legs[i] as number;
      const from = points[i] as number;
      const to = points[i + 1] as number;
      if (distance <= leg || i === 2) {
        raw = leg === 0 ? to : from + ((to - from) * Math.min(distance, leg)) / leg;
        break;
      }
      distance -= leg;
    }
  }
  return Number(clampToRange(roundToStep(raw, priceStep), low, high, priceStep).toFixed());
}

/** Keeps a rounded price within [low, high] when a multiple of the step lies there (data may have finer ticks). */
function clampToRange(price: Big, low: number, high: number, step: string): Big {
  const lowest = num(low).div(step).round(0, Big.roundUp).times(step);
  const highest = num(high).div(step).round(0, Big.roundDown).times(step);
  if (lowest.gt(highest)) return price;
  if (price.lt(lowest)) return lowest;
  if (price.gt(highest)) return highest;
  return price;
}

/**
 * A deterministic synthetic series for `symbol`: log-normal candle returns with
 * GENERATED_VOLATILITY, drift removed so the last close returns to the first open (the loop has no
 * jump), wicks of half that volatility, every price a multiple of `priceStep`.
 */
export function generateCandles(
  symbol: string,
  referencePrice: string,
  priceStep: string,
  options: { length?: number; candleMs?: number } = {},
): Candle[] {
  const length = options.length ?? 1_000;
  const candleMs = options.candleMs ?? 3_600_000;
  const random = mulberry32(fnv1a(symbol));
  const gaussian = () => {
    const u = 1 - random(); // (0, 1]
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const returns = Array.from({ length }, () => gaussian() * GENERATED_VOLATILITY);
  const drift = returns.reduce((a, b) => a + b, 0) / length;
  const step = num(priceStep);
  const minPrice = step;
  const round = (p: number) => maxBig(roundToStep(p, step), minPrice);

  const candles: Candle[] = [];
  let logPrice = Math.log(Number(referencePrice));
  for (let i = 0; i < length; i++) {
    const openRaw = Math.exp(logPrice);
    logPrice += (returns[i] as number) - drift;
    const closeRaw = Math.exp(logPrice);
    const wickUp = Math.abs(gaussian()) * (GENERATED_VOLATILITY / 2);
    const wickDown = Math.abs(gaussian()) * (GENERATED_VOLATILITY / 2);
    const open = round(openRaw);
    const close = round(closeRaw);
    const high = maxBig(
      num(Math.max(openRaw, closeRaw) * (1 + wickUp))
        .div(step)
        .round(0, Big.roundUp)
        .times(step),
      maxBig(open, close),
    );
    const lowRaw = num(Math.min(openRaw, closeRaw) * (1 - wickDown))
      .div(step)
      .round(0, Big.roundDown)
      .times(step);
    const low = maxBig(minBig(lowRaw, minBig(open, close)), minPrice);
    const volume = Math.round(1_000 * (1 + Math.abs(gaussian())));
    candles.push([
      GENERATED_START + i * candleMs,
      toNumber(open),
      toNumber(high),
      toNumber(low),
      toNumber(close),
      volume,
    ]);
  }
  return candles;
}

/** '1m' | '15m' | '1h' | '4h' | '1d' … in milliseconds. */
export function timeframeMs(timeframe: string): number {
  const m = /^(\d+)([mhd])$/.exec(timeframe);
  if (!m) throw new InvalidArgumentError(`unsupported timeframe ${timeframe}`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** FNV-1a 32-bit: the seed of a symbol's generated series. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a small, fast, deterministic PRNG returning [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const minBig = (a: Big, b: Big): Big => (a.lte(b) ? a : b);
const maxBig = (a: Big, b: Big): Big => (a.gte(b) ? a : b);
const toNumber = (v: Big): number => Number(v.toFixed());
