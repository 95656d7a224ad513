// A candle source the console API can call on every request without an exchange stalling it: each
// read is bounded by a timeout (the caller answers without candles instead of waiting), and a
// short per-symbol cache keeps a page of polling consoles from becoming one exchange call each.
// Closed candles only change when another candle closes, so a cached answer is exact for reads in
// the same candle; the TTL bounds how long an exchange's late correction of a candle is missed.
import type { Candles } from '../../core/backtest/types';
import type { StrategyTimeframe } from '../../core/domain/strategy-subscription';
import { TransientError } from '../../core/errors';
import type { CandleSource } from '../../core/ports/candles';
import type { Clock } from '../../core/ports/runtime';

export interface BoundedCandleSourceOptions {
  /** how long one read may take before it fails (the exchange call is left to finish on its own) */
  timeoutMs: number;
  /** how long an answer is reused for the same symbol, timeframe, limit and closed candle */
  ttlMs: number;
  /** answers kept at most; the oldest go first */
  maxEntries?: number;
  clock: Clock;
}

interface Entry {
  at: number;
  candles: Promise<Candles>;
}

export class BoundedCandleSource implements CandleSource {
  private readonly cache = new Map<string, Entry>();
  private readonly maxEntries: number;

  constructor(
    private readonly inner: CandleSource,
    private readonly options: BoundedCandleSourceOptions,
  ) {
    this.maxEntries = options.maxEntries ?? 200;
  }

  spanMs(timeframe: StrategyTimeframe): number {
    return this.inner.spanMs(timeframe);
  }

  closedCandles(symbol: string, timeframe: StrategyTimeframe, limit: number, now: number): Promise<Candles> {
    const at = this.options.clock.now();
    // Every `now` inside the same candle has the same closed candles before it.
    const key = `${symbol}|${timeframe}|${limit}|${Math.floor(now / this.inner.spanMs(timeframe))}`;
    const hit = this.cache.get(key);
    if (hit && at - hit.at < this.options.ttlMs) return hit.candles;
    const candles = this.bounded(this.inner.closedCandles(symbol, timeframe, limit, now), symbol);
    this.cache.delete(key);
    this.cache.set(key, { at, candles });
    // A failed read is not kept: the next request tries again.
    candles.catch(() => {
      if (this.cache.get(key)?.candles === candles) this.cache.delete(key);
    });
    while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    return candles;
  }

  private bounded(read: Promise<Candles>, symbol: string): Promise<Candles> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new TransientError(`candles of ${symbol}: no answer within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
    });
    return Promise.race([read, timeout]).finally(() => clearTimeout(timer));
  }
}
