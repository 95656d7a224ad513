// The HTTP server: reads a request, applies a scripted fault if one matches, checks the signature
// on signed routes, runs the route and answers JSON; keeps a log of method, path and status only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticate } from './auth';
import { BinanceError, errors } from './errors';
import { FaultQueue } from './faults';
import { chargeFunding } from './income';
import { DEFAULT_MARKETS } from './markets';
import { onPriceMove } from './matching';
import { seedCandles, seedFunding, setFunding } from './market-data';
import type { Params } from './order-params';
import { ROUTES } from './routes';
import { restoreState, serializeState, writeStateFile } from './persistence';
import { ExchangeState } from './state';
import { attachStreams } from '../fake-exchange/streams';
import { BinanceStreams } from './streams';
import type { FakeAccountSeed, FakeBinance, FakeBinanceOptions, FaultSpec, RequestLogEntry } from './types';

export const DEFAULT_ACCOUNTS: readonly FakeAccountSeed[] = [
  { apiKey: 'local-key', secret: 'local-secret', usdt: 10_000 },
];

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Hold the answer this long before sending it (timeout faults). */
  delayMs?: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function paramsOf(query: URLSearchParams, body: string): Params {
  const params: Params = {};
  for (const [k, v] of query) params[k] = v;
  for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  return params;
}

function errorReply(e: BinanceError): Reply {
  return { status: e.status, body: e.body(), headers: e.headers };
}

function toReply(e: unknown): Reply {
  if (e instanceof BinanceError) return errorReply(e);
  return {
    status: 500,
    body: { code: -1000, msg: `fake-binance internal error: ${e instanceof Error ? e.message : String(e)}` },
  };
}

/** Binance's answer when its backend timed out: the order may or may not have been placed. */
function statusUnknown(): Reply {
  return {
    status: 408,
    body: {
      code: -1007,
      msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
    },
  };
}

/** A fault that answers without the request being processed, or undefined. */
function refusal(fault: FaultSpec, serverTime: number): Reply | undefined {
  switch (fault.kind) {
    case 'reject-5xx':
      return errorReply(errors.internal());
    case 'rate-limit':
      return {
        status: 429,
        headers: { 'Retry-After': String(fault.retryAfterSec) },
        body: {
          code: -1003,
          msg: 'Too many requests; current limit of IP(127.0.0.1) is 2400 requests per minute. Please use the websocket for live updates to avoid polling the API.',
        },
      };
    case 'ban': {
      const until = serverTime + fault.retryAfterSec * 1000;
      return {
        status: 418,
        headers: { 'Retry-After': String(fault.retryAfterSec) },
        body: {
          code: -1003,
          msg: `Way too many requests; IP(127.0.0.1) banned until ${until}. Please use the websocket for live updates to avoid bans.`,
        },
      };
    }
    case 'error':
      return {
        status: fault.status ?? 400,
        body: { code: fault.code, msg: fault.msg ?? `Scripted error ${fault.code}.` },
      };
    case 'timeout':
      return fault.accept ? undefined : { ...statusUnknown(), delayMs: fault.delayMs };
    default:
      return undefined;
  }
}

export async function startFakeBinance(opts: FakeBinanceOptions = {}): Promise<FakeBinance> {
  const seeds = opts.accounts ?? DEFAULT_ACCOUNTS;
  const state = new ExchangeState(opts.markets ?? DEFAULT_MARKETS, seeds, opts.clockSkewMs ?? 0);
  // With a state file: what the last run left, and every change written back before it is answered.
  const stateFile = opts.stateFile;
  if (stateFile) restoreState(state, seeds, stateFile);
  let written = stateFile ? serializeState(state, seeds) : '';
  const persist = () => {
    if (!stateFile) return;
    const text = serializeState(state, seeds);
    if (text === written) return;
    writeStateFile(stateFile, text);
    written = text;
  };
  const faults = new FaultQueue();
  const log: RequestLogEntry[] = [];
  const held = new Set<NodeJS.Timeout>();
  /** Requests of late-arrival faults, applied after the next order look-up has been answered. */
  let late: (() => void)[] = [];

  const run = (
    method: string,
    url: URL,
    rawBody: string,
    params: Params,
    header: string | string[] | undefined,
    fillFraction?: number,
  ): unknown => {
    const route = ROUTES[`${method} ${url.pathname}`];
    if (!route) throw new BinanceError(404, -404, `fake-binance has no route ${method} ${url.pathname}`);
    const apiKey = Array.isArray(header) ? header[0] : header;
    const account = route.signed
      ? authenticate(state, { apiKey, rawQuery: url.search.replace(/^\?/, ''), rawBody, params })
      : undefined;
    return route.handle({ state, params, account, fillFraction });
  };

  const answer = async (req: IncomingMessage): Promise<Reply> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(req);
    const params = paramsOf(url.searchParams, rawBody);
    const fault = faults.take(method, url.pathname, params.symbol);
    if (fault?.kind === 'late-arrival') {
      const header = req.headers['x-mbx-apikey'];
      late.push(() => run(method, url, rawBody, params, header));
      return statusUnknown();
    }
    const refused = fault && refusal(fault, state.now());
    if (refused) return refused;
    let reply: Reply;
    try {
      const fillFraction = fault?.kind === 'partial-fill' ? fault.fraction : undefined;
      reply = { status: 200, body: run(method, url, rawBody, params, req.headers['x-mbx-apikey'], fillFraction) };
    } catch (e) {
      reply = toReply(e);
    }
    // The request was processed either way; only the answer is lost or replaced.
    if (fault?.kind === 'accept-then-5xx') return errorReply(errors.unknown());
    if (fault?.kind === 'timeout') return { ...reply, delayMs: fault.delayMs };
    if (method === 'GET' && url.pathname === '/fapi/v1/order') applyLate();
    persist();
    return reply;
  };

  /** The held requests reach the matching engine now: after the look-up's answer was decided. */
  const applyLate = () => {
    const due = late;
    late = [];
    for (const apply of due) {
      try {
        apply();
      } catch {
        // a late request the engine refuses changes nothing, as on the exchange
      }
    }
  };

  const send = (res: ServerResponse, reply: Reply) => {
    if (res.destroyed) return;
    res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  };

  const server = createServer((req, res) => {
    const entry: RequestLogEntry = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname,
      at: Date.now(),
      status: 0,
    };
    log.push(entry);
    const arrived = performance.now();
    res.on('finish', () => {
      entry.ms = performance.now() - arrived;
    });
    res.on('close', () => {
      entry.status = res.writableFinished ? res.statusCode : 0;
    });
    answer(req)
      .catch(toReply)
      .then((reply) => {
        if (reply.delayMs === undefined) return send(res, reply);
        const timer = setTimeout(() => {
          held.delete(timer);
          send(res, reply);
        }, reply.delayMs);
        held.add(timer);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // Binance pings every 3 minutes and drops a connection silent for 10 (websocket-market-streams).
  const hub = attachStreams(server, new BinanceStreams(state), {
    pingIntervalMs: 180_000,
    pongTimeoutMs: 600_000,
    ...opts.streams,
  });

  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    streams: hub.controls,
    close: () =>
      new Promise<void>((resolve) => {
        hub.close();
        for (const timer of held) clearTimeout(timer);
        held.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    setPrice(symbol, price) {
      if (!Number.isFinite(price) || price <= 0) throw new Error(`fake-binance: price must be positive, got ${price}`);
      const market = state.market(symbol);
      market.price = price;
      market.high = Math.max(market.high, price);
      market.low = Math.min(market.low, price);
      onPriceMove(state, market.symbol);
      persist();
      hub.priceMoved(market.symbol);
    },
    fault: (f) => faults.add(f),
    clearFaults: () => {
      faults.clear();
      late = [];
    },
    orders: (apiKey) => structuredClone(state.orders.filter((o) => apiKey === undefined || o.apiKey === apiKey)),
    algoOrders: (apiKey) =>
      structuredClone(state.algoOrders.filter((a) => apiKey === undefined || a.apiKey === apiKey)),
    trades: (apiKey) => structuredClone(state.trades.filter((t) => apiKey === undefined || t.apiKey === apiKey)),
    position(apiKey, symbol) {
      const account = state.accountOrThrow(apiKey);
      const market = state.market(symbol);
      const slots = state.positionsOf(account, market.symbol);
      const open = slots.find((p) => p.amount !== 0);
      const { leverage, marginType } = state.settings(account, market.symbol);
      return {
        amount: slots.reduce((sum, p) => sum + p.amount, 0),
        entryPrice: open?.entryPrice ?? 0,
        leverage,
        marginType,
      };
    },
    setPosition(apiKey, symbol, amount, entryPrice) {
      const account = state.accountOrThrow(apiKey);
      const position = state.position(account, state.market(symbol).symbol, 'BOTH');
      position.amount = amount;
      position.entryPrice = amount === 0 ? 0 : entryPrice;
      position.updateTime = state.now();
    },
    walletBalance: (apiKey) => state.accountOrThrow(apiKey).wallet,
    requests: () => log.map((e) => ({ ...e })),
    setDualSidePosition(apiKey, dual) {
      state.accountOrThrow(apiKey).dualSide = dual;
    },
    setClockSkew(ms) {
      state.clockSkewMs = ms;
    },
    setSpread(symbol, bps) {
      state.market(symbol).spreadBps = bps;
    },
    setCandles: (symbol, interval, rows) => seedCandles(state, symbol, interval, rows),
    setFundingRates: (symbol, rows) => seedFunding(state, symbol, rows),
    setFunding: (symbol, funding) => setFunding(state, symbol, funding),
    chargeFunding: (symbol, rate) => structuredClone(chargeFunding(state, symbol, rate)),
    income: (apiKey) => structuredClone(state.income.filter((r) => apiKey === undefined || r.apiKey === apiKey)),
  };
}
