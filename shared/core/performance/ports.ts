// What the console's read models need from the outside: the book (accounts, trades, positions,
// orders, audit), the risk-check job's readings (state, equity snapshots with marks), the price
// watcher's live prices, the alert log and the signal ledger, past prices, candles, the queue's
// depth, and the clock. Files in performance/ import ports from here only.
export type {
  AccountRepository,
  AlertLog,
  AlertRecord,
  AuditLog,
  EquitySnapshot,
  OrderRepository,
  PositionBook,
  PositionMark,
  RiskStore,
  SignalLedger,
  SignalRecord,
  TradeRepository,
} from '../ports/repositories';
import type { TradeRecord } from '../domain/trade';
export type { CandleSource } from '../ports/candles';
export type { LivePriceStore, PriceTick } from '../ports/price-stream';
export type { Clock } from '../ports/runtime';
export type { FundingReading, FundingReadingStore } from '../ports/funding-rates';
export { fundingSourceOf } from '../ports/funding-rates';

/** A symbol's price at a moment (the buy-and-hold comparison); undefined when unknown. */
export interface HistoricalPrices {
  priceAt(symbol: string, at: number): Promise<number | undefined>;
}

/** The signal queue's depth as SQS counts it (approximate, as GetQueueAttributes says). */
export interface QueueDepth {
  depth: number;
  inFlight: number;
  dlqDepth: number;
}

export interface QueueGauge {
  read(): Promise<QueueDepth>;
}

/**
 * The console's key-range reads of the trades table (ids are `<13-digit openedAt>-<clientOrderId>`,
 * so a range of ids is a range of opening times): what a page or a refresh needs, not the history.
 */
export interface TradeRangeReader {
  /** Trades with id ≥ `fromTradeId`, oldest first, at most `limit`. */
  listSince(accountId: string, fromTradeId: string, limit: number): Promise<TradeRecord[]>;
  /** Newest first, id < `beforeTradeId` and ≥ `fromTradeId` where given; `more` when the Query stopped at `limit`. */
  listBefore(
    accountId: string,
    range: { beforeTradeId?: string; fromTradeId?: string },
    limit: number,
  ): Promise<{ items: TradeRecord[]; more: boolean }>;
}
