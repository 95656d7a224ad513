// startFakeUpbit: the fake Upbit (KRW spot) on a random local port. A request is matched against the
// scripted faults first, then (signed routes) authenticated, then answered by its route.
import { Big } from '../../../shared/core/domain/money';
import { FaultQueue, type RawRequest, type Reply, startJsonServer } from '../fake-exchange';
import { authenticate } from './auth';
import { errors, UpbitError } from './errors';
import { onPriceMove } from './matching';
import type { Params } from './orders';
import { ROUTES } from './routes';
import { DEFAULT_PRICES, UpbitState } from './state';
import type { FakeUpbit, FakeUpbitAccountSeed, FakeUpbitFault, FakeUpbitOptions } from './types';

export const DEFAULT_ACCOUNTS: readonly FakeUpbitAccountSeed[] = [
  { apiKey: 'local-key', secret: 'local-secret', krw: 10_000_000 },
];

const errorReply = (e: UpbitError): Reply => ({ status: e.status, body: e.body() });

/**
 * A 5xx as a gateway in front of the exchange answers it: a status and a plain message, no Upbit
 * error envelope (Upbit documents no 5xx body). ccxt then reads the HTTP status (ExchangeNotAvailable).
 * A 5xx carrying Upbit's envelope can be scripted with the `error` fault.
 */
const gateway = (status: number, text: string): Reply => ({ status, body: text });

function crash(e: unknown): Reply {
  if (e instanceof UpbitError) return errorReply(e);
  return {
    status: 500,
    body: {
      error: {
        name: 'server_error',
        message: `fake-upbit internal error: ${e instanceof Error ? e.message : String(e)}`,
      },
    },
  };
}

function parseBody(raw: string): Params | undefined {
  if (raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch {
    throw errors.invalid('body (JSON)');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw errors.invalid('body (JSON object)');
  return value as Params;
}

/** A fault that answers without the request being processed, or undefined. */
function refusal(fault: FakeUpbitFault): Reply | undefined {
  switch (fault.kind) {
    case 'reject-5xx':
      return gateway(503, 'Service Unavailable');
    case 'rate-limit':
      return { ...errorReply(errors.tooMany()), headers: { 'Remaining-Req': 'group=order; min=0; sec=0' } };
    case 'error':
      return {
        status: fault.status ?? 400,
        body: { error: { name: fault.name, message: fault.message ?? `Scripted error ${fault.name}.` } },
      };
    case 'timeout':
      return fault.accept ? undefined : { ...gateway(504, 'Gateway Timeout'), delayMs: fault.delayMs };
    default:
      return undefined;
  }
}

export async function startFakeUpbit(opts: FakeUpbitOptions = {}): Promise<FakeUpbit> {
  const state = new UpbitState(opts.accounts ?? DEFAULT_ACCOUNTS, { ...DEFAULT_PRICES, ...opts.prices });
  const faults = new FaultQueue<FakeUpbitFault>();

  const answer = async (req: RawRequest): Promise<Reply> => {
    const body = req.method === 'POST' ? parseBody(req.body) : undefined;
    const params: Params = body ?? Object.fromEntries(req.url.searchParams);
    const market = typeof params.market === 'string' ? params.market : undefined;
    const fault = faults.take(req.method, req.url.pathname, market);
    const refused = fault && refusal(fault);
    if (refused) return refused;
    let reply: Reply;
    try {
      const route = ROUTES[`${req.method} ${req.url.pathname}`];
      if (!route) throw new UpbitError('not_found', `fake-upbit has no route ${req.method} ${req.url.pathname}`, 404);
      const account = route.signed ? authenticate(state, req, body) : undefined;
      const fraction = fault?.kind === 'partial-fill' ? fault.fraction : undefined;
      reply = {
        status: 201,
        body: route.handle({
          state,
          params,
          ...(account ? { account } : {}),
          ...(fraction !== undefined ? { fraction } : {}),
        }),
      };
      // Upbit answers a new order 201 Created, everything else 200
      if (!(req.method === 'POST' && req.url.pathname === '/v1/orders')) reply.status = 200;
    } catch (e) {
      reply = crash(e);
    }
    // The request was processed either way; only the answer is lost or replaced.
    if (fault?.kind === 'accept-then-5xx') return gateway(502, 'Bad Gateway');
    if (fault?.kind === 'timeout') return { ...reply, delayMs: fault.delayMs };
    return reply;
  };

  const http = await startJsonServer(answer, crash, opts.port ?? 0);

  return {
    url: http.url,
    close: () => http.close(),
    requests: () => http.requests(),
    setPrice(market, price) {
      const px = new Big(price);
      if (px.lte(0)) throw new Error(`fake-upbit: price must be positive, got ${price}`);
      state.prices.set(state.market(market), px);
      onPriceMove(state, market);
    },
    price: (market) => state.price(market).toString(),
    fault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    orders: (apiKey) => structuredClone(state.orders.filter((o) => apiKey === undefined || o.apiKey === apiKey)),
    balance: (apiKey, currency) => state.view(apiKey, currency),
  };
}
