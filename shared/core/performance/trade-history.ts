// Each account's trade history as the aggregates (summary, by-strategy, profit-loss) need it,
// kept by a warm function between requests. A closed trade no longer changes: the executor's book
// keeper writes only the trade its position points at (open until the fill that closes it) plus
// the new one a flip opens, and the risk-check job books funding only on trades still open
// (reconciliation/risk-check.ts bookFunding skips `status !== 'open'`). Trade ids begin with the
// 13-digit opening time, so one Query on the key, `tradeId >= <from>`, re-reads everything that can
// have changed since the last read: the trades open then and any opened since. Two things it can
// miss are bounded by a full re-read at least every FULL_READ_MS: a fill booked late with an
// opening time before LATE_BOOKING_MS ago (a reconcile after an outage), and a closed trade
// deleted (an account reset). `fullReadAt` says when the history was last read whole.
import type { TradeRecord } from '../domain/trade';
import type { Clock, TradeRangeReader, TradeRepository } from './ports';

/** At most this long between two reads of an account's whole history. */
export const FULL_READ_MS = 60_000;
/** A trade opened this long before the last read is still re-read (fills booked a little late). */
export const LATE_BOOKING_MS = 5 * 60_000;

export type HistorySource = Pick<TradeRepository, 'listByAccount'> & Partial<Pick<TradeRangeReader, 'listSince'>>;

export interface HistoryRead {
  /** newest first, at most the history limit */
  trades: readonly TradeRecord[];
  /** when the whole history was last read: closed trades are as of then at the oldest */
  fullReadAt: number;
}

interface Cached extends HistoryRead {
  /** when the last read (whole or incremental) started */
  readAt: number;
}

/** The id every trade opened at or after `at` sorts at or after. */
export const tradeIdFrom = (at: number): string => String(Math.max(0, Math.floor(at))).padStart(13, '0');

/**
 * Where an incremental read starts: the oldest trade that was open at the last read, or the
 * opening time LATE_BOOKING_MS before that read, whichever is older.
 */
export function refreshFrom(trades: readonly TradeRecord[], lastReadAt: number): string {
  let from = tradeIdFrom(lastReadAt - LATE_BOOKING_MS);
  for (const t of trades) if (t.status !== 'closed' && t.tradeId < from) from = t.tradeId;
  return from;
}

/**
 * The kept history with everything at or after `from` replaced by `fresh` (oldest first, as the
 * key-range Query answers): a trade that closed is replaced, a new one added, one gone is gone.
 */
export function mergeSince(
  cached: readonly TradeRecord[],
  from: string,
  fresh: readonly TradeRecord[],
  limit: number,
): TradeRecord[] {
  const newestFirst = [...fresh].sort((a, b) => (a.tradeId < b.tradeId ? 1 : a.tradeId > b.tradeId ? -1 : 0));
  return [...newestFirst, ...cached.filter((t) => t.tradeId < from)].slice(0, limit);
}

export class TradeHistory {
  private readonly cache = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<HistoryRead>>();

  constructor(
    private readonly deps: { trades: HistorySource; clock: Clock },
    private readonly limit: number,
    private readonly fullEveryMs = FULL_READ_MS,
  ) {}

  /** The account's history now; concurrent callers share one read. */
  read(accountId: string): Promise<HistoryRead> {
    const running = this.pending.get(accountId);
    if (running) return running;
    const read = this.refresh(accountId).finally(() => this.pending.delete(accountId));
    this.pending.set(accountId, read);
    return read;
  }

  private async refresh(accountId: string): Promise<HistoryRead> {
    const now = this.deps.clock.now();
    const cached = this.cache.get(accountId);
    const listSince = this.deps.trades.listSince?.bind(this.deps.trades);
    if (cached && listSince && now - cached.fullReadAt < this.fullEveryMs) {
      const from = refreshFrom(cached.trades, cached.readAt);
      const fresh = await listSince(accountId, from, this.limit);
      // a range as long as the window may have pushed trades out of it: read it whole instead
      if (fresh.length < this.limit) {
        const next: Cached = {
          trades: mergeSince(cached.trades, from, fresh, this.limit),
          fullReadAt: cached.fullReadAt,
          readAt: now,
        };
        this.cache.set(accountId, next);
        return next;
      }
    }
    const whole: Cached = {
      trades: await this.deps.trades.listByAccount(accountId, this.limit),
      fullReadAt: now,
      readAt: now,
    };
    this.cache.set(accountId, whole);
    return whole;
  }
}
