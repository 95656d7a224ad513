// The paper accounts' price stream without a network (local stack, tests): the replayed price
// source read every `intervalMs` and pushed as ticks when a price changed, with the PriceStream
// contract a websocket has (a pending `next` rejects on close; the next call "reconnects").
// Because it reads the very PriceSource the paper exchange fills from, a tick's price is the price
// a paper stop triggers at. ReplayPriceCatchUp answers the gap check from the same replay.
import { TransientError } from '../../core/errors';
import type { PriceSource } from '../../core/ports/paper';
import type { PriceCatchUp, PriceGap, PriceStream, PriceTick } from '../../core/ports/price-stream';
import { systemClock, type Clock } from '../../core/ports/runtime';

export interface ReplayPriceStreamOptions {
  prices: PriceSource;
  /** the exchange id on the ticks (default `paper`) */
  exchange?: string;
  /** how often the source is read, ms (default 250: four reads a second, under the watcher's second) */
  intervalMs?: number;
  clock?: Clock;
}

export class ReplayPriceStream implements PriceStream {
  readonly exchange: string;
  private readonly intervalMs: number;
  private readonly clock: Clock;
  private readonly sent = new Map<string, number>();
  private closing = new AbortController();

  constructor(private readonly options: ReplayPriceStreamOptions) {
    this.exchange = options.exchange ?? 'paper';
    this.intervalMs = options.intervalMs ?? 250;
    this.clock = options.clock ?? systemClock;
  }

  async next(symbols: readonly string[]): Promise<PriceTick[]> {
    if (this.closing.signal.aborted) this.closing = new AbortController(); // a new "connection"
    const { signal } = this.closing;
    for (;;) {
      await wait(this.intervalMs, signal);
      const ticks: PriceTick[] = [];
      for (const symbol of symbols) {
        const quote = await this.options.prices.getPrice(symbol).catch(() => undefined);
        if (signal.aborted) throw new TransientError(`${this.exchange} price stream closed`);
        if (!quote || !(quote.last > 0) || this.sent.get(symbol) === quote.last) continue;
        this.sent.set(symbol, quote.last);
        ticks.push({ ...quote, exchange: this.exchange, receivedAt: this.clock.now() });
      }
      if (ticks.length) return ticks;
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.sent.clear(); // a reconnect sends every price again, as a fresh subscription's snapshot does
  }
}

/** The gap from the replay itself: the path sampled every `stepMs` from `from` to now. */
export class ReplayPriceCatchUp implements PriceCatchUp {
  private readonly stepMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly replay: { priceAt(symbol: string, at: number): Promise<number>; readonly msPerCandle: number },
    options: { clock?: Clock; stepMs?: number } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    // The path turns at a third and two thirds of a candle: 1/24 of one lands within 2 % of a turn.
    this.stepMs = options.stepMs ?? Math.max(1, Math.floor(replay.msPerCandle / 24));
  }

  async since(symbol: string, from: number): Promise<PriceGap | undefined> {
    const to = this.clock.now();
    if (!(to > from)) return undefined;
    // At most 2,000 reads: a longer gap is sampled more coarsely (the one-minute jobs ran meanwhile).
    const step = Math.max(this.stepMs, Math.ceil((to - from) / 2_000));
    let high = -Infinity;
    let low = Infinity;
    let last = NaN;
    for (let at = from; ; at = Math.min(to, at + step)) {
      last = await this.replay.priceAt(symbol, at);
      high = Math.max(high, last);
      low = Math.min(low, last);
      if (at >= to) break;
    }
    return { symbol, high, low, last, from, to };
  }
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new TransientError('price stream closed'));
    const closed = () => {
      clearTimeout(timer);
      reject(new TransientError('price stream closed'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', closed);
      resolve();
    }, ms);
    signal.addEventListener('abort', closed, { once: true });
  });
}
