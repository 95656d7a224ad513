// The regime of a symbol for the per-regime limits, from closed candles of the risk candle source
// (the one the market statistics read), kept per container for `ttlMs` like the statistics: one
// candle read per symbol per hour, and only for accounts that configured per-regime limits.
// One HMM fit per load: the stream's first fit is at the window's end, the bars after it are
// filtered, and the ADX / ATR rules carry the hysteresis until then (docs/REGIMES.md).
import type { StrategyTimeframe } from '../domain/strategy-subscription';
import { regimeSeries, type RegimeStreamOptions } from '../regimes';
import { labelIndex } from '../regimes/labels';
import type { CandleSource } from './ports';
import type { RegimeView } from './types';

interface Entry {
  view: RegimeView | undefined;
  fetchedAt: number;
}

export interface CachedRegimesOptions {
  candles: CandleSource;
  /** candle timeframe the regime is read on (default 1d) */
  timeframe?: StrategyTimeframe;
  /** candles read (default 400) */
  bars?: number;
  /** the stream's settings (default: one fit on the first 365 returns, the rest filtered) */
  stream?: RegimeStreamOptions;
  ttlMs?: number;
  failureTtlMs?: number;
}

const DEFAULT_STREAM: RegimeStreamOptions = { window: 365, minReturns: 365, refitEvery: 400 };

/** Implements execution's RegimeSource port (execution/ports.ts), structurally: risk sits below execution. */
export class CachedRegimes {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<RegimeView | undefined>>();

  constructor(private readonly options: CachedRegimesOptions) {}

  peek(symbol: string): RegimeView | undefined {
    return this.cache.get(symbol)?.view;
  }

  async get(symbol: string, now: number): Promise<RegimeView | undefined> {
    const entry = this.cache.get(symbol);
    const ttl = entry?.view ? (this.options.ttlMs ?? 3_600_000) : (this.options.failureTtlMs ?? 60_000);
    if (entry && now - entry.fetchedAt < ttl) return entry.view;
    const pending = this.inflight.get(symbol);
    if (pending) return pending;
    const load = this.load(symbol, now).finally(() => this.inflight.delete(symbol));
    this.inflight.set(symbol, load);
    return load;
  }

  private async load(symbol: string, now: number): Promise<RegimeView | undefined> {
    const timeframe = this.options.timeframe ?? '1d';
    let view: RegimeView | undefined;
    try {
      const candles = await this.options.candles.closedCandles(symbol, timeframe, this.options.bars ?? 400, now);
      const last = candles.close.length - 1;
      const reading = last >= 0 ? regimeSeries(candles, this.options.stream ?? DEFAULT_STREAM)[last] : undefined;
      view =
        reading?.label !== undefined
          ? {
              label: reading.label,
              source: reading.source,
              asOf: candles.time[last]! + this.options.candles.spanMs(timeframe),
              probability: reading.probabilities[labelIndex(reading.label)]!,
            }
          : undefined;
    } catch {
      view = undefined; // the regime checks are skipped and say so
    }
    this.cache.set(symbol, { view, fetchedAt: now });
    return view;
  }
}
