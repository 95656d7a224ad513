// startFakeBybit: the fake Bybit v5 (linear USDT perpetuals) on a random local port. A request is
// matched against the scripted faults first, then (signed routes) authenticated, then answered by
// its route.
import { Big } from '../../../shared/core/domain/money';
import { attachStreams, FaultQueue, type RawRequest, type Reply, startJsonServer } from '../fake-exchange';
import { authenticate } from './auth';
import { BybitError, errors } from './errors';
import { recordSettlement, setFunding } from './funding';
import { setVolatility } from './volatility';
import { onPriceMove } from './matching';
import type { Params } from './orders';
import { ROUTES } from './routes';
import { BybitState, DEFAULT_PRICES } from './state';
import { BybitStreams } from './streams';
import type { FakeBybit, FakeBybitAccountSeed, FakeBybitExecution, FakeBybitFault, FakeBybitOptions } from './types';

export const DEFAULT_ACCOUNTS: readonly FakeBybitAccountSeed[] = [
  { apiKey: 'local-key', secret: 'local-secret', usdt: 10_000 },
];

function parseBody(raw: string): Params {
  if (raw === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw errors.param('body', 'is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw errors.param('body', 'must be a JSON object');
  return parsed as Params;
}

/** The symbol a request names (query or body), for fault matching. */
function instrumentOf(query: Params, body: Params): string | undefined {
  const symbol = query.symbol ?? body.symbol;
  return typeof symbol === 'string' ? symbol : undefined;
}

export async function startFakeBybit(opts: FakeBybitOptions = {}): Promise<FakeBybit> {
  const state = new BybitState(
    opts.accounts ?? DEFAULT_ACCOUNTS,
    { ...DEFAULT_PRICES, ...opts.prices },
    opts.clockSkewMs ?? 0,
  );
  const faults = new FaultQueue<FakeBybitFault>();
  const errorReply = (e: BybitError): Reply => ({ status: e.status, body: e.body(state.now()) });

  const crash = (e: unknown): Reply => {
    if (e instanceof BybitError) return errorReply(e);
    return {
      status: 500,
      body: {
        retCode: 10016,
        retMsg: `fake-bybit internal error: ${e instanceof Error ? e.message : String(e)}`,
        result: {},
        retExtInfo: {},
        time: state.now(),
      },
    };
  };

  /** A fault that answers without the request being processed, or undefined. */
  const refusal = (fault: FakeBybitFault): Reply | undefined => {
    switch (fault.kind) {
      case 'reject-5xx':
        return errorReply(errors.internal(503));
      case 'rate-limit':
        // docs "Rate Limit": retCode 10006 with the limit headers; the window resets within a second
        return {
          ...errorReply(errors.tooMany()),
          headers: {
            'X-Bapi-Limit': '10',
            'X-Bapi-Limit-Status': '0',
            'X-Bapi-Limit-Reset-Timestamp': String(state.now() + 1000),
          },
        };
      case 'error':
        return {
          status: fault.status ?? 200,
          body: new BybitError(fault.retCode, fault.retMsg ?? `Scripted error ${fault.retCode}.`).body(state.now()),
        };
      case 'timeout':
        return fault.accept ? undefined : { ...errorReply(errors.internal(504)), delayMs: fault.delayMs };
      default:
        return undefined;
    }
  };

  const answer = async (req: RawRequest): Promise<Reply> => {
    const query: Params = Object.fromEntries(req.url.searchParams);
    let body: Params = {};
    try {
      body = parseBody(req.body);
    } catch (e) {
      return crash(e);
    }
    const fault = faults.take(req.method, req.url.pathname, instrumentOf(query, body));
    const refused = fault && refusal(fault);
    if (refused) return refused;
    let reply: Reply;
    try {
      const route = ROUTES[`${req.method} ${req.url.pathname}`];
      if (!route) throw new BybitError(10001, `fake-bybit has no route ${req.method} ${req.url.pathname}`, 404);
      const account = route.signed ? authenticate(state, req) : undefined;
      const fraction = fault?.kind === 'partial-fill' ? fault.fraction : undefined;
      reply = {
        status: 200,
        body: route.handle({
          state,
          query,
          body,
          ...(account ? { account } : {}),
          ...(fraction !== undefined ? { fraction } : {}),
        }),
      };
    } catch (e) {
      reply = crash(e);
    }
    // The request was processed either way; only the answer is lost or replaced.
    if (fault?.kind === 'accept-then-5xx') return errorReply(errors.internal(500));
    if (fault?.kind === 'timeout') return { ...reply, delayMs: fault.delayMs };
    return reply;
  };

  const http = await startJsonServer(answer, crash, opts.port ?? 0);
  // The client sends the heartbeat on Bybit (op ping, answered in streams.ts): no server ping frames.
  const hub = attachStreams(http.server, new BybitStreams(state), opts.streams);
  const owned = <T extends { apiKey: string }>(rows: T[], apiKey?: string): T[] =>
    structuredClone(rows.filter((r) => apiKey === undefined || r.apiKey === apiKey));

  return {
    url: http.url,
    wsUrl: http.url.replace(/^http/, 'ws'),
    streams: hub.controls,
    close: () => {
      hub.close();
      return http.close();
    },
    requests: () => http.requests(),
    setPrice(symbol, price) {
      const px = new Big(price);
      if (px.lte(0)) throw new Error(`fake-bybit: price must be positive, got ${price}`);
      state.prices.set(state.instrument(symbol).symbol, px);
      onPriceMove(state, symbol);
      hub.priceMoved(state.instrument(symbol).symbol);
    },
    price: (symbol) => state.price(symbol).toString(),
    fault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    orders: (apiKey) => owned(state.orders, apiKey),
    executions: (apiKey) => owned(state.executions, apiKey),
    position(apiKey, symbol) {
      const account = state.accountOrThrow(apiKey);
      const p = state.position(account, state.instrument(symbol).symbol);
      return { size: p.size.toString(), avgPrice: p.avgPrice.toString(), leverage: state.leverage(account, symbol) };
    },
    walletBalance: (apiKey) => state.accountOrThrow(apiKey).wallet.toString(),
    chargeFunding(symbol, rate) {
      const inst = state.instrument(symbol);
      const mark = state.price(inst.symbol);
      const charged: FakeBybitExecution[] = [];
      for (const account of state.accounts.values()) {
        const p = account.positions.get(inst.symbol);
        if (!p || p.size.eq(0)) continue;
        const value = p.size.abs().times(mark);
        // execFee is a fee: a long pays a positive rate (positive), a short receives it (negative)
        const fee = value.times(rate).times(p.size.gt(0) ? 1 : -1);
        account.wallet = account.wallet.minus(fee);
        p.cumRealisedPnl = p.cumRealisedPnl.minus(fee);
        p.curRealisedPnl = p.curRealisedPnl.minus(fee);
        const row: FakeBybitExecution = {
          apiKey: account.seed.apiKey,
          execId: state.nextId(),
          execType: 'Funding',
          orderId: state.nextId(),
          orderLinkId: '',
          symbol: inst.symbol,
          side: p.size.gt(0) ? 'Buy' : 'Sell',
          orderType: 'UNKNOWN',
          stopOrderType: 'UNKNOWN',
          execQty: p.size.abs().toString(),
          execPrice: mark.toString(),
          execValue: value.toString(),
          execFee: fee.toString(),
          feeRate: new Big(rate).toString(),
          isMaker: false,
          orderQty: '0',
          orderPrice: '0',
          leavesQty: '0',
          closedSize: '0',
          markPrice: mark.toString(),
          execTime: state.now(),
        };
        state.executions.push(row);
        charged.push(structuredClone(row));
      }
      recordSettlement(state, inst.symbol, state.now(), rate);
      return charged;
    },
    setFunding: (symbol, funding) => setFunding(state, symbol, funding),
    setVolatility: (base, value, period) => setVolatility(state, base, value, period),
    setHedged(apiKey, hedged) {
      state.accountOrThrow(apiKey).hedged = hedged;
    },
  };
}
