// The fake's public linear websocket (wss://stream.bybit.com/v5/public/linear), on the fake's own
// port: the ticker topic `tickers.{symbol}` and the heartbeat. Bodies as Bybit documents them
// (bybit-exchange.github.io/docs):
// - subscribe / unsubscribe requests, the Linear/Inverse answer {"success":true,"ret_msg":"",
//   "conn_id":…,"req_id":…,"op":"subscribe"}, ping {"req_id":…,"op":"ping"} and the Linear/Inverse
//   pong {"success":true,"ret_msg":"pong","conn_id":…,"req_id":…,"op":"ping"}: v5/ws/connect
// - a refused topic: {"success":false,"ret_msg":"error:handler not found,topic:…","conn_id":…,
//   "req_id":…,"op":"subscribe"} (the answer Bybit gave live for a topic the connection does not
//   serve: sieblyio/bybit-api#561; the docs show no failure body); an unparseable request:
//   {"success":false,"ret_msg":"error:invalid op",…} as ccxt's bybit.handleErrorMessage quotes it
// - tickers.{symbol}: v5/websocket/public/ticker, the Linear example: a snapshot first, then deltas
//   that carry only what changed ("If a response param is not found in the message, then its
//   value has not changed").
// Bybit pushes tickers every 100 ms when they change; the fake pushes on every price move and at
// least every 250 ms (a delta of the symbol alone when nothing changed). The req_id of an answer
// echoes the request's ("" when none), as the documented spot answer and the live refusal do.
import { randomUUID } from 'node:crypto';
import type { StreamConnection, StreamProtocol } from '../fake-exchange/streams';
import type { BybitState } from './state';
import { tickerRow } from './views';

const PATH = '/v5/public/linear';
const TOPIC = /^tickers\.([A-Z0-9]+)$/;
/** The Linear ticker fields of the docs' example, in its order. */
const TICKER_FIELDS = [
  'symbol',
  'tickDirection',
  'price24hPcnt',
  'lastPrice',
  'prevPrice24h',
  'highPrice24h',
  'lowPrice24h',
  'prevPrice1h',
  'markPrice',
  'indexPrice',
  'openInterest',
  'openInterestValue',
  'turnover24h',
  'volume24h',
  'nextFundingTime',
  'fundingRate',
  'bid1Price',
  'bid1Size',
  'ask1Price',
  'ask1Size',
] as const;

type TickerData = Record<string, string>;

export class BybitStreams implements StreamProtocol {
  private cs = 1;

  constructor(private readonly state: BybitState) {}

  accepts(path: string): boolean {
    return path === PATH;
  }

  private connId(conn: StreamConnection): string {
    let id = conn.memory.get('conn_id') as string | undefined;
    if (!id) {
      id = randomUUID();
      conn.memory.set('conn_id', id);
    }
    return id;
  }

  private symbolOf(topic: string): string | undefined {
    const symbol = TOPIC.exec(topic)?.[1];
    return symbol !== undefined && this.state.instruments.has(symbol) && this.state.prices.has(symbol)
      ? symbol
      : undefined;
  }

  onMessage(conn: StreamConnection, text: string, refuse: () => boolean): void {
    let request: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      conn.send({
        success: false,
        ret_msg: 'error:invalid op',
        conn_id: this.connId(conn),
        request: { op: '', args: null },
      });
      return;
    }
    const reqId = typeof request.req_id === 'string' ? request.req_id : String(request.req_id ?? '');
    const answer = (op: string, success: boolean, retMsg: string) => ({
      success,
      ret_msg: retMsg,
      conn_id: this.connId(conn),
      req_id: reqId,
      op,
    });
    const topics = Array.isArray(request.args) ? request.args.filter((a): a is string => typeof a === 'string') : [];
    switch (request.op) {
      case 'ping':
        conn.send(answer('ping', true, 'pong'));
        return;
      case 'subscribe': {
        const bad = refuse() ? (topics[0] ?? '') : topics.find((t) => !this.symbolOf(t));
        if (bad !== undefined || topics.length === 0) {
          conn.send(answer('subscribe', false, `error:handler not found,topic:${bad ?? ''}`));
          return;
        }
        const added = topics.filter((t) => !conn.topics.has(t));
        for (const t of added) conn.topics.add(t);
        conn.send(answer('subscribe', true, ''));
        // a new subscription starts with the full ticker
        for (const t of added) conn.send(this.push(conn, t));
        return;
      }
      case 'unsubscribe':
        for (const t of topics) {
          conn.topics.delete(t);
          conn.memory.delete(t);
        }
        conn.send(answer('unsubscribe', true, ''));
        return;
      default:
        conn.send({
          success: false,
          ret_msg: 'error:invalid op',
          conn_id: this.connId(conn),
          request: { op: request.op ?? '', args: request.args ?? null },
        });
    }
  }

  pushes(conn: StreamConnection, symbol?: string): unknown[] {
    const out: unknown[] = [];
    for (const topic of conn.topics) {
      const s = this.symbolOf(topic);
      if (s === undefined || (symbol !== undefined && s !== symbol)) continue;
      out.push(this.push(conn, topic));
    }
    return out;
  }

  /** The topic's next message: the snapshot when none was sent on this connection, else a delta of what changed. */
  private push(conn: StreamConnection, topic: string): Record<string, unknown> {
    const symbol = this.symbolOf(topic) as string;
    const previous = conn.memory.get(topic) as TickerData | undefined;
    const current = this.ticker(symbol, previous);
    conn.memory.set(topic, current);
    let data: TickerData = current;
    if (previous) {
      data = { symbol };
      for (const field of TICKER_FIELDS) {
        const value = current[field];
        if (value !== undefined && value !== previous[field]) data[field] = value;
      }
    }
    return { topic, type: previous ? 'delta' : 'snapshot', data, cs: this.cs++, ts: this.state.now() };
  }

  /** The market's ticker now, with the documented Linear fields only. */
  private ticker(symbol: string, previous: TickerData | undefined): TickerData {
    const row = tickerRow(this.state, symbol);
    const out: TickerData = {};
    for (const field of TICKER_FIELDS) {
      const value = row[field];
      if (value !== undefined) out[field] = String(value);
    }
    const last = Number(out.lastPrice);
    const before = previous ? Number(previous.lastPrice) : last;
    out.tickDirection =
      last > before
        ? 'PlusTick'
        : last < before
          ? 'MinusTick'
          : (previous?.tickDirection ?? 'ZeroPlusTick').replace(/^(Plus|Minus)/, 'Zero$1');
    return { symbol, ...out };
  }
}
