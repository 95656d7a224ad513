// What reporting needs from the outside: accounts, trades, equity snapshots and positions to read,
// the audit trail, past prices (the buy-and-hold comparison), current funding rates, a store for
// the chart, the notifier's dispatch, and the clock. Files in reporting/ import ports from here only. (The chart renderer, a
// function over the report's own types, stays in send-reports.ts: here it would make a cycle.)
export type {
  AccountRepository,
  AuditLog,
  EquitySnapshot,
  PositionBook,
  RiskStore,
  TradeRepository,
} from '../ports/repositories';
export type { Clock } from '../ports/runtime';
/** the candles a paper-vs-backtest compare backtests over (strategy-compare.ts) */
export type { CandleSource } from '../ports/candles';
/** the held symbols' current funding rates, from each account's exchange (send-reports.ts) */
export type { FundingRate, FundingRates, FundingRatesFor } from '../ports/funding-rates';
/** each traded symbol's regime now (send-reports.ts; risk/regime-source.ts CachedRegimes) */
export type { RegimeReader } from '../ports/regimes';

/** A symbol's price at a moment (the close of the candle before it): the buy-and-hold comparison. */
export interface HistoricalPrices {
  priceAt(symbol: string, at: number): Promise<number | undefined>;
}

/**
 * Where a chart is kept for channels that cannot attach it: stores the bytes under `key` and
 * returns a URL the owner can fetch it from (a presigned link: a bearer credential, never logged).
 */
export interface ChartStore {
  put(key: string, data: Uint8Array, contentType: string): Promise<string>;
}

/**
 * A model's paragraph on the account's markets for the daily report (docs/AI-ensemble.md),
 * implemented by advisor/market-summary.ts; it never throws for a model's failure: it says why.
 */
export interface MarketSummaryWriter {
  write(request: {
    accountId: string;
    symbols: readonly string[];
    from: number;
    to: number;
  }): Promise<{ ok: true; text: string; model: string } | { ok: false; reason: string }>;
}
