// The PriceCatchUp port over REST: what a market did while the websocket was down, read as the
// one-minute candles since the gap began (ccxt fetchOHLCV, public, no key). The extremes are the
// candles' highs and lows, so a candle that began before the gap may add up to 59 s the stream had
// already delivered; the watcher only needs the best price for a trailing stop and the worst for a
// breaker, and both are at least as extreme as what happened in the gap.
import type { Clock } from '../../core/ports/runtime';
import type { PriceCatchUp, PriceGap } from '../../core/ports/price-stream';
import { translateCcxtError } from './ccxt-errors';
import { CcxtExchangeAdapter } from './ccxt-exchange';
import type { CcxtExchangeId } from './ccxt-lib';

const MINUTE = 60_000;
/** Candles one request asks for: Bybit answers at most 1,000 (Binance 1,500); a longer gap is the one-minute jobs' to cover. */
export const CATCH_UP_LIMIT = 1000;

export interface CcxtPriceCatchUpOptions {
  exchangeId: CcxtExchangeId;
  clock: Clock;
  /** a local fake exchange (http://127.0.0.1:PORT): every REST root is moved under it */
  restUrl?: string;
  testnet?: boolean;
  /** per request, ms (default 5 000) */
  timeoutMs?: number;
}

type Candle = [time: number, open: number, high: number, low: number, close: number, volume?: number];

/** The gap over candles (oldest first); undefined when none carries a price. */
export function gapOf(symbol: string, candles: readonly unknown[][], from: number, now: number): PriceGap | undefined {
  const rows = candles.filter(
    (c): c is Candle => typeof c[0] === 'number' && [c[2], c[3], c[4]].every((v) => typeof v === 'number' && v > 0),
  );
  const last = rows[rows.length - 1];
  if (!last) return undefined;
  return {
    symbol,
    high: Math.max(...rows.map((c) => c[2])),
    low: Math.min(...rows.map((c) => c[3])),
    last: last[4],
    from,
    to: Math.min(now, last[0] + MINUTE),
  };
}

export class CcxtPriceCatchUp implements PriceCatchUp {
  private readonly adapter: CcxtExchangeAdapter;

  /** `adapter`: tests pass one whose transport is replaced (test/conformance/harness.ts) */
  constructor(
    private readonly options: CcxtPriceCatchUpOptions,
    adapter?: CcxtExchangeAdapter,
  ) {
    this.adapter =
      adapter ??
      new CcxtExchangeAdapter({
        id: options.exchangeId,
        testnet: options.testnet ?? false,
        marginMode: 'isolated',
        clock: options.clock,
        timeoutMs: options.timeoutMs ?? 5000,
        ...(options.restUrl ? { apiUrl: options.restUrl } : {}),
      });
  }

  async since(symbol: string, from: number): Promise<PriceGap | undefined> {
    // Loads the markets (shared, cached) and resolves our symbol to ccxt's; errors come translated.
    const market = await this.adapter.loadMarket(symbol);
    const now = this.options.clock.now();
    const start = Math.floor(from / MINUTE) * MINUTE;
    const limit = Math.min(CATCH_UP_LIMIT, Math.max(1, Math.ceil((now - start) / MINUTE) + 1));
    let candles: unknown[][];
    try {
      candles = (await this.adapter.raw.fetchOHLCV(market.symbol, '1m', start, limit)) as unknown[][];
    } catch (error) {
      throw translateCcxtError(error, { exchange: this.options.exchangeId, operation: 'fetch OHLCV', now });
    }
    return gapOf(symbol, candles, from, now);
  }
}
