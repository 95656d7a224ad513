// A trades page read from the table page by page gives, page after page, exactly what paginating
// the whole history in memory gives (the order and the cursors the API documents), reads about a
// page rather than the history, and with a filter that matches little stops at its bound with a
// short page whose cursor continues, never skipping a trade.
import type { TradeRecord } from '../../../../shared/core/domain/trade';
import { tradeIdFor } from '../../../../shared/core/domain/trade-math';
import { paginate, sortKey, type ReadQuery } from '../../../../shared/core/performance/query';
import { beforeIdFor, tradePage } from '../../../../shared/core/performance/trade-pages';
import { trade } from './fixtures';

const T0 = Date.parse('2024-03-01T00:00:00Z');
const SYMBOLS = ['BTC/USDT:USDT', 'ETH/USDT:USDT', 'SOL/USDT:USDT'];

/** Two accounts; some trades open in the same millisecond across accounts and within one. */
function book(): TradeRecord[] {
  const out: TradeRecord[] = [];
  for (const accountId of ['acc-a', 'acc-b'])
    for (let i = 0; i < 60; i++) {
      const openedAt = T0 + Math.floor(i / 2) * 60_000 + (accountId === 'acc-a' ? 0 : (i % 3) * 30_000);
      out.push(
        trade(tradeIdFor(openedAt, `${accountId}-${i}`), {
          accountId,
          openedAt,
          symbol: SYMBOLS[i % 3]!,
          strategy: i % 7 === 0 ? 'rare' : 'ema',
        }),
      );
    }
  return out;
}

/** The key-range Query as DynamoDB answers it: ids as strings, newest first, Limit counted before the BETWEEN clean-up. */
function rangeReader(rows: readonly TradeRecord[]) {
  const reader = {
    read: 0,
    async listBefore(accountId: string, range: { beforeTradeId?: string; fromTradeId?: string }, limit: number) {
      const all = rows
        .filter((t) => t.accountId === accountId)
        .filter((t) => range.beforeTradeId === undefined || t.tradeId < range.beforeTradeId)
        .filter((t) => range.fromTradeId === undefined || t.tradeId >= range.fromTradeId)
        .sort((a, b) => (a.tradeId < b.tradeId ? 1 : -1));
      const items = all.slice(0, limit);
      reader.read += items.length;
      return { items, more: all.length > limit };
    },
  };
  return reader;
}

const keyOf = (t: TradeRecord): string => sortKey(t.openedAt, t.accountId, t.tradeId);

async function allPages(
  rows: readonly TradeRecord[],
  query: Omit<ReadQuery, 'after'>,
  scanLimit?: number,
): Promise<{ ids: string[]; pages: number; read: number }> {
  const reader = rangeReader(rows);
  const ids: string[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await tradePage(
      reader,
      ['acc-a', 'acc-b'],
      { ...query, ...(after ? { after } : {}) },
      (t) => t,
      scanLimit,
    );
    ids.push(...page.items.map((t) => t.tradeId));
    after = page.nextCursor ? Buffer.from(page.nextCursor, 'base64url').toString('utf8') : undefined;
    pages++;
  } while (after !== undefined && pages < 200);
  return { ids, pages, read: reader.read };
}

function expected(rows: readonly TradeRecord[], match: (t: TradeRecord) => boolean): string[] {
  return paginate(rows.filter(match), keyOf, { limit: Number.MAX_SAFE_INTEGER }).items.map((t) => t.tradeId);
}

describe('tradePage', () => {
  const rows = book();

  it('pages through both accounts in the order and with the cursors of the in-memory pages', async () => {
    const got = await allPages(rows, { limit: 7 });
    expect(got.ids).toEqual(expected(rows, () => true));
    expect(got.pages).toBe(Math.ceil(120 / 7));
  });

  it('one page reads about a page per account, not the history', async () => {
    const reader = rangeReader(rows);
    const page = await tradePage(reader, ['acc-a', 'acc-b'], { limit: 10 }, (t) => t);
    expect(page.items.map((t) => t.tradeId)).toEqual(expected(rows, () => true).slice(0, 10));
    expect(reader.read).toBe(22); // 11 per account
  });

  it('from/to bound the key; symbol and strategy filter what is read', async () => {
    const from = T0 + 5 * 60_000;
    const to = T0 + 20 * 60_000;
    const match = (t: TradeRecord): boolean =>
      t.symbol === 'ETH/USDT:USDT' && t.strategy === 'ema' && t.openedAt >= from && t.openedAt <= to;
    const got = await allPages(rows, { limit: 4, from, to, symbol: 'ETH/USDT:USDT', strategy: 'ema' });
    expect(got.ids).toEqual(expected(rows, match));
    expect(got.ids.length).toBeGreaterThan(4);
  });

  it('a rare filter stops at the scan bound with a short page and a cursor that skips nothing', async () => {
    const match = (t: TradeRecord): boolean => t.strategy === 'rare';
    const got = await allPages(rows, { limit: 5, strategy: 'rare' }, 12);
    expect(got.ids).toEqual(expected(rows, match));
    expect(got.read).toBeLessThanOrEqual(12 * 2 * got.pages);
  });

  it('the cursor bound per account: its own trade, or the time with the account id breaking a tie', () => {
    const after = sortKey(T0, 'acc-b', tradeIdFor(T0, 'x'));
    expect(beforeIdFor('acc-b', after)).toBe(tradeIdFor(T0, 'x'));
    expect(beforeIdFor('acc-a', after)).toBe(String(T0 + 1).padStart(13, '0')); // acc-a at T0 sorts below acc-b at T0
    expect(beforeIdFor('acc-c', after)).toBe(String(T0).padStart(13, '0'));
    expect(beforeIdFor('acc-a', undefined)).toBeUndefined();
  });
});
