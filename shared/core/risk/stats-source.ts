// Daily statistics per symbol (returns, ATR, volatility) for the risk checks, built from daily
// candles and kept per container for `ttlMs`: a signal reuses them instead of fetching candles,
// and correlations computed from them stay cached until they change. A failed fetch is remembered
// briefly too, so a candle outage costs one attempt per symbol per minute, not one per signal.
import type { CandleSource } from './ports';
import type { RiskConfig } from './config';
import { computeMarketStats, type MarketStats } from './stats';

interface Entry {
  stats: MarketStats | undefined;
  fetchedAt: number;
}

export interface CachedMarketStatsOptions {
  candles: CandleSource;
  /** how many daily candles to keep: the longest window any check uses, plus the ATR warm-up */
  days: number;
  windows: { atrPeriod: number; shortDays: number; longDays: number };
  ttlMs?: number;
  failureTtlMs?: number;
}

/** Implements execution's MarketStatsSource port (execution/ports.ts), structurally: risk sits below execution. */
export class CachedMarketStats {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<MarketStats | undefined>>();

  constructor(private readonly options: CachedMarketStatsOptions) {}

  static forConfig(candles: CandleSource, config: RiskConfig, ttlMs?: number): CachedMarketStats {
    const { volatility, correlation, var: valueAtRisk } = config.limits;
    const days =
      Math.max(volatility.longDays, correlation.lookbackDays, valueAtRisk.lookbackDays, config.sizing.atr.period) + 2;
    return new CachedMarketStats({
      candles,
      days,
      windows: { atrPeriod: config.sizing.atr.period, shortDays: volatility.shortDays, longDays: volatility.longDays },
      ...(ttlMs !== undefined ? { ttlMs } : {}),
    });
  }

  peek(symbol: string): MarketStats | undefined {
    return this.cache.get(symbol)?.stats;
  }

  async get(symbol: string, now: number): Promise<MarketStats | undefined> {
    const entry = this.cache.get(symbol);
    const ttl = entry?.stats ? (this.options.ttlMs ?? 3_600_000) : (this.options.failureTtlMs ?? 60_000);
    if (entry && now - entry.fetchedAt < ttl) return entry.stats;
    const pending = this.inflight.get(symbol);
    if (pending) return pending;
    const load = this.load(symbol, now).finally(() => this.inflight.delete(symbol));
    this.inflight.set(symbol, load);
    return load;
  }

  private async load(symbol: string, now: number): Promise<MarketStats | undefined> {
    let stats: MarketStats | undefined;
    try {
      const daily = await this.options.candles.closedCandles(symbol, '1d', this.options.days, now);
      stats = daily.close.length >= 2 ? computeMarketStats(symbol, daily, this.options.windows) : undefined;
    } catch {
      stats = undefined; // the checks that need it are skipped and say so; sizing by ATR refuses
    }
    this.cache.set(symbol, { stats, fetchedAt: now });
    return stats;
  }
}
