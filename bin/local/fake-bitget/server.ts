// startFakeBitget: the fake Bitget v2 USDT-M futures on a random local port. A request is matched
// against the scripted faults first, then (signed routes) authenticated, then answered by its route.
import { Big } from '../../../shared/core/domain/money';
import { FaultQueue, type RawRequest, type Reply, startJsonServer } from '../fake-exchange';
import { authenticate } from './auth';
import { BitgetError, errors } from './errors';
import { fillMarket, onPriceMove } from './matching';
import type { Params } from './orders';
import { ROUTES } from './routes';
import { BitgetState, DEFAULT_PRICES } from './state';
import type {
  FakeBitget,
  FakeBitgetAccountSeed,
  FakeBitgetBill,
  FakeBitgetFault,
  FakeBitgetOptions,
  FakeBitgetOrder,
} from './types';

export const DEFAULT_ACCOUNTS: readonly FakeBitgetAccountSeed[] = [
  { apiKey: 'local-key', secret: 'local-secret', passphrase: 'local-passphrase', usdt: 10_000 },
];

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw errors.invalid('body (invalid JSON)');
  }
}

/** The symbol a request names (query or body), upper-cased, for fault matching. */
function symbolOf(query: Params, body: unknown): string | undefined {
  const fromBody = body && typeof body === 'object' ? (body as Params).symbol : undefined;
  const symbol = query.symbol ?? fromBody;
  return typeof symbol === 'string' ? symbol.toUpperCase() : undefined;
}

export async function startFakeBitget(opts: FakeBitgetOptions = {}): Promise<FakeBitget> {
  const state = new BitgetState(
    opts.accounts ?? DEFAULT_ACCOUNTS,
    { ...DEFAULT_PRICES, ...opts.prices },
    opts.clockSkewMs ?? 0,
  );
  const faults = new FaultQueue<FakeBitgetFault>();
  const errorReply = (e: BitgetError): Reply => ({ status: e.status, body: e.body(state.now()) });
  const crash = (e: unknown): Reply => {
    if (e instanceof BitgetError) return errorReply(e);
    return {
      status: 500,
      body: {
        code: '500',
        msg: `fake-bitget internal error: ${e instanceof Error ? e.message : String(e)}`,
        requestTime: state.now(),
        data: null,
      },
    };
  };

  /** A fault that answers without the request being processed, or undefined. */
  const refusal = (fault: FakeBitgetFault): Reply | undefined => {
    switch (fault.kind) {
      case 'reject-5xx':
        return errorReply(errors.unavailable());
      case 'rate-limit':
        return errorReply(errors.tooMany());
      case 'error':
        return {
          status: fault.status ?? 400,
          body: {
            code: fault.code,
            msg: fault.msg ?? `Scripted error ${fault.code}`,
            requestTime: state.now(),
            data: null,
          },
        };
      case 'timeout':
        return fault.accept ? undefined : { ...errorReply(errors.unavailable()), delayMs: fault.delayMs };
      default:
        return undefined;
    }
  };

  const answer = async (req: RawRequest): Promise<Reply> => {
    const query: Params = Object.fromEntries(req.url.searchParams);
    const body = parseBody(req.body);
    const fault = faults.take(req.method, req.url.pathname, symbolOf(query, body));
    const refused = fault && refusal(fault);
    if (refused) return refused;
    let reply: Reply;
    try {
      const route = ROUTES[`${req.method} ${req.url.pathname}`];
      if (!route) throw new BitgetError('40404', `fake-bitget has no route ${req.method} ${req.url.pathname}`, 404);
      const account = route.signed ? authenticate(state, req) : undefined;
      const fraction = fault?.kind === 'partial-fill' ? fault.fraction : undefined;
      const data = route.handle({
        state,
        query,
        body,
        ...(account ? { account } : {}),
        ...(fraction !== undefined ? { fraction } : {}),
      });
      reply = { status: 200, body: { code: '00000', msg: 'success', requestTime: state.now(), data } };
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
    setPrice(symbol, price) {
      const px = new Big(price);
      if (px.lte(0)) throw new Error(`fake-bitget: price must be positive, got ${price}`);
      const { symbol: id } = state.contract(symbol);
      state.prices.set(id, px);
      onPriceMove(state, id);
    },
    price: (symbol) => state.price(state.contract(symbol).symbol).toString(),
    fault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    orders: (apiKey) => owned(state.orders, apiKey),
    planOrders: (apiKey) => owned(state.plans, apiKey),
    fills: (apiKey) => owned(state.fills, apiKey),
    bills: (apiKey) => owned(state.bills, apiKey),
    position(apiKey, symbol) {
      const account = state.accountOrThrow(apiKey);
      const { symbol: id } = state.contract(symbol);
      const p = state.position(account, id);
      return {
        total: p.total.toString(),
        openPriceAvg: p.openPriceAvg.toString(),
        leverage: state.leverage(account, id),
        marginMode: state.marginMode(account, id),
      };
    },
    balance: (apiKey) => state.accountOrThrow(apiKey).cash.toString(),
    chargeFunding(symbol, rate) {
      const { symbol: id } = state.contract(symbol);
      const charged: FakeBitgetBill[] = [];
      for (const account of state.accounts.values()) {
        const p = account.positions.get(id);
        if (!p || p.total.eq(0)) continue;
        // a long pays a positive rate, a short receives it
        const payment = p.total.times(state.price(id)).times(rate).neg();
        account.cash = account.cash.plus(payment);
        const bill: FakeBitgetBill = {
          apiKey: account.seed.apiKey,
          billId: state.nextId(),
          symbol: id,
          businessType: 'contract_settle_fee',
          amount: payment.toString(),
          fee: '0',
          balance: account.cash.toString(),
          cTime: state.now(),
        };
        state.bills.push(bill);
        charged.push(structuredClone(bill));
      }
      return charged;
    },
    tradeByHand(apiKey, symbol, side, size, reduceOnly = true) {
      const account = state.accountOrThrow(apiKey);
      const contract = state.contract(symbol);
      const now = state.now();
      const order: FakeBitgetOrder = {
        apiKey,
        orderId: state.nextId(),
        clientOid: state.nextId(),
        symbol: contract.symbol,
        side,
        orderType: 'market',
        force: 'gtc',
        marginMode: state.marginMode(account, contract.symbol),
        size,
        price: '',
        baseVolume: '0',
        priceAvg: '',
        fee: '0',
        totalProfits: '0',
        state: 'live',
        reduceOnly,
        orderSource: 'normal',
        cTime: now,
        uTime: now,
      };
      state.orders.push(order);
      fillMarket(state, account, order);
      return structuredClone(order);
    },
  };
}
