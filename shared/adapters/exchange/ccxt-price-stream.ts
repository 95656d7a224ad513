// The PriceStream port over ccxt pro's websocket tickers (watchTickers): one keyless instance per
// exchange, markets loaded once over REST. `next` resolves with the tickers that changed since the
// last call, as ccxt delivers them; it rejects when the connection drops or the exchange refuses the
// subscription, and then drops every connection of the instance so the next call dials and
// subscribes afresh. Reconnect pacing, heartbeats and the REST catch-up are the watcher's
// (docs/WATCHER.md), so ccxt's own reconnect backoff is switched off: one policy, not two stacked.
import { AdapterError, DomainError, InvalidArgumentError } from '../../core/errors';
import type { Clock } from '../../core/ports/runtime';
import type { PriceStream, PriceTick } from '../../core/ports/price-stream';
import { translateCcxtError } from './ccxt-errors';
import { pointAtBaseUrl } from './ccxt-exchange';
import type { CcxtExchange, CcxtExchangeId } from './ccxt-lib';
import { createCcxtProExchange } from './ccxt-pro-lib';
import { DIALECTS } from './dialects';

export interface CcxtPriceStreamOptions {
  exchangeId: CcxtExchangeId;
  /** stamps `receivedAt` (and `timestamp` when the exchange sends none) */
  clock: Clock;
  /**
   * A local fake exchange: `rest` (http://127.0.0.1:PORT) moves every REST root under it (markets
   * are loaded there), `ws` (ws://127.0.0.1:PORT) every websocket root; paths are kept, so ccxt
   * asks the fake exactly what it would ask the exchange.
   */
  urls?: { rest?: string; ws?: string };
  /** the exchange's testnet hosts (ccxt's sandbox mode) */
  testnet?: boolean;
  /** REST timeout of the market load, ms (default 10 000) */
  timeoutMs?: number;
}

/** The parts of ccxt's unified ticker read here. */
interface CcxtTicker {
  symbol?: string;
  last?: number;
  close?: number;
  bid?: number;
  ask?: number;
  timestamp?: number;
}

/** Moves every websocket root of a ccxt instance under `baseUrl` (ws://host:port), paths kept. */
export function pointWsAtBaseUrl(ex: CcxtExchange, baseUrl: string): void {
  const base = baseUrl.replace(/\/$/, '');
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(/^wss?:\/\/[^/]+/, base);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = rewrite(v);
      return out;
    }
    return value;
  };
  const api = ex.urls.api as Record<string, unknown>;
  api.ws = rewrite(api.ws);
}

/** ccxt's ticker as ours: undefined when it carries no positive last price. */
export function toPriceTick(
  raw: CcxtTicker,
  symbol: string,
  exchange: string,
  receivedAt: number,
): PriceTick | undefined {
  const last = raw.last ?? raw.close;
  if (typeof last !== 'number' || !(last > 0)) return undefined;
  const tick: PriceTick = {
    symbol,
    last,
    timestamp: typeof raw.timestamp === 'number' && raw.timestamp > 0 ? raw.timestamp : receivedAt,
    exchange,
    receivedAt,
  };
  if (typeof raw.bid === 'number' && raw.bid > 0) tick.bid = raw.bid;
  if (typeof raw.ask === 'number' && raw.ask > 0) tick.ask = raw.ask;
  return tick;
}

export class CcxtPriceStream implements PriceStream {
  readonly exchange: string;
  private readonly ex: CcxtExchange;
  private ready: Promise<void> | undefined;
  /** ccxt symbol → the cached ticker object last returned for it */
  private readonly delivered = new Map<string, CcxtTicker>();
  private closed = false;

  constructor(private readonly options: CcxtPriceStreamOptions) {
    const dialect = DIALECTS[options.exchangeId];
    this.exchange = options.exchangeId;
    this.ex = createCcxtProExchange(options.exchangeId, {
      timeout: options.timeoutMs ?? 10_000,
      enableRateLimit: false,
      // base 0: ccxt dials again at once; the watcher paces reconnects
      options: { ...dialect.options, disableFuturesSandboxWarning: true, ws: { backoff: { base: 0 } } },
    });
    if (dialect.options.fetchCurrencies === false) (this.ex.has as Record<string, unknown>).fetchCurrencies = false;
    if (options.testnet) this.ex.setSandboxMode(true);
    if (options.urls?.rest) pointAtBaseUrl(this.ex, options.urls.rest);
    if (options.urls?.ws) pointWsAtBaseUrl(this.ex, options.urls.ws);
  }

  async next(symbols: readonly string[]): Promise<PriceTick[]> {
    if (this.closed) throw this.closedError();
    if (symbols.length === 0) throw new InvalidArgumentError('price stream: next() needs at least one symbol');
    await this.prepare();
    const bySymbol = this.resolve(symbols);
    // Ticks that came in the same burst as the last one returned are already in ccxt's cache.
    const waiting = this.fresh(bySymbol);
    if (waiting.length > 0) return waiting;
    try {
      await this.ex.watchTickers([...bySymbol.keys()]);
    } catch (error) {
      if (this.closed) throw this.closedError();
      // A refused subscription stays recorded on ccxt's client and a dropped one may linger:
      // drop them all, so the next call connects and subscribes from scratch.
      await this.ex.close().catch(() => undefined);
      throw this.translate(error, 'watch tickers');
    }
    return this.fresh(bySymbol);
  }

  /**
   * The tickers ccxt received for these markets since they were last returned. watchTickers
   * resolves with the first update only; ccxt stores each update as a new object in its cache, so
   * the others of a burst are found there by identity instead of being lost.
   */
  private fresh(bySymbol: ReadonlyMap<string, string>): PriceTick[] {
    const cache = this.ex.tickers as Record<string, CcxtTicker | undefined>;
    const receivedAt = this.options.clock.now();
    const out: PriceTick[] = [];
    for (const [ccxtSymbol, ours] of bySymbol) {
      const raw = cache[ccxtSymbol];
      if (!raw || this.delivered.get(ccxtSymbol) === raw) continue;
      this.delivered.set(ccxtSymbol, raw);
      const tick = toPriceTick(raw, ours, this.exchange, receivedAt);
      if (tick) out.push(tick);
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.ex.close();
  }

  /** Loads the markets once (REST) and, for a plain ws:// fake, the agent ccxt requires for it. */
  private prepare(): Promise<void> {
    this.ready ??= (async () => {
      if (this.options.urls?.ws?.startsWith('ws://')) await this.ex.loadHttpProxyAgent();
      await this.ex.loadMarkets();
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw this.translate(error, 'load markets');
    });
    return this.ready;
  }

  /** ccxt symbol → the caller's symbol; an unlisted symbol is refused by name. */
  private resolve(symbols: readonly string[]): Map<string, string> {
    const markets = this.ex.markets as Record<string, { active?: boolean } | undefined>;
    const derivatives = DIALECTS[this.options.exchangeId].capabilities.derivatives;
    const out = new Map<string, string>();
    for (const symbol of symbols) {
      const candidates = derivatives ? [symbol] : [symbol, symbol.split(':')[0] as string];
      const found = candidates.find((c) => markets[c] && markets[c]?.active !== false);
      if (!found)
        throw new AdapterError(
          `${this.exchange} price stream: ${this.exchange} does not list ${symbol}`,
          'UNKNOWN_SYMBOL',
          false,
        );
      out.set(found, symbol);
    }
    return out;
  }

  private translate(error: unknown, operation: string): Error {
    const translated = translateCcxtError(error, {
      exchange: this.options.exchangeId,
      operation,
      now: this.options.clock.now(),
    });
    // A drop, a timeout, a 5xx: the next call reconnects. Anything else (a refused subscription,
    // a 4xx) is the exchange's answer and will be repeated.
    if (!(translated instanceof DomainError)) return translated;
    if (translated.retryable) return translated;
    return new AdapterError(
      `${this.exchange} price stream refused: ${translated.message}`,
      translated.code === 'EXCHANGE_REJECTED' ? 'STREAM_REFUSED' : translated.code,
      false,
    );
  }

  private closedError(): AdapterError {
    return new AdapterError(`${this.exchange} price stream is closed`, 'STREAM_CLOSED', false);
  }
}
