// Prices set by hand: for tests and scripted scenarios. A symbol without a price is an error, so a
// test never trades at a price it did not choose.
import type { PriceQuote } from '../../core/ports/exchange';
import type { PriceSource } from '../../core/ports/paper';
import { systemClock, type Clock } from '../../core/ports/runtime';
import { InvalidArgumentError } from '../../core/errors';

export class FixedPriceSource implements PriceSource {
  private readonly prices = new Map<string, number>();

  constructor(
    initial: Record<string, number | string> = {},
    private readonly clock: Clock = systemClock,
  ) {
    for (const [symbol, price] of Object.entries(initial)) this.set(symbol, price);
  }

  /** Sets the price of `symbol` (a positive number or decimal string). Returns this, for chaining. */
  set(symbol: string, price: number | string): this {
    const value = typeof price === 'number' ? price : Number(price);
    if (!Number.isFinite(value) || value <= 0)
      throw new InvalidArgumentError(`price for ${symbol} must be a positive number, got ${price}`);
    this.prices.set(symbol, value);
    return this;
  }

  async getPrice(symbol: string): Promise<PriceQuote> {
    const last = this.prices.get(symbol);
    if (last === undefined) throw new InvalidArgumentError(`no price set for ${symbol}`);
    return { symbol, last, timestamp: this.clock.now() };
  }
}
