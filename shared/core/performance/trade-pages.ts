// One page of trades read from the table page by page, not the history sliced: per account a
// Query newest first below the cursor (ids begin with the opening time, so the cursor's time is a
// key bound), Limit one more than the page; the accounts' pages merged by the same sort key the
// in-memory `paginate` uses. Filters the key cannot express (symbol, strategy) read further, in
// bounded chunks; when an account's bound is reached first the page stops where that account's
// reading stopped and its cursor continues from there, so a page can be short but never skips.
import type { TradeRecord } from '../domain/trade';
import type { TradeRangeReader } from './ports';
import { encodeCursor, sortKey, type Page, type ReadQuery } from './query';
import { tradeIdFrom } from './trade-history';

/** Trades one page reads per account at most while a symbol or strategy filter finds too few. */
export const PAGE_SCAN_LIMIT = 5_000;
/** Query size while filtering in memory (a filter that matches little should not cost 50 round trips). */
const FILTER_CHUNK = 250;

const keyOf = (t: TradeRecord): string => sortKey(t.openedAt, t.accountId, t.tradeId);

/** The cursor key `<13-digit at>#<accountId>#<tradeId>` taken apart (account ids hold no `#`). */
function cursorParts(after: string): { at: number; accountId: string; tradeId: string } {
  const at = Number(after.slice(0, 13));
  const rest = after.slice(14);
  const hash = rest.indexOf('#');
  return hash < 0
    ? { at, accountId: rest, tradeId: '' }
    : { at, accountId: rest.slice(0, hash), tradeId: rest.slice(hash + 1) };
}

/**
 * The id bound below which `accountId`'s trades sort after the cursor: the cursor's own trade for
 * its account; for the others the opening time decides, the account id breaking a tie.
 */
export function beforeIdFor(accountId: string, after: string | undefined): string | undefined {
  if (after === undefined) return undefined;
  const c = cursorParts(after);
  if (accountId === c.accountId) return c.tradeId;
  return tradeIdFrom(accountId < c.accountId ? c.at + 1 : c.at);
}

interface AccountPage {
  items: TradeRecord[];
  /** set when the scan bound stopped the reading: the key of the last trade read */
  stoppedAt?: string;
}

async function accountPage(
  reader: Pick<TradeRangeReader, 'listBefore'>,
  accountId: string,
  query: Pick<ReadQuery, 'after' | 'from' | 'to' | 'limit'>,
  matches: (t: TradeRecord) => boolean,
  filtered: boolean,
  scanLimit: number,
): Promise<AccountPage> {
  const want = query.limit + 1;
  let before = beforeIdFor(accountId, query.after);
  if (query.to !== undefined) {
    const toBound = tradeIdFrom(query.to + 1);
    if (before === undefined || toBound < before) before = toBound;
  }
  const fromTradeId = query.from !== undefined ? tradeIdFrom(query.from) : undefined;
  const items: TradeRecord[] = [];
  let scanned = 0;
  let last: TradeRecord | undefined;
  for (;;) {
    const chunk = Math.min(filtered ? Math.max(want, FILTER_CHUNK) : want, scanLimit - scanned);
    if (chunk <= 0) return { items, ...(last ? { stoppedAt: keyOf(last) } : {}) };
    const page = await reader.listBefore(
      accountId,
      {
        ...(before !== undefined ? { beforeTradeId: before } : {}),
        ...(fromTradeId !== undefined ? { fromTradeId } : {}),
      },
      chunk,
    );
    scanned += page.items.length;
    for (const t of page.items) if (matches(t)) items.push(t);
    last = page.items.at(-1) ?? last;
    if (last) before = last.tradeId;
    if (!page.more || items.length >= want) return { items };
  }
}

/**
 * The page of `query` over `accounts`, newest first, `matches` applied to each trade read; the
 * same order and cursors as `paginate` over the whole history would give.
 */
export async function tradePage<T extends TradeRecord>(
  reader: Pick<TradeRangeReader, 'listBefore'>,
  accounts: readonly string[],
  query: Pick<ReadQuery, 'after' | 'from' | 'to' | 'limit' | 'symbol' | 'strategy'>,
  decorate: (t: TradeRecord) => T,
  scanLimit = PAGE_SCAN_LIMIT,
): Promise<Page<T>> {
  const filtered = query.symbol !== undefined || query.strategy !== undefined;
  const matches = (t: TradeRecord): boolean =>
    (query.symbol === undefined || t.symbol === query.symbol) &&
    (query.strategy === undefined || (t.strategy ?? 'manual') === query.strategy) &&
    (query.from === undefined || t.openedAt >= query.from) &&
    (query.to === undefined || t.openedAt <= query.to);
  const pages = await Promise.all(accounts.map((a) => accountPage(reader, a, query, matches, filtered, scanLimit)));
  // below the highest point where a bounded reading stopped, an unread trade could belong: stop there
  const floor = pages.reduce<string | undefined>(
    (f, p) => (p.stoppedAt !== undefined && (f === undefined || p.stoppedAt > f) ? p.stoppedAt : f),
    undefined,
  );
  const keyed = pages
    .flatMap((p) => p.items.map((t) => ({ t, k: keyOf(t) })))
    .filter((x) => floor === undefined || x.k >= floor)
    .sort((a, b) => (a.k < b.k ? 1 : a.k > b.k ? -1 : 0));
  const page = keyed.slice(0, query.limit);
  const cursor = keyed.length > query.limit ? page.at(-1)?.k : floor;
  return {
    items: page.map((x) => decorate(x.t)),
    ...(cursor !== undefined ? { nextCursor: encodeCursor(cursor) } : {}),
  };
}
