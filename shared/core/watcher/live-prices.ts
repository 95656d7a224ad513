// The console's live prices: the latest tick of each market handed to the LivePriceStore at most
// once per `minIntervalMs` per market (about a second: what a person watching can read, and one
// small write per market and second at most). A market whose next tick comes before its interval
// is over keeps only its newest tick, written with the next batch that is due.
import type { Clock, LivePriceStore, PriceTick } from './ports';
import type { TickHandler } from './price-watcher';

export interface LivePricesDeps {
  store: Pick<LivePriceStore, 'put'>;
  clock: Clock;
  /** default 1,000 ms */
  minIntervalMs?: number;
}

export class LivePrices implements TickHandler {
  readonly name = 'live-prices';
  private readonly lastPut = new Map<string, number>();
  private readonly pending = new Map<string, PriceTick>();

  constructor(private readonly deps: LivePricesDeps) {}

  async onTicks(exchange: string, ticks: readonly PriceTick[]): Promise<void> {
    // Keyed by the accounts' exchange id (the console looks prices up by the account's exchange):
    // a paper account's prices may come from another exchange's stream.
    for (const tick of ticks) if (tick.last > 0) this.pending.set(`${exchange}|${tick.symbol}`, { ...tick, exchange });
    const now = this.deps.clock.now();
    const due: PriceTick[] = [];
    for (const [key, tick] of this.pending) {
      if (now - (this.lastPut.get(key) ?? -Infinity) < (this.deps.minIntervalMs ?? 1_000)) continue;
      due.push(tick);
      this.pending.delete(key);
      this.lastPut.set(key, now);
    }
    if (due.length) await this.deps.store.put(due);
  }
}
