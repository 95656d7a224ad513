// The routes the live adapter reaches (ccxt okx, shared/adapters/exchange/dialects/okx.ts), by
// "METHOD path". Each answers OKX's envelope {code, msg, data}; order routes answer per row
// (sCode/sMsg) with code "1" when every row failed, "2" when some did (Place multiple orders).
import { Big } from '../../../shared/core/domain/money';
import { errors, OkxError } from './errors';
import { INSTRUMENTS } from './instruments';
import { cancelAlgo, cancelOrder, param, type Params, placeAlgo, placeOrder } from './orders';
import type { Account, OkxState } from './state';
import { algoRow, balanceRow, billRow, bookRow, configRow, fillRow, orderRow, positionRow, tickerRow } from './views';

export interface RouteContext {
  state: OkxState;
  query: Params;
  /** The parsed JSON body of a POST (an object or, for batch routes, an array). */
  body: unknown;
  /** The authenticated account; present on signed routes only. */
  account?: Account;
  fraction?: number;
}

type SignedContext = RouteContext & { account: Account };

interface Route {
  signed: boolean;
  handle(ctx: RouteContext): unknown;
}

const ok = (data: unknown[]): unknown => ({ code: '0', msg: '', data });
const INST_TYPES = ['SPOT', 'MARGIN', 'SWAP', 'FUTURES', 'OPTION'];

const publicRoute = (handle: (ctx: RouteContext) => unknown): Route => ({ signed: false, handle });
const signed = (handle: (ctx: SignedContext) => unknown): Route => ({
  signed: true,
  handle: (ctx) => {
    if (!ctx.account) throw errors.badKey();
    return handle({ ...ctx, account: ctx.account });
  },
});

function objectBody(body: unknown): Params {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new OkxError('50000', 'Body can not be empty.');
  return body as Params;
}

function rowsBody(body: unknown): Params[] {
  const rows = Array.isArray(body) ? body : [objectBody(body)];
  if (rows.length === 0 || rows.length > 20) throw new OkxError('51000', 'Parameter request error');
  return rows.map(objectBody);
}

/** Runs each row; a row's refusal (any OkxError) is answered in that row (sCode/sMsg). */
function perRow<T>(
  rows: Params[],
  run: (row: Params) => T,
  success: (out: T) => Record<string, unknown>,
  failure: (row: Params) => Record<string, unknown>,
): unknown {
  const out = rows.map((row) => {
    try {
      return { sCode: '0', sMsg: '', ...success(run(row)) };
    } catch (e) {
      if (!(e instanceof OkxError)) throw e;
      return { ...failure(row), sCode: e.code, sMsg: e.msg };
    }
  });
  const failed = out.filter((r) => r.sCode !== '0').length;
  const code = failed === 0 ? '0' : failed === out.length ? '1' : '2';
  return { code, msg: failed === 0 ? '' : 'All operations failed', data: out };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function placeRows({ state, account, body, fraction }: SignedContext): unknown {
  const rows = rowsBody(body);
  return perRow(
    rows,
    (row) => placeOrder(state, account, row, fraction),
    (o) => ({ clOrdId: o.clOrdId, ordId: o.ordId, sMsg: 'Order placed', tag: '', ts: String(o.cTime) }),
    (row) => ({ clOrdId: str(row.clOrdId), ordId: '', tag: '', ts: String(state.now()) }),
  );
}

function sinceUntil(query: Params): (ts: number) => boolean {
  const begin = param(query, 'begin');
  const end = param(query, 'end');
  return (ts) => (begin === undefined || ts >= Number(begin)) && (end === undefined || ts <= Number(end));
}

function limitOf(query: Params): number {
  const limit = param(query, 'limit');
  if (limit === undefined) return 100;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw errors.invalid('limit');
  return n;
}

export const ROUTES: Record<string, Route> = {
  'GET /api/v5/public/time': publicRoute(({ state }) => ok([{ ts: String(state.now()) }])),
  'GET /api/v5/public/instruments': publicRoute(({ query }) => {
    const instType = param(query, 'instType');
    if (instType === undefined || !INST_TYPES.includes(instType)) throw errors.invalid('instType');
    // the fake lists USDT swaps only: other instrument types are answered empty
    if (instType !== 'SWAP') return ok([]);
    const instId = param(query, 'instId');
    return ok(INSTRUMENTS.filter((i) => instId === undefined || i.instId === instId));
  }),
  'GET /api/v5/market/books': publicRoute(({ state, query }) =>
    ok([bookRow(state, state.instrument(param(query, 'instId')).instId, Number(param(query, 'sz') ?? 1))]),
  ),
  'GET /api/v5/market/ticker': publicRoute(({ state, query }) =>
    ok([tickerRow(state, state.instrument(param(query, 'instId')).instId)]),
  ),

  'GET /api/v5/account/config': signed(({ account }) => ok([configRow(account)])),
  'POST /api/v5/account/set-position-mode': signed(({ account, body }) => {
    const posMode = objectBody(body).posMode;
    if (posMode !== 'net_mode' && posMode !== 'long_short_mode') throw errors.invalid('posMode');
    account.posMode = posMode;
    return ok([{ posMode }]);
  }),
  'POST /api/v5/account/set-leverage': signed(({ state, account, body }) => {
    const params = objectBody(body);
    const inst = state.instrument(param(params, 'instId'));
    const mgnMode = param(params, 'mgnMode');
    if (mgnMode !== 'cross' && mgnMode !== 'isolated') throw errors.invalid('mgnMode');
    const lever = param(params, 'lever');
    if (lever === undefined || !/^\d+(\.\d+)?$/.test(lever) || new Big(lever).lt(1) || new Big(lever).gt(inst.lever))
      throw errors.invalid('lever');
    account.leverage.set(`${inst.instId}:${mgnMode}`, lever);
    return ok([{ lever, mgnMode, instId: inst.instId, posSide: 'net' }]);
  }),
  'GET /api/v5/account/leverage-info': signed(({ state, account, query }) => {
    const mgnMode = param(query, 'mgnMode');
    if (mgnMode !== 'cross' && mgnMode !== 'isolated') throw errors.invalid('mgnMode');
    const instIds = (param(query, 'instId') ?? '').split(',');
    return ok(
      instIds.map((id) => ({
        instId: state.instrument(id).instId,
        mgnMode,
        posSide: 'net',
        lever: state.lever(account, id, mgnMode),
      })),
    );
  }),
  'GET /api/v5/account/balance': signed(({ state, account }) => ok([balanceRow(state, account)])),
  'GET /api/v5/account/positions': signed(({ state, account, query }) => {
    const ids = param(query, 'instId')?.split(',') ?? [...account.positions.keys()];
    return ok(ids.map((id) => positionRow(state, account, state.instrument(id).instId)).filter((r) => r !== undefined));
  }),
  'GET /api/v5/account/bills-archive': signed(({ state, account, query }) => bills(state, account, query)),
  'GET /api/v5/account/bills': signed(({ state, account, query }) => bills(state, account, query)),

  'POST /api/v5/trade/order': signed(placeRows),
  'POST /api/v5/trade/batch-orders': signed(placeRows),
  'GET /api/v5/trade/order': signed(({ state, account, query }) => {
    const inst = state.instrument(param(query, 'instId'));
    const ordId = param(query, 'ordId');
    const clOrdId = param(query, 'clOrdId');
    if (ordId === undefined && clOrdId === undefined) throw errors.empty('ordId or clOrdId');
    // "If the clOrdId is associated with multiple orders, only the latest one will be returned."
    const order = state.orders
      .filter(
        (o) =>
          o.apiKey === account.seed.apiKey &&
          o.instId === inst.instId &&
          (ordId !== undefined ? o.ordId === ordId : o.clOrdId === clOrdId),
      )
      .at(-1);
    if (!order) throw errors.orderAbsent();
    return ok([orderRow(state, order)]);
  }),
  'POST /api/v5/trade/cancel-order': signed(({ state, account, body }) => {
    const params = objectBody(body);
    return perRow(
      [params],
      (row) => cancelOrder(state, account, row),
      (o) => ({ clOrdId: o.clOrdId, ordId: o.ordId, ts: String(state.now()) }),
      (row) => ({ clOrdId: str(row.clOrdId), ordId: str(row.ordId), ts: String(state.now()) }),
    );
  }),
  'GET /api/v5/trade/orders-pending': signed(({ state, account, query }) => {
    const instId = param(query, 'instId');
    return ok(
      state
        .pending(account.seed.apiKey, instId)
        .reverse()
        .map((o) => orderRow(state, o)),
    );
  }),

  'POST /api/v5/trade/order-algo': signed(({ state, account, body }) =>
    perRow(
      [objectBody(body)],
      (row) => placeAlgo(state, account, row),
      (a) => ({ algoClOrdId: a.algoClOrdId, algoId: a.algoId, clOrdId: a.clOrdId, sMsg: '', tag: '' }),
      (row) => ({ algoClOrdId: str(row.algoClOrdId), algoId: '', clOrdId: str(row.clOrdId), tag: '' }),
    ),
  ),
  'GET /api/v5/trade/order-algo': signed(({ state, account, query }) => {
    const algoId = param(query, 'algoId');
    const algoClOrdId = param(query, 'algoClOrdId');
    if (algoId === undefined && algoClOrdId === undefined) throw errors.empty('algoId or algoClOrdId');
    const algo = state.algos
      .filter(
        (a) =>
          a.apiKey === account.seed.apiKey &&
          (algoId !== undefined ? a.algoId === algoId : a.algoClOrdId === algoClOrdId),
      )
      .at(-1);
    // OKX documents no answer for an unknown id; the fake answers as "Get order details" does (51603)
    if (!algo) throw errors.orderAbsent();
    return ok([algoRow(state, algo)]);
  }),
  'POST /api/v5/trade/cancel-algos': signed(({ state, account, body }) =>
    perRow(
      rowsBody(body),
      (row) => cancelAlgo(state, account, row),
      (a) => ({ algoClOrdId: a.algoClOrdId, algoId: a.algoId, clOrdId: '', sMsg: '', tag: '' }),
      (row) => ({ algoClOrdId: str(row.algoClOrdId), algoId: str(row.algoId), clOrdId: '', tag: '' }),
    ),
  ),
  'GET /api/v5/trade/orders-algo-pending': signed(({ state, account, query }) => {
    const ordType = param(query, 'ordType');
    if (ordType === undefined) throw errors.empty('ordType');
    const types = ordType.split(',');
    // "unlike other ordType which only can use one type, conditional and oco both can be used"
    if (types.length > 1 && !types.every((t) => t === 'conditional' || t === 'oco')) throw errors.invalid('ordType');
    const instId = param(query, 'instId');
    return ok(
      state.algos
        .filter(
          (a) =>
            a.apiKey === account.seed.apiKey &&
            a.state === 'live' &&
            types.includes(a.ordType) &&
            (instId === undefined || a.instId === instId),
        )
        .reverse()
        .map((a) => algoRow(state, a)),
    );
  }),
  'GET /api/v5/trade/fills-history': signed(({ state, account, query }) => fills(state, account, query)),
  'GET /api/v5/trade/fills': signed(({ state, account, query }) => fills(state, account, query)),
};

/** Newest first, as OKX pages its histories. */
function fills(state: OkxState, account: Account, query: Params): unknown {
  const instType = param(query, 'instType');
  if (instType !== undefined && instType !== 'SWAP') return ok([]);
  const instId = param(query, 'instId');
  const ordId = param(query, 'ordId');
  const inRange = sinceUntil(query);
  const rows = state.fills.filter(
    (f) =>
      f.apiKey === account.seed.apiKey &&
      (instId === undefined || f.instId === instId) &&
      (ordId === undefined || f.ordId === ordId) &&
      inRange(f.ts),
  );
  return ok(
    rows
      .reverse()
      .slice(0, limitOf(query))
      .map((f) => fillRow(state, f)),
  );
}

function bills(state: OkxState, account: Account, query: Params): unknown {
  const instId = param(query, 'instId');
  const type = param(query, 'type');
  const ccy = param(query, 'ccy');
  if (ccy !== undefined && ccy !== 'USDT') return ok([]);
  const inRange = sinceUntil(query);
  const rows = state.bills.filter(
    (b) =>
      b.apiKey === account.seed.apiKey &&
      (instId === undefined || b.instId === instId) &&
      (type === undefined || b.type === type) &&
      inRange(b.ts),
  );
  return ok(rows.reverse().slice(0, limitOf(query)).map(billRow));
}
