// A symbol's price at a past moment from closed hourly candles: the close of the last candle
// that ended by then (the report's buy-and-hold comparison). Undefined when there is none.
import type { CandleSource } from '../../core/ports/candles';
import type { HistoricalPrices } from '../../core/reporting/ports';

export class CandlePrices implements HistoricalPrices {
  constructor(private readonly candles: CandleSource) {}

  async priceAt(symbol: string, at: number): Promise<number | undefined> {
    try {
      const c = await this.candles.closedCandles(symbol, '1h', 1, at);
      const close = c.close[c.close.length - 1];
      return close !== undefined && close > 0 ? close : undefined;
    } catch {
      return undefined; // no market data: the report lists the symbol without a comparison
    }
  }
}
