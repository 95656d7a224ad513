// Where the strategy runner reads candles: an exchange's public API in the cloud, the replayed
// candle files locally. Only closed candles ever reach a strategy.
import type { Candles } from '../backtest/types';
import type { StrategyTimeframe } from '../domain/strategy-subscription';

export interface CandleSource {
  /**
   * Up to `limit` of the latest candles of `symbol` whose close time (open + spanMs) is ≤ `now`,
   * oldest first; the candle still forming at `now` is never included.
   */
  closedCandles(symbol: string, timeframe: StrategyTimeframe, limit: number, now: number): Promise<Candles>;
  /** How long one candle of `timeframe` lasts on this source's clock, ms (a replay may run faster than real time). */
  spanMs(timeframe: StrategyTimeframe): number;
}
