// Which markets the watcher follows, per exchange: the symbols of open positions in the book (every
// account the risk-check job checks: paused and disabled ones too, their stops still matter) and of
// paper accounts' resting orders. Read every few seconds (and at once when told: refresh()), one
// read shared by every exchange's watcher; a failed read keeps the last set.
import type { BookPosition, PositionSide } from '../domain/trade';
import { isOpen } from '../domain/trade-math';
import type { Account, AccountRepository, Clock, PaperLedgerStore, PositionBook } from './ports';

/** A paper account with orders resting on a symbol, and when the newest of them was placed. */
export interface PaperWatch {
  account: Account;
  newestOrderAt: number;
}

export interface WatchedPosition {
  account: Account;
  position: BookPosition & { side: PositionSide; tradeId: string };
}

/** One exchange's share of the watch: what its stream subscribes to and what each handler acts on. */
export interface ExchangeWatch {
  /** sorted, unique */
  symbols: string[];
  /** symbol → open positions on it */
  positions: ReadonlyMap<string, readonly WatchedPosition[]>;
  /** symbol → paper accounts with resting stop/target orders on it */
  paperOrders: ReadonlyMap<string, readonly PaperWatch[]>;
}

const EMPTY: ExchangeWatch = { symbols: [], positions: new Map(), paperOrders: new Map() };

export class WatchSnapshot {
  constructor(
    /** epoch ms of the read */
    readonly at: number,
    private readonly byExchange: ReadonlyMap<string, ExchangeWatch>,
  ) {}

  /** An account's exchange id (`paper`, `bybit`…): what its watcher follows (nothing: no symbols). */
  forExchange(exchange: string): ExchangeWatch {
    return this.byExchange.get(exchange) ?? EMPTY;
  }

  exchanges(): string[] {
    return [...this.byExchange.keys()].sort();
  }
}

export interface WatchListDeps {
  accounts: Pick<AccountRepository, 'list'>;
  positions: Pick<PositionBook, 'list'>;
  paperOrders: Pick<PaperLedgerStore, 'listOpenOrders'>;
  clock: Clock;
  /** how old a read may be before current() reads again, ms (default 3,000) */
  refreshMs?: number;
  /** a failed read (the last set stays in use) */
  onError?: (error: unknown) => void;
}

export class WatchList {
  private snapshot: WatchSnapshot | undefined;
  private reading: Promise<WatchSnapshot> | undefined;
  private stale = false;

  constructor(private readonly deps: WatchListDeps) {}

  /** The set, read again when older than refreshMs or after refresh(). */
  async current(): Promise<WatchSnapshot> {
    const refreshMs = this.deps.refreshMs ?? 3_000;
    const snapshot = this.snapshot;
    if (snapshot && !this.stale && this.deps.clock.now() - snapshot.at < refreshMs) return snapshot;
    return this.read();
  }

  /** The next current() reads again (an entry was just filled, a stop placed…). */
  refresh(): void {
    this.stale = true;
  }

  private read(): Promise<WatchSnapshot> {
    // One read at a time, shared by every watcher asking meanwhile.
    this.reading ??= this.load()
      .then((snapshot) => {
        this.snapshot = snapshot;
        this.stale = false;
        return snapshot;
      })
      .catch((error: unknown) => {
        this.deps.onError?.(error);
        if (this.snapshot) return this.snapshot;
        throw error;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async load(): Promise<WatchSnapshot> {
    const now = this.deps.clock.now();
    const accounts = (await this.deps.accounts.list()).filter(
      (a) => !(a.haltedUntil !== undefined && now < a.haltedUntil) && (a.exchange === 'paper' || a.credentials),
    );
    const byExchange = new Map<
      string,
      { symbols: Set<string>; positions: Map<string, WatchedPosition[]>; paperOrders: Map<string, PaperWatch[]> }
    >();
    const entry = (exchange: string) => {
      let found = byExchange.get(exchange);
      if (!found)
        byExchange.set(exchange, (found = { symbols: new Set(), positions: new Map(), paperOrders: new Map() }));
      return found;
    };
    await Promise.all(
      accounts.map(async (account) => {
        const [positions, orders] = await Promise.all([
          this.deps.positions.list(account.accountId),
          account.exchange === 'paper' ? this.deps.paperOrders.listOpenOrders(account.accountId) : Promise.resolve([]),
        ]);
        const watch = entry(account.exchange);
        for (const position of positions) {
          if (!isOpen(position)) continue;
          watch.symbols.add(position.symbol);
          const list = watch.positions.get(position.symbol) ?? [];
          list.push({ account, position });
          watch.positions.set(position.symbol, list);
        }
        for (const order of orders) {
          if (order.status !== 'open') continue;
          watch.symbols.add(order.symbol);
          const list = watch.paperOrders.get(order.symbol) ?? [];
          const seen = list.find((w) => w.account === account);
          if (seen) seen.newestOrderAt = Math.max(seen.newestOrderAt, order.timestamp);
          else list.push({ account, newestOrderAt: order.timestamp });
          watch.paperOrders.set(order.symbol, list);
        }
      }),
    );
    const watches = new Map<string, ExchangeWatch>();
    for (const [exchange, w] of byExchange) {
      if (w.symbols.size === 0) continue;
      watches.set(exchange, { symbols: [...w.symbols].sort(), positions: w.positions, paperOrders: w.paperOrders });
    }
    return new WatchSnapshot(now, watches);
  }
}
