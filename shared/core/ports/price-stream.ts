// Real-time prices: what the price watcher (shared/core/watcher) reads and what it leaves for the
// console. The websocket side is pull-based, as ccxt pro's watch* calls are: `next` resolves with the
// next updates and rejects when the connection is lost; the watcher owns reconnects, backoff,
// heartbeats and the catch-up after a gap. docs/WATCHER.md.
import type { PriceQuote } from './exchange';

/** One price update of one market, as the exchange streamed it (`timestamp`: the exchange's time). */
export interface PriceTick extends PriceQuote {
  /** the exchange id the tick came from (`binanceusdm`, `bybit`, `paper`…) */
  exchange: string;
  /** epoch ms UTC at which this process received it (latency is measured from here) */
  receivedAt: number;
}

/** A websocket stream of prices from one exchange (ccxt pro, or the local replay). */
export interface PriceStream {
  readonly exchange: string;
  /**
   * The next updates for any of `symbols` (at least one). Rejects when the connection drops or
   * the exchange refuses the subscription; the next call reconnects.
   */
  next(symbols: readonly string[]): Promise<PriceTick[]>;
  /** closes the connection; a pending `next` rejects */
  close(): Promise<void>;
}

/** What happened to a market while the stream was down: read over REST after a reconnect. */
export interface PriceGap {
  symbol: string;
  /** the extremes traded between `from` and `to` (a trailing stop follows the best of them) */
  high: number;
  low: number;
  last: number;
  from: number;
  to: number;
}

export interface PriceCatchUp {
  /** REST catch-up after a gap (candles or trades since `from`); undefined when nothing came back */
  since(symbol: string, from: number): Promise<PriceGap | undefined>;
}

/** The latest price per market, for the console's live prices (written at most about once a second). */
export interface LivePriceStore {
  put(ticks: readonly PriceTick[]): Promise<void>;
  latest(exchange: string, symbols: readonly string[]): Promise<PriceTick[]>;
}
