// Query parameters: each bad one named with its bound; cursors page by key without repeats or gaps.
import { paginate, parseQuery, QueryError, sortKey } from '../../../../shared/core/performance/query';

const fails = (params: Record<string, string>, allowed: Parameters<typeof parseQuery>[1]) => {
  try {
    parseQuery(params, allowed);
  } catch (error) {
    if (error instanceof QueryError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('accepted');
};

describe('parseQuery', () => {
  it('names the parameter and the bound', () => {
    expect(fails({ limit: '501' }, ['limit'])).toEqual({ field: 'limit', message: 'limit must be an integer 1..500' });
    expect(fails({ limit: '0' }, ['limit']).field).toBe('limit');
    expect(fails({ limit: '2.5' }, ['limit']).field).toBe('limit');
    expect(fails({ from: 'yesterday' }, ['from']).field).toBe('from');
    expect(fails({ from: '2000', to: '1000' }, ['from', 'to']).field).toBe('from');
    expect(fails({ period: 'year' }, ['period']).message).toBe('period must be day, week or month');
    expect(fails({ cursor: 'not-ours' }, ['cursor']).field).toBe('cursor');
  });

  it('refuses parameters the route does not take, naming them', () => {
    expect(fails({ acount: 'x' }, ['account'])).toEqual({
      field: 'acount',
      message: 'unknown parameter acount (accepted: account)',
    });
  });

  it('reads symbols in either form and ISO times', () => {
    expect(
      parseQuery({ symbol: 'BTCUSDT', from: '2024-01-01T00:00:00Z', limit: '7' }, ['symbol', 'from', 'limit']),
    ).toEqual({
      symbol: 'BTC/USDT:USDT',
      from: Date.UTC(2024, 0, 1),
      limit: 7,
    });
  });
});

describe('paginate', () => {
  it('walks every item once, newest first, and says when it is done', () => {
    const items = [5, 1, 4, 2, 3].map((n) => ({ at: n * 1000, id: `i${n}` }));
    const key = (i: { at: number; id: string }) => sortKey(i.at, i.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const after = cursor === undefined ? undefined : parseQuery({ cursor }, ['cursor']).after;
      const page = paginate(items, key, { limit: 2, ...(after !== undefined ? { after } : {}) });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(seen).toEqual(['i5', 'i4', 'i3', 'i2', 'i1']);
    expect(pages).toBe(3);
  });
});
