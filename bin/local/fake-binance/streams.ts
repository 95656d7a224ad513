// The fake's websocket market streams (USDⓈ-M), on the fake's own port: raw streams at /ws, and the
// routed /public/ws and /market/ws paths ccxt pro uses (Binance's routed endpoints: a /market stream
// pushes nothing on an unrouted or /public connection). Bodies as Binance documents them:
// - connect, routing, ping/pong: developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
// - SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS and their {"result":null,"id":N} answers, the error
//   codes: .../websocket-market-streams/Live-Subscribing-Unsubscribing-to-streams
// - a refused stream: {"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":N}, the error
//   table's code 2 in the envelope Binance sends it in (seen live: ccxt/ccxt#19833,
//   ctubio/Krypto-trading-bot#1121; ccxt's handleWsError parses exactly this shape)
// - 24hrTicker: .../Individual-Symbol-Ticker-Streams; 24hrMiniTicker: .../Individual-Symbol-Mini-Ticker-Stream;
//   markPriceUpdate: .../Mark-Price-Stream
// Binance updates a ticker every 2 s and a mark price every 1 or 3 s; the fake pushes every subscribed
// stream on every price move and at least every 250 ms, so a watcher's latency is its own.
import type { StreamConnection, StreamProtocol } from '../fake-exchange/streams';
import { premiumIndex, ticker24h } from './market-data';
import type { ExchangeState } from './state';

type Route = 'public' | 'market';

/** stream suffix → the route that carries it */
const CHANNELS: Record<string, Route> = {
  ticker: 'market',
  miniTicker: 'market',
  markPrice: 'market',
  'markPrice@1s': 'market',
};

const PATH = /^\/(?:(public|market)\/)?ws(?:\/.*)?$/;

function routeOf(path: string): Route {
  return PATH.exec(path)?.[1] === 'market' ? 'market' : 'public';
}

function errorBody(code: number, msg: string, id: unknown) {
  return { error: { code, msg }, id: id ?? null };
}

export class BinanceStreams implements StreamProtocol {
  constructor(private readonly state: ExchangeState) {}

  accepts(path: string): boolean {
    return PATH.test(path);
  }

  /** The market of a stream name (`btcusdt@ticker`), or undefined when the name is not one the fake serves. */
  private parse(stream: string): { symbol: string; channel: string } | undefined {
    const at = stream.indexOf('@');
    if (at <= 0) return undefined;
    const id = stream.slice(0, at);
    const channel = stream.slice(at + 1);
    // stream names are lowercase (docs: "All symbols for streams are lowercase")
    if (id !== id.toLowerCase() || CHANNELS[channel] === undefined) return undefined;
    const symbol = id.toUpperCase();
    return this.state.markets.has(symbol) ? { symbol, channel } : undefined;
  }

  onMessage(conn: StreamConnection, text: string, refuse: () => boolean): void {
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      conn.send(errorBody(3, 'Invalid JSON: expected value at line 1 column 1', null));
      return;
    }
    const { id, method, params } = request;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      conn.send(errorBody(2, 'Invalid request: request ID must be an unsigned integer', null));
      return;
    }
    const streams = Array.isArray(params) ? params.filter((p): p is string => typeof p === 'string') : [];
    switch (method) {
      case 'SUBSCRIBE':
        if (refuse() || streams.length === 0 || streams.some((s) => !this.parse(s))) {
          conn.send(errorBody(2, 'Invalid request: invalid stream', id));
          return;
        }
        for (const s of streams) conn.topics.add(s);
        conn.send({ result: null, id });
        return;
      case 'UNSUBSCRIBE':
        for (const s of streams) conn.topics.delete(s);
        conn.send({ result: null, id });
        return;
      case 'LIST_SUBSCRIPTIONS':
        conn.send({ result: [...conn.topics], id });
        return;
      default:
        conn.send(
          errorBody(
            2,
            `Invalid request: unknown variant \`${String(method)}\`, expected one of \`SUBSCRIBE\`, \`UNSUBSCRIBE\`, \`LIST_SUBSCRIPTIONS\`, \`SET_PROPERTY\`, \`GET_PROPERTY\` at line 1 column 28`,
            id,
          ),
        );
    }
  }

  pushes(conn: StreamConnection, symbol?: string): unknown[] {
    const route = routeOf(conn.path);
    const out: unknown[] = [];
    for (const stream of conn.topics) {
      const parsed = this.parse(stream);
      if (!parsed || (symbol !== undefined && parsed.symbol !== symbol)) continue;
      if (CHANNELS[parsed.channel] !== route) continue;
      out.push(this.event(parsed.symbol, parsed.channel));
    }
    return out;
  }

  /** One event body for a market's current state. */
  event(symbol: string, channel: string): Record<string, unknown> {
    const now = this.state.now();
    if (channel === 'markPrice' || channel === 'markPrice@1s') {
      const p = premiumIndex(this.state, { symbol }) as Record<string, unknown>;
      return {
        e: 'markPriceUpdate',
        E: now,
        s: symbol,
        p: p.markPrice,
        i: p.indexPrice,
        P: p.estimatedSettlePrice,
        r: p.lastFundingRate,
        T: p.nextFundingTime,
      };
    }
    const t = ticker24h(this.state, { symbol }) as Record<string, unknown>;
    if (channel === 'miniTicker') {
      // ps and st: the fields the docs say the payload gained with the COIN-M migration (st 1 = UM)
      return {
        e: '24hrMiniTicker',
        E: now,
        s: symbol,
        c: t.lastPrice,
        o: t.openPrice,
        h: t.highPrice,
        l: t.lowPrice,
        v: t.volume,
        q: t.quoteVolume,
        ps: symbol,
        st: 1,
      };
    }
    return {
      e: '24hrTicker',
      E: now,
      s: symbol,
      p: t.priceChange,
      P: t.priceChangePercent,
      w: t.weightedAvgPrice,
      c: t.lastPrice,
      Q: t.lastQty,
      o: t.openPrice,
      h: t.highPrice,
      l: t.lowPrice,
      v: t.volume,
      q: t.quoteVolume,
      O: now - 86_400_000,
      C: now,
      F: t.firstId,
      L: t.lastId,
      n: t.count,
    };
  }
}
