// Closed candles from an exchange's public API through ccxt (no keys): the strategy runner's
// candle source in the cloud. The candle still forming at `now` is dropped, whatever the exchange
// returns, so a strategy only ever sees final prices.
import type { Candles } from '../../core/backtest/types';
import { TIMEFRAME_MS, type StrategyTimeframe } from '../../core/domain/strategy-subscription';
import type { CandleSource } from '../../core/ports/candles';
import { pointAtBaseUrl } from '../exchange/ccxt-exchange';
import { createCcxtExchange, type CcxtExchange, type CcxtExchangeId } from '../exchange/ccxt-lib';

/** Candles per request: Binance USDⓈ-M, OKX, Bybit and Bitget all answer at least this many. */
const DEFAULT_PAGE_LIMIT = 200;

export interface CcxtCandleSourceOptions {
  /** a ccxt instance, or what of it this adapter uses */
  exchange: Pick<CcxtExchange, 'fetchOHLCV'>;
  pageLimit?: number;
}

export class CcxtCandleSource implements CandleSource {
  private readonly pageLimit: number;

  constructor(private readonly options: CcxtCandleSourceOptions) {
    this.pageLimit = options.pageLimit ?? DEFAULT_PAGE_LIMIT;
  }

  /** A public (key-less) instance of a supported exchange; `apiUrl` points it at a local fake. */
  static create(id: CcxtExchangeId, settings: { timeoutMs?: number; apiUrl?: string } = {}): CcxtCandleSource {
    const exchange = createCcxtExchange(id, {
      enableRateLimit: true,
      ...(settings.timeoutMs ? { timeout: settings.timeoutMs } : {}),
    });
    if (settings.apiUrl) pointAtBaseUrl(exchange, settings.apiUrl);
    return new CcxtCandleSource({ exchange });
  }

  spanMs(timeframe: StrategyTimeframe): number {
    return TIMEFRAME_MS[timeframe];
  }

  async closedCandles(symbol: string, timeframe: StrategyTimeframe, limit: number, now: number): Promise<Candles> {
    const span = TIMEFRAME_MS[timeframe];
    // The candle opening at floor(now/span)·span is still forming: every wanted candle opens before it.
    const end = Math.floor(now / span) * span;
    const since = end - limit * span;
    const byTime = new Map<number, number[]>();
    let cursor = since;
    while (cursor < end) {
      const wanted = Math.min(this.pageLimit, Math.ceil((end - cursor) / span));
      const page = await this.options.exchange.fetchOHLCV(symbol, timeframe, cursor, wanted);
      let last = -Infinity;
      for (const row of page) {
        const time = row[0];
        if (typeof time !== 'number' || time < since || time + span > now) continue;
        if (!row.slice(1, 6).every((v) => typeof v === 'number' && Number.isFinite(v))) continue;
        byTime.set(time, row as number[]);
        last = Math.max(last, time);
      }
      // An empty page (no trading, a new listing) or one that does not move on ends the walk.
      if (!(last >= cursor)) break;
      cursor = last + span;
    }
    const rows = [...byTime.values()].sort((a, b) => a[0]! - b[0]!).slice(-limit);
    return toCandles(rows);
  }
}

function toCandles(rows: readonly number[][]): Candles {
  const column = (k: number) => Float64Array.from(rows, (r) => r[k] ?? 0);
  return { time: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) };
}
