// A symbol's market regime as of a moment, read from closed candles (risk/regime-source.ts
// CachedRegimes): the one contract the risk engine's per-regime limits (execution's RegimeSource
// adds a cached peek), the period report and the report's market summary read it through.
import type { RegimeView } from '../risk/types';

export type { RegimeView };

export interface RegimeReader {
  /** the regime as of `now`, read when stale; undefined when unknown (never throws for a bad read) */
  get(symbol: string, now: number): Promise<RegimeView | undefined>;
}
