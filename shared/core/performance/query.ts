// The console API's query parameters, read once and checked: an unknown parameter, a limit out of
// range or a time that is not a time fails naming the parameter and the bound (QueryError → 400).
// Cursors are opaque to the caller: the sort key of the last item served, base64url-encoded.
import { InvalidArgumentError } from '../errors';
import { normalizeSymbol } from '../signal/symbols';

/** A bad query parameter: `field` names it, the message states the bound. */
export class QueryError extends InvalidArgumentError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message, 'INVALID_QUERY');
    this.name = 'QueryError';
  }
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;

export interface ReadQuery {
  accountId?: string;
  /** ccxt unified form */
  symbol?: string;
  strategy?: string;
  from?: number;
  to?: number;
  limit: number;
  /** the decoded sort key after which the page starts */
  after?: string;
  period?: 'day' | 'week' | 'month';
  status?: string;
  type?: string;
  timeframe?: string;
}

export type QueryName =
  'account' | 'symbol' | 'strategy' | 'from' | 'to' | 'limit' | 'cursor' | 'period' | 'status' | 'type' | 'timeframe';

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d'];

function time(field: string, raw: string): number {
  const text = raw.trim();
  const ms = /^\d{1,15}$/.test(text) ? Number(text) : /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) throw new QueryError(field, `${field} must be epoch ms or an ISO-8601 time`);
  return ms;
}

function id(field: string, raw: string): string {
  if (!ID.test(raw)) throw new QueryError(field, `${field} must be 1..64 letters, digits or _.:-`);
  return raw;
}

/**
 * Reads `params` for a route that accepts `allowed`. Every value is checked before anything is
 * read from a table, so a bad query costs nothing and says exactly what to mend.
 */
export function parseQuery(
  params: Readonly<Record<string, string | undefined>>,
  allowed: readonly QueryName[],
): ReadQuery {
  const unknown = Object.keys(params).filter((k) => !(allowed as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new QueryError(
      unknown[0]!,
      `unknown parameter ${unknown.join(', ')} (accepted: ${allowed.join(', ') || 'none'})`,
    );
  const q: ReadQuery = { limit: DEFAULT_LIMIT };
  const p = (name: QueryName): string | undefined => {
    const v = params[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const account = p('account');
  if (account !== undefined) q.accountId = id('account', account);
  const symbol = p('symbol');
  if (symbol !== undefined) {
    try {
      q.symbol = normalizeSymbol(symbol).unified;
    } catch {
      throw new QueryError('symbol', 'symbol must be a perpetual like BTC/USDT:USDT or BTCUSDT');
    }
  }
  const strategy = p('strategy');
  if (strategy !== undefined) q.strategy = id('strategy', strategy);
  const from = p('from');
  if (from !== undefined) q.from = time('from', from);
  const to = p('to');
  if (to !== undefined) q.to = time('to', to);
  if (q.from !== undefined && q.to !== undefined && q.from > q.to)
    throw new QueryError('from', 'from must be at or before to');
  const limit = p('limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!/^\d{1,4}$/.test(limit) || n < 1 || n > MAX_LIMIT)
      throw new QueryError('limit', `limit must be an integer 1..${MAX_LIMIT}`);
    q.limit = n;
  }
  const cursor = p('cursor');
  if (cursor !== undefined) q.after = decodeCursor(cursor);
  const period = p('period');
  if (period !== undefined) {
    if (period !== 'day' && period !== 'week' && period !== 'month')
      throw new QueryError('period', 'period must be day, week or month');
    q.period = period;
  }
  const status = p('status');
  if (status !== undefined) q.status = id('status', status);
  const type = p('type');
  if (type !== undefined) q.type = id('type', type);
  const timeframe = p('timeframe');
  if (timeframe !== undefined) {
    if (!TIMEFRAMES.includes(timeframe))
      throw new QueryError('timeframe', `timeframe must be one of ${TIMEFRAMES.join(', ')}`);
    q.timeframe = timeframe;
  }
  return q;
}

export const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const key = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!key || !/^\d{13}#/.test(key)) throw new QueryError('cursor', 'cursor must be a nextCursor this API returned');
  return key;
}

/** Newest-first sort key: the time (13 digits) then an id that breaks ties. */
export const sortKey = (at: number, ...ids: string[]): string =>
  `${String(Math.max(0, Math.floor(at))).padStart(13, '0')}#${ids.join('#')}`;

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * One page of `items` newest first by `key`, starting after the cursor's key: a key, not an
 * offset, so a trade booked between two pages neither repeats an item nor skips one.
 */
export function paginate<T>(
  items: readonly T[],
  key: (item: T) => string,
  query: Pick<ReadQuery, 'limit' | 'after'>,
): Page<T> {
  const keyed = items.map((item) => ({ item, k: key(item) })).sort((a, b) => (a.k < b.k ? 1 : a.k > b.k ? -1 : 0));
  const start = query.after === undefined ? keyed : keyed.filter((x) => x.k < query.after!);
  const page = start.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((x) => x.item),
    ...(start.length > query.limit && last ? { nextCursor: encodeCursor(last.k) } : {}),
  };
}
