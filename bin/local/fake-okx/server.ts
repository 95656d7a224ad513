// startFakeOkx: the fake OKX v5 on a random local port. A request is matched against the scripted
// faults first, then (signed routes) authenticated, then answered by its route.
import { Big } from '../../../shared/core/domain/money';
import { FaultQueue, type RawRequest, type Reply, startJsonServer } from '../fake-exchange';
import { authenticate } from './auth';
import { errors, OkxError } from './errors';
import { onPriceMove } from './matching';
import type { Params } from './orders';
import { ROUTES } from './routes';
import { DEFAULT_PRICES, OkxState } from './state';
import type { FakeOkx, FakeOkxAccountSeed, FakeOkxFault, FakeOkxOptions } from './types';

export const DEFAULT_ACCOUNTS: readonly FakeOkxAccountSeed[] = [
  { apiKey: 'local-key', secret: 'local-secret', passphrase: 'local-passphrase', usdt: 10_000 },
];

const errorReply = (e: OkxError): Reply => ({ status: e.status, body: e.body() });

function crash(e: unknown): Reply {
  if (e instanceof OkxError) return errorReply(e);
  return {
    status: 500,
    body: { code: '50026', msg: `fake-okx internal error: ${e instanceof Error ? e.message : String(e)}`, data: [] },
  };
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new OkxError('50002', 'Invalid JSON.');
  }
}

/** The instrument a request names (query, body, or the first row of a batch), for fault matching. */
function instrumentOf(query: Params, body: unknown): string | undefined {
  const row: unknown = Array.isArray(body) ? body[0] : body;
  const fromBody = row && typeof row === 'object' ? (row as Params).instId : undefined;
  const id = query.instId ?? fromBody;
  return typeof id === 'string' ? id : undefined;
}

/** A fault that answers without the request being processed, or undefined. */
function refusal(fault: FakeOkxFault): Reply | undefined {
  switch (fault.kind) {
    case 'reject-5xx':
      return errorReply(errors.unavailable());
    case 'rate-limit':
      return errorReply(errors.tooMany());
    case 'error':
      return {
        status: fault.status ?? 200,
        body: { code: fault.code, msg: fault.msg ?? `Scripted error ${fault.code}.`, data: [] },
      };
    case 'timeout':
      return fault.accept
        ? undefined
        : { status: 504, delayMs: fault.delayMs, body: { code: '50004', msg: 'Endpoint request timeout.', data: [] } };
    default:
      return undefined;
  }
}

export async function startFakeOkx(opts: FakeOkxOptions = {}): Promise<FakeOkx> {
  const state = new OkxState(
    opts.accounts ?? DEFAULT_ACCOUNTS,
    { ...DEFAULT_PRICES, ...opts.prices },
    opts.clockSkewMs ?? 0,
  );
  const faults = new FaultQueue<FakeOkxFault>();

  const answer = async (req: RawRequest): Promise<Reply> => {
    const query: Params = Object.fromEntries(req.url.searchParams);
    const body = parseBody(req.body);
    const fault = faults.take(req.method, req.url.pathname, instrumentOf(query, body));
    const refused = fault && refusal(fault);
    if (refused) return refused;
    let reply: Reply;
    try {
      const route = ROUTES[`${req.method} ${req.url.pathname}`];
      if (!route) throw new OkxError('50030', `fake-okx has no route ${req.method} ${req.url.pathname}`, 404);
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
    if (fault?.kind === 'accept-then-5xx') return errorReply(errors.systemError());
    if (fault?.kind === 'timeout') return { ...reply, delayMs: fault.delayMs };
    return reply;
  };

  const http = await startJsonServer(answer, crash, opts.port ?? 0);
  const owned = <T extends { apiKey: string }>(rows: T[], apiKey?: string): T[] =>
    structuredClone(rows.filter((r) => apiKey === undefined || r.apiKey === apiKey));

  return {
    url: http.url,
    close: () => http.close(),
    requests: () => http.requests(),
    setPrice(instId, price) {
      const px = new Big(price);
      if (px.lte(0)) throw new Error(`fake-okx: price must be positive, got ${price}`);
      state.prices.set(state.instrument(instId).instId, px);
      onPriceMove(state, instId);
    },
    price: (instId) => state.price(instId).toString(),
    fault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    orders: (apiKey) => owned(state.orders, apiKey),
    algoOrders: (apiKey) => owned(state.algos, apiKey),
    fills: (apiKey) => owned(state.fills, apiKey),
    bills: (apiKey) => owned(state.bills, apiKey),
    position(apiKey, instId) {
      const account = state.accountOrThrow(apiKey);
      const p = state.position(account, state.instrument(instId).instId);
      return {
        pos: p.pos.toString(),
        avgPx: p.avgPx.toString(),
        lever: state.lever(account, instId, p.mgnMode),
        mgnMode: p.mgnMode,
      };
    },
    cashBalance: (apiKey) => state.accountOrThrow(apiKey).cash.toString(),
    chargeFunding(instId, rate) {
      const inst = state.instrument(instId);
      const charged = [];
      for (const account of state.accounts.values()) {
        const p = account.positions.get(inst.instId);
        if (!p || p.pos.eq(0)) continue;
        // a long pays a positive rate, a short receives it
        const payment = p.pos.times(inst.ctVal).times(state.price(inst.instId)).times(rate).neg();
        account.cash = account.cash.plus(payment);
        p.fundingFee = p.fundingFee.plus(payment);
        const bill = {
          apiKey: account.seed.apiKey,
          billId: state.nextId(),
          instId: inst.instId,
          type: '8' as const,
          // 173 funding fee expense, 174 funding fee income
          subType: payment.lt(0) ? '173' : '174',
          balChg: payment.toString(),
          bal: account.cash.toString(),
          sz: p.pos.abs().toString(),
          px: state.price(inst.instId).toString(),
          ordId: '',
          ts: state.now(),
        };
        state.bills.push(bill);
        charged.push(structuredClone(bill));
      }
      return charged;
    },
    setPosMode(apiKey, posMode) {
      state.accountOrThrow(apiKey).posMode = posMode;
    },
  };
}
