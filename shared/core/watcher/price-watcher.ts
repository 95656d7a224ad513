// The price watcher of one exchange: a loop over its PriceStream for the symbols the watch list
// names, handing every batch of ticks to the handlers (emulated trailing stops, paper fills, the
// circuit breaker, live prices). It owns what a websocket needs around it:
//  - reconnect: a rejected `next` is a dropped connection; the next call reconnects after a
//    backoff (exponential with jitter, 0.5 s → 30 s by default), reset only once a connection has
//    stayed healthy `healthyMs` (a minute), so a flapping one keeps backing off;
//  - heartbeat: no tick for `heartbeatMs` while connected is treated as a drop (the connection is
//    closed and made again): a half-open socket that never errors would otherwise go silent;
//  - gap check: after any drop or heartbeat miss, once the stream delivers again and before its
//    first batch is handed on, each watched symbol's gap since its last tick is read over REST
//    (PriceCatchUp) and its extremes are handed to the handlers, so a trailing stop follows the
//    best price it missed and a paper stop the price went through while the stream was down fills.
// None of this is the only protection: the one-minute jobs (risk check, paper triggers) do the
// same work from REST reads, and go on when the watcher is down.
import { Backoff, type BackoffOptions } from './backoff';
import type { Clock, PriceCatchUp, PriceGap, PriceStream, PriceTick, Sleep } from './ports';
import type { ExchangeWatch, WatchSnapshot } from './watch-list';

/** What acts on prices. Called one batch at a time per exchange; a failure is reported, never fatal. */
export interface TickHandler {
  readonly name: string;
  /** one batch of live ticks, oldest first */
  onTicks(exchange: string, ticks: readonly PriceTick[], watch: ExchangeWatch): Promise<void>;
  /** what a market did while the stream was down: before any live tick after the reconnect */
  onGap?(exchange: string, gap: PriceGap, watch: ExchangeWatch): Promise<void>;
}

export type WatcherEvent =
  | { kind: 'dropped'; exchange: string; error: string; retryInMs: number; attempt: number }
  | { kind: 'silent'; exchange: string; heartbeatMs: number; retryInMs: number; attempt: number }
  | { kind: 'caught-up'; exchange: string; symbol: string; gap?: PriceGap }
  | { kind: 'catch-up-failed'; exchange: string; symbol: string; error: string }
  | { kind: 'handler-failed'; exchange: string; handler: string; error: string }
  | { kind: 'watch-failed'; exchange: string; error: string };

export interface PriceWatcherOptions {
  /** the accounts' exchange id this watcher serves (`paper`, `bybit`…) */
  exchange: string;
  stream: PriceStream;
  /** REST catch-up after a gap; absent: no catch-up (the one-minute jobs cover the gap) */
  catchUp?: PriceCatchUp;
  watchList: { current(): Promise<WatchSnapshot> };
  handlers: readonly TickHandler[];
  clock: Clock;
  sleep: Sleep;
  /**
   * No tick for this long while connected → treated as a drop (default 30 s). Not shorter: the
   * ticker streams the watcher reads push at least every second on the futures exchanges, but a
   * quiet spot market (Upbit pushes on trades only) can be silent for many seconds, and every
   * false alarm costs a reconnect and a REST catch-up. ccxt pro also pings the socket itself and
   * rejects `next` when a pong is missed, so a dead socket is found sooner than this.
   */
  heartbeatMs?: number;
  /** a connection this old (ms, default 60 s) resets the backoff */
  healthyMs?: number;
  /** nothing to watch: ask the watch list again after this long (ms, default 1 s) */
  idleMs?: number;
  backoff?: BackoffOptions;
  onEvent?: (event: WatcherEvent) => void;
}

export interface WatcherStats {
  batches: number;
  ticks: number;
  drops: number;
  silences: number;
  gaps: number;
  /** epoch ms of the loop's last turn (a tick, an idle wait, a reconnect): the heartbeat metric reads it */
  lastTurnAt: number;
}

const SILENT = Symbol('silent');

export class PriceWatcher {
  readonly exchange: string;
  private readonly backoff: Backoff;
  private readonly stopping = new AbortController();
  private stopped = false;
  /** the stream needs reconnecting: the gap since each symbol's last tick is read first */
  private needsCatchUp = false;
  /** when the current connection first delivered (undefined: not connected) */
  private connectedAt: number | undefined;
  /** symbol → epoch ms of its last tick (or of the catch-up that covered it, or when watching began) */
  private readonly lastSeen = new Map<string, number>();
  readonly stats: WatcherStats;

  constructor(private readonly options: PriceWatcherOptions) {
    this.exchange = options.exchange;
    this.backoff = new Backoff(options.backoff);
    this.stats = { batches: 0, ticks: 0, drops: 0, silences: 0, gaps: 0, lastTurnAt: options.clock.now() };
  }

  /** Runs until stop(). Never rejects: every failure is an event and a retry. */
  async run(): Promise<void> {
    while (!this.stopped) {
      this.stats.lastTurnAt = this.options.clock.now();
      let watch: ExchangeWatch;
      try {
        watch = (await this.options.watchList.current()).forExchange(this.exchange);
      } catch (error) {
        this.emit({ kind: 'watch-failed', exchange: this.exchange, error: message(error) });
        await this.options.sleep(this.options.idleMs ?? 1_000, this.stopping.signal);
        continue;
      }
      if (watch.symbols.length === 0) {
        await this.options.sleep(this.options.idleMs ?? 1_000, this.stopping.signal);
        continue;
      }
      // A symbol no longer watched is forgotten: watched again later, its gap starts then, not
      // at a tick from before (a new position's trail must not follow an old best).
      const now = this.options.clock.now();
      for (const symbol of this.lastSeen.keys()) if (!watch.symbols.includes(symbol)) this.lastSeen.delete(symbol);
      for (const symbol of watch.symbols) if (!this.lastSeen.has(symbol)) this.lastSeen.set(symbol, now);
      const result = await this.nextBatch(watch.symbols);
      if (this.stopped) break;
      if (result === SILENT || result instanceof Failure) {
        await this.reconnectLater(result);
        continue;
      }
      const at = this.options.clock.now();
      this.connectedAt ??= at;
      if (at - this.connectedAt >= (this.options.healthyMs ?? 60_000)) this.backoff.reset();
      // Connected again: the gap first (once, however many attempts the reconnect took), then live.
      if (this.needsCatchUp) await this.catchUp(watch);
      await this.dispatch(result, watch);
    }
  }

  /** Stops the loop: a pending read is abandoned and the stream closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    await this.options.stream.close().catch(() => undefined);
  }

  private async nextBatch(symbols: readonly string[]): Promise<PriceTick[] | typeof SILENT | Failure> {
    const heartbeat = new AbortController();
    const stop = () => heartbeat.abort();
    this.stopping.signal.addEventListener('abort', stop);
    const pending = this.options.stream.next(symbols);
    pending.catch(() => undefined); // abandoned after a silence: its rejection on close is expected
    // Woken early by the batch (never settles: the batch won the race) or by stop() (the loop ends).
    const silence = this.options
      .sleep(this.options.heartbeatMs ?? 30_000, heartbeat.signal)
      .then(() => (heartbeat.signal.aborted && !this.stopped ? new Promise<never>(() => undefined) : SILENT));
    try {
      return await Promise.race([pending, silence]);
    } catch (error) {
      return new Failure(error);
    } finally {
      heartbeat.abort();
      this.stopping.signal.removeEventListener('abort', stop);
    }
  }

  private async reconnectLater(cause: typeof SILENT | Failure): Promise<void> {
    this.needsCatchUp = true;
    this.connectedAt = undefined;
    const retryInMs = this.backoff.next();
    const attempt = this.backoff.attempts;
    if (cause === SILENT) {
      this.stats.silences++;
      const heartbeatMs = this.options.heartbeatMs ?? 30_000;
      this.emit({ kind: 'silent', exchange: this.exchange, heartbeatMs, retryInMs, attempt });
      // A silent socket may still be open: closed so the next `next` makes a new one.
      await this.options.stream.close().catch(() => undefined);
    } else {
      this.stats.drops++;
      this.emit({ kind: 'dropped', exchange: this.exchange, error: message(cause.error), retryInMs, attempt });
    }
    await this.options.sleep(retryInMs, this.stopping.signal);
  }

  /** Each watched symbol's gap since its last tick, extremes to the handlers, before live ticks. */
  private async catchUp(watch: ExchangeWatch): Promise<void> {
    this.needsCatchUp = false;
    const catchUp = this.options.catchUp;
    if (!catchUp) return;
    for (const symbol of watch.symbols) {
      const from = this.lastSeen.get(symbol);
      if (from === undefined) continue;
      try {
        const gap = await catchUp.since(symbol, from);
        this.emit({ kind: 'caught-up', exchange: this.exchange, symbol, ...(gap ? { gap } : {}) });
        if (!gap) continue;
        this.stats.gaps++;
        this.lastSeen.set(symbol, Math.max(from, gap.to));
        await Promise.all(
          this.options.handlers.map((handler) =>
            handler.onGap
              ? handler.onGap(this.exchange, gap, watch).catch((error: unknown) => this.handlerFailed(handler, error))
              : undefined,
          ),
        );
      } catch (error) {
        this.emit({ kind: 'catch-up-failed', exchange: this.exchange, symbol, error: message(error) });
      }
    }
  }

  private async dispatch(ticks: readonly PriceTick[], watch: ExchangeWatch): Promise<void> {
    if (ticks.length === 0) return;
    this.stats.batches++;
    this.stats.ticks += ticks.length;
    for (const tick of ticks) {
      const seen = Number.isFinite(tick.timestamp) ? tick.timestamp : tick.receivedAt;
      this.lastSeen.set(tick.symbol, Math.max(this.lastSeen.get(tick.symbol) ?? 0, seen));
    }
    // Handlers run side by side (each is independent), and the next read waits for them: ccxt pro
    // keeps what arrives meanwhile, and a handler never sees two batches of one exchange at once.
    await Promise.all(
      this.options.handlers.map((handler) =>
        handler.onTicks(this.exchange, ticks, watch).catch((error: unknown) => this.handlerFailed(handler, error)),
      ),
    );
  }

  private handlerFailed(handler: TickHandler, error: unknown): void {
    this.emit({ kind: 'handler-failed', exchange: this.exchange, handler: handler.name, error: message(error) });
  }

  private emit(event: WatcherEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // a logger's failure must not stop the loop
    }
  }
}

class Failure {
  constructor(readonly error: unknown) {}
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
