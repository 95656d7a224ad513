// The aggregates' trade history kept between requests: an incremental read by key range picks up
// a trade that closed and a new one, keeps an untouched closed trade without reading it again, and
// the whole history is read again at least every FULL_READ_MS (what a key range cannot see).
import type { TradeRecord } from '../../../../shared/core/domain/trade';
import { tradeIdFor } from '../../../../shared/core/domain/trade-math';
import {
  FULL_READ_MS,
  LATE_BOOKING_MS,
  mergeSince,
  refreshFrom,
  TradeHistory,
} from '../../../../shared/core/performance/trade-history';
import { ManualClock } from '../fakes';
import { trade } from './fixtures';

const HOUR = 3_600_000;
const NOW = Date.parse('2024-03-01T12:00:00Z');

const at = (openedAt: number, id: string, patch: Partial<TradeRecord> = {}): TradeRecord =>
  trade(tradeIdFor(openedAt, id), { openedAt, closedAt: openedAt + HOUR, updatedAt: openedAt + HOUR, ...patch });

/** A trades table answering the key range as DynamoDB does (ids compared as strings), counting what it reads. */
class RangeTable {
  readonly rows = new Map<string, TradeRecord>();
  readonly calls: string[] = [];
  read = 0;
  put(t: TradeRecord): void {
    this.rows.set(t.tradeId, t);
  }
  private sorted(): TradeRecord[] {
    return [...this.rows.values()].sort((a, b) => (a.tradeId < b.tradeId ? -1 : 1));
  }
  async listByAccount(_accountId: string, limit = 200): Promise<TradeRecord[]> {
    this.calls.push('whole');
    const out = this.sorted().reverse().slice(0, limit);
    this.read += out.length;
    return out;
  }
  async listSince(_accountId: string, from: string, limit: number): Promise<TradeRecord[]> {
    this.calls.push(`since ${from}`);
    const out = this.sorted()
      .filter((t) => t.tradeId >= from)
      .slice(0, limit);
    this.read += out.length;
    return out;
  }
}

describe('TradeHistory', () => {
  const oldClosed = at(NOW - 30 * 24 * HOUR, 'old');
  const open = at(NOW - 5 * 24 * HOUR, 'open', {
    status: 'open',
    closedAt: undefined,
    quantity: '1',
    realizedPnl: '-1',
  });

  function setup(): { table: RangeTable; clock: ManualClock; history: TradeHistory } {
    const table = new RangeTable();
    for (let i = 0; i < 50; i++) table.put(at(NOW - (40 + i) * 24 * HOUR, `c${i}`, { realizedPnl: '1' }));
    table.put(oldClosed);
    table.put(open);
    const clock = new ManualClock(NOW);
    return { table, clock, history: new TradeHistory({ trades: table, clock }, 5_000) };
  }

  it('re-reads from the oldest open trade: the trade that closed, the new trade, the closed ones kept', async () => {
    const { table, clock, history } = setup();
    const first = await history.read('acc-a');
    expect(first.trades).toHaveLength(52);
    expect(first.fullReadAt).toBe(NOW);

    clock.advance(10_000);
    const closed = { ...open, status: 'closed' as const, quantity: '0', closedAt: clock.now(), realizedPnl: '25' };
    table.put(closed);
    const fresh = at(clock.now() - 1_000, 'new', { status: 'open', closedAt: undefined });
    table.put(fresh);
    table.read = 0;

    const second = await history.read('acc-a');
    expect(table.calls.at(-1)).toBe(`since ${open.tradeId}`);
    expect(table.read).toBe(2); // the one that closed and the new one: not the 51 closed before
    expect(second.trades).toHaveLength(53);
    expect(second.trades[0]).toEqual(fresh);
    expect(second.trades.find((t) => t.tradeId === open.tradeId)).toEqual(closed);
    expect(second.trades.find((t) => t.tradeId === oldClosed.tradeId)).toEqual(oldClosed);
    expect(second.fullReadAt).toBe(NOW); // the closed part is as of the whole read

    // nothing open now: the next range starts LATE_BOOKING_MS before the last read
    clock.advance(10_000);
    await history.read('acc-a');
    expect(table.calls.at(-1)).toBe(`since ${String(NOW + 10_000 - LATE_BOOKING_MS).padStart(13, '0')}`);
  });

  it('reads the whole history again after FULL_READ_MS: a closed trade gone (an account reset) disappears', async () => {
    const { table, clock, history } = setup();
    await history.read('acc-a');
    table.rows.delete(oldClosed.tradeId);
    clock.advance(FULL_READ_MS - 1);
    expect((await history.read('acc-a')).trades.some((t) => t.tradeId === oldClosed.tradeId)).toBe(true);
    clock.advance(1);
    const after = await history.read('acc-a');
    expect(table.calls.at(-1)).toBe('whole');
    expect(after.fullReadAt).toBe(NOW + FULL_READ_MS);
    expect(after.trades.some((t) => t.tradeId === oldClosed.tradeId)).toBe(false);
  });

  it('concurrent requests share one read; a reader without key ranges reads whole every time', async () => {
    const { table, clock } = setup();
    const history = new TradeHistory({ trades: { listByAccount: table.listByAccount.bind(table) }, clock }, 5_000);
    const [a, b] = await Promise.all([history.read('acc-a'), history.read('acc-a')]);
    expect(a).toBe(b);
    await history.read('acc-a');
    expect(table.calls).toEqual(['whole', 'whole']);
  });

  it('a range as long as the window falls back to a whole read', async () => {
    const table = new RangeTable();
    const clock = new ManualClock(NOW);
    for (let i = 0; i < 3; i++) table.put(at(NOW - i * HOUR, `n${i}`, { status: 'open', closedAt: undefined }));
    const history = new TradeHistory({ trades: table, clock }, 3);
    await history.read('acc-a');
    clock.advance(1_000);
    await history.read('acc-a');
    expect(table.calls).toEqual(['whole', `since ${tradeIdFor(NOW - 2 * HOUR, 'n2')}`, 'whole']);
  });
});

describe('refreshFrom / mergeSince', () => {
  it('starts at the older of the oldest open trade and the late-booking margin', () => {
    const open = at(NOW - HOUR, 'o', { status: 'open' });
    expect(refreshFrom([open], NOW)).toBe(open.tradeId);
    expect(refreshFrom([at(NOW - HOUR, 'c')], NOW)).toBe(String(NOW - LATE_BOOKING_MS).padStart(13, '0'));
  });

  it('replaces what is at or after `from`, keeps what is before, newest first, within the limit', () => {
    const a = at(NOW - 3 * HOUR, 'a');
    const b = at(NOW - 2 * HOUR, 'b', { status: 'open' });
    const c = at(NOW - HOUR, 'c');
    const bClosed = { ...b, status: 'closed' as const };
    expect(mergeSince([b, a], b.tradeId, [bClosed, c], 10)).toEqual([c, bClosed, a]);
    expect(mergeSince([b, a], b.tradeId, [bClosed, c], 2)).toEqual([c, bClosed]);
  });
});
