// The exchange's own volatility index for the circuit breaker (docs/REGIMES.md "Volatility index
// and the circuit breaker"): read by the risk-check job after an account's stops are guarded, per
// base coin at most once every 15 minutes (the exchange computes it hourly over days: a fresher
// read says nothing new), each read time-boxed. A read that fails or runs out of time is skipped
// and logged: it never trips the breaker nor holds the job up.
import type { ExchangePort, VolatilityIndexReading } from './ports';

/** how long a base coin's reading (or its absence) is reused before the exchange is asked again */
export const VOLATILITY_INDEX_REFRESH_MS = 15 * 60_000;
/** the most one read may take; past it the reading is skipped this time */
export const VOLATILITY_INDEX_TIMEOUT_MS = 3_000;

export interface VolatilityIndexOptions {
  refreshMs?: number;
  timeoutMs?: number;
  /** said when a read is skipped (failed or timed out); the job goes on without it */
  onSkip?: (message: string, data: Record<string, unknown>) => void;
}

interface Kept {
  attemptAt: number;
  reading: VolatilityIndexReading | undefined;
}

/**
 * Readings kept per exchange, network and base coin for the life of the job's container (a cold
 * start reads again). The index is public: one reading serves every account on that exchange.
 */
export class VolatilityIndexReader {
  private readonly kept = new Map<string, Kept>();
  private readonly refreshMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: VolatilityIndexOptions = {}) {
    this.refreshMs = options.refreshMs ?? VOLATILITY_INDEX_REFRESH_MS;
    this.timeoutMs = options.timeoutMs ?? VOLATILITY_INDEX_TIMEOUT_MS;
  }

  /**
   * The latest reading per base coin of `bases` on `exchange` (`venue` names the exchange and
   * network, the cache's key); bases the exchange has no index for are absent. `deadline` (epoch
   * ms on `now`'s clock): no read starts when less than one time box is left.
   */
  async read(
    venue: string,
    exchange: Pick<ExchangePort, 'fetchVolatilityIndex'>,
    bases: readonly string[],
    now: number,
    deadline?: number,
  ): Promise<Map<string, VolatilityIndexReading>> {
    const out = new Map<string, VolatilityIndexReading>();
    const fetchIndex = exchange.fetchVolatilityIndex?.bind(exchange);
    if (!fetchIndex) return out;
    for (const base of new Set(bases)) {
      const key = `${venue}:${base}`;
      let kept = this.kept.get(key);
      if (!kept || now - kept.attemptAt >= this.refreshMs) {
        if (deadline !== undefined && deadline - now < this.timeoutMs) continue;
        kept = { attemptAt: now, reading: await this.attempt(venue, base, () => fetchIndex(base)) };
        this.kept.set(key, kept);
      }
      if (kept.reading) out.set(base, kept.reading);
    }
    return out;
  }

  private async attempt(
    venue: string,
    base: string,
    fetch: () => Promise<VolatilityIndexReading | undefined>,
  ): Promise<VolatilityIndexReading | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    try {
      const result = await Promise.race([fetch(), timeout]);
      if (result === 'timeout') {
        this.options.onSkip?.('volatility index read timed out: skipped this time', {
          venue,
          base,
          timeoutMs: this.timeoutMs,
        });
        return undefined;
      }
      return result;
    } catch (error) {
      this.options.onSkip?.('volatility index read failed: skipped this time', {
        venue,
        base,
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
