// The risk-check job's last, least urgent duty: record the current funding rate of the markets the
// live accounts hold, so the console can show it without calling an exchange (docs/FUNDING.md
// "In the console"). Runs after every account's safety work (stops, kill switches) and is
// time-boxed: a hanging or failing exchange costs the run at most `timeBoxMs` and never a stop.
//
// Per exchange and network, a market is read again when its reading is `refreshMs` old (5 min), or
// sooner once its `nextFundingTime` has passed (the settled interval's rate is no longer the
// current one). Markets are asked one at a time, the stalest reading first, so a box that ends
// mid-way keeps what was read and the rest go first next time. Every attempt is stored (`triedAt`),
// good or failed, so a failing exchange is asked no more often than a healthy one; a failed read
// keeps the old reading with its own `asOf`.
import type { ExchangeId } from '../domain/account';
import { TransientError } from '../errors';
import type { Clock, FundingRate, FundingRatesFor, FundingReadingStore, StoredFunding } from './ports';
import { fundingSourceOf } from './ports';

/** A read is due this long after the last attempt (one public request per symbol at most every 5 min). */
export const FUNDING_REFRESH_MS = 5 * 60_000;
/** How long the exchange reads of one run may take together. */
export const FUNDING_TIME_BOX_MS = 3_000;
/**
 * Kept free before the run's deadline (the Lambda's timeout) for the store's reads and writes and
 * the run's own end: the box shrinks to fit before it, and nothing is asked when it leaves none.
 */
export const FUNDING_STORE_MARGIN_MS = 2_000;

/** The markets one live account holds (its book's and its exchange's open positions). */
export interface HeldMarkets {
  exchange: ExchangeId;
  testnet: boolean;
  symbols: readonly string[];
}

/** A time box that can be cancelled once the work is done (a real timer would keep a process up). */
export interface Deadline {
  expired: Promise<void>;
  cancel(): void;
}

export interface FundingRecorderDeps {
  sources: FundingRatesFor;
  store: FundingReadingStore;
  clock: Clock;
  refreshMs?: number;
  timeBoxMs?: number;
  /** starts the time box (tests: a deadline they expire by hand); default a timer */
  deadline?: (ms: number) => Deadline;
  /** a source or the store failed: where (the exchange source) and the error; never rethrown */
  onError?: (source: string, error: unknown) => void;
}

export interface FundingRecordResult {
  /** markets whose rate was read and stored this run */
  read: number;
  /** markets due whose read failed, timed out or was not answered */
  failed: number;
}

/** Due when never read, when the last attempt is `refreshMs` old, or once the next settlement passed it. */
export function fundingReadDue(stored: StoredFunding | undefined, now: number, refreshMs: number): boolean {
  if (!stored) return true;
  const lastTry = Math.max(stored.triedAt, stored.reading?.asOf ?? -Infinity);
  if (!(now - lastTry < refreshMs)) return true;
  const next = stored.reading?.nextFundingTime;
  return next !== undefined && next <= now && lastTry < next;
}

const timerDeadline = (ms: number): Deadline => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { expired, cancel: () => clearTimeout(timer) };
};

export class FundingRecorder {
  constructor(private readonly deps: FundingRecorderDeps) {}

  /**
   * Reads what is due for `held` (live accounts only: paper replays no funding), stores it. Never
   * throws. `deadline` (epoch ms): when the run must be over; the time box ends
   * FUNDING_STORE_MARGIN_MS before it at the latest.
   */
  async record(held: readonly HeldMarkets[], deadline?: number): Promise<FundingRecordResult> {
    const result: FundingRecordResult = { read: 0, failed: 0 };
    const groups = new Map<string, { account: HeldMarkets; symbols: Set<string> }>();
    for (const account of held) {
      if (account.exchange === 'paper' || account.symbols.length === 0) continue;
      const key = fundingSourceOf(account);
      const group = groups.get(key) ?? { account, symbols: new Set<string>() };
      for (const symbol of account.symbols) group.symbols.add(symbol);
      groups.set(key, group);
    }
    if (groups.size === 0) return result;
    let boxMs = this.deps.timeBoxMs ?? FUNDING_TIME_BOX_MS;
    if (deadline !== undefined) boxMs = Math.min(boxMs, deadline - this.deps.clock.now() - FUNDING_STORE_MARGIN_MS);
    if (!(boxMs > 0)) return result; // every market stays due for the next run
    const box = (this.deps.deadline ?? timerDeadline)(boxMs);
    try {
      await Promise.all(
        [...groups].map(([key, { account, symbols }]) =>
          this.recordSource(key, account, [...symbols].sort(), box.expired, result).catch((error: unknown) =>
            this.deps.onError?.(key, error),
          ),
        ),
      );
    } finally {
      box.cancel();
    }
    return result;
  }

  private async recordSource(
    key: string,
    account: HeldMarkets,
    symbols: readonly string[],
    expired: Promise<void>,
    result: FundingRecordResult,
  ): Promise<void> {
    const source = this.deps.sources(account);
    if (!source) return; // a spot exchange, or none ccxt can ask: nothing to record
    const refreshMs = this.deps.refreshMs ?? FUNDING_REFRESH_MS;
    const stored = new Map((await this.deps.store.read(key, symbols)).map((s) => [s.symbol, s]));
    const startedAt = this.deps.clock.now();
    // The stalest reading first (none at all before any): a box that ends mid-way leaves the
    // freshest ones for the next run, so no market waits behind the others run after run.
    const staleness = (symbol: string) => stored.get(symbol)?.reading?.asOf ?? -Infinity;
    const due = symbols
      .filter((symbol) => fundingReadDue(stored.get(symbol), startedAt, refreshMs))
      .sort((a, b) => staleness(a) - staleness(b));
    if (due.length === 0) return;
    let timedOut = false;
    const timeout = expired.then(() => {
      timedOut = true;
      return undefined;
    });
    const fresh = new Map<string, FundingRate>();
    const attempted: string[] = [];
    // One symbol at a time (one request each): what was read before the box ended is kept.
    for (const symbol of due) {
      if (timedOut) break; // no new request once the box is over
      attempted.push(symbol);
      const read = source.current([symbol]);
      const answer = await Promise.race([read, timeout]).catch((error: unknown) => {
        this.deps.onError?.(key, error);
        return [] as FundingRate[];
      });
      if (answer === undefined || timedOut) {
        read.catch(() => undefined); // it may still settle: nothing waits for it any more
        const ms = this.deps.timeBoxMs ?? FUNDING_TIME_BOX_MS;
        this.deps.onError?.(key, new TransientError(`funding rate reads took longer than ${ms} ms`));
        break;
      }
      for (const rate of answer) if (rate.symbol === symbol) fresh.set(symbol, rate);
    }
    const asOf = this.deps.clock.now();
    // Only what was asked counts as an attempt: a market the box left unasked stays due.
    const entries: StoredFunding[] = attempted.map((symbol) => {
      const rate = fresh.get(symbol);
      if (rate) return { symbol, reading: { ...rate, asOf }, triedAt: asOf };
      // failed or unanswered: the old reading stays, with its own asOf
      const previous = stored.get(symbol)?.reading;
      return { symbol, ...(previous ? { reading: previous } : {}), triedAt: asOf };
    });
    result.read += fresh.size;
    result.failed += attempted.length - fresh.size;
    await this.deps.store.put(key, entries);
  }
}
