// Paper accounts' resting stops and targets settled on the tick, at the tick's price, instead of on
// the paper-trigger job's next run (which stays: it fills from its own read when the watcher is
// down). The settlement is the job's own (SettlePaperTriggers, through the runtime's settler),
// scoped to the symbol and the accounts with orders resting on it (read with the watch list, not
// again on every tick).
import type { Account, PaperTriggerSettler, PriceGap, PriceTick } from './ports';
import type { TickHandler } from './price-watcher';
import type { ExchangeWatch } from './watch-list';

export interface PaperFillsDeps {
  settler: PaperTriggerSettler;
  /** an order filled (the watch list is read again: the position or its stop may be gone) */
  onFilled?: (symbol: string, fills: number) => void;
}

export class PaperFills implements TickHandler {
  readonly name = 'paper-fills';
  fills = 0;

  constructor(private readonly deps: PaperFillsDeps) {}

  async onTicks(_exchange: string, ticks: readonly PriceTick[], watch: ExchangeWatch): Promise<void> {
    // Every price in order (a batch is rarely more than one per symbol), a repeat of the last skipped.
    const last = new Map<string, number>();
    for (const tick of ticks) {
      if (!(tick.last > 0) || last.get(tick.symbol) === tick.last) continue;
      last.set(tick.symbol, tick.last);
      await this.settle(
        (watch.paperOrders.get(tick.symbol) ?? []).map((w) => w.account),
        tick.symbol,
        tick.last,
      );
    }
  }

  /**
   * Which came first inside a gap is unknown: the low is settled first, then the high, then the
   * last price. A long's stop is judged before its target (the cautious side for a long; for a
   * short it is the reverse, and a short whose target and stop were both crossed books the target).
   * An account with an order placed after the gap began (an entry, a stop the risk check moved
   * while the stream was down) is settled at the last price only: the extremes may predate it.
   */
  async onGap(_exchange: string, gap: PriceGap, watch: ExchangeWatch): Promise<void> {
    const watching = watch.paperOrders.get(gap.symbol) ?? [];
    const whole = watching.filter((w) => w.newestOrderAt <= gap.from).map((w) => w.account);
    const recent = watching.filter((w) => w.newestOrderAt > gap.from).map((w) => w.account);
    for (const price of [gap.low, gap.high, gap.last]) await this.settle(whole, gap.symbol, price);
    await this.settle(recent, gap.symbol, gap.last);
  }

  private async settle(accounts: readonly Account[], symbol: string, price: number): Promise<void> {
    if (!accounts.length || !(price > 0)) return;
    const fills = await this.deps.settler.settle({ symbol, price, accounts });
    if (fills > 0) {
      this.fills += fills;
      this.deps.onFilled?.(symbol, fills);
    }
  }
}
