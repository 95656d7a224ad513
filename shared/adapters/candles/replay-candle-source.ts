// Closed candles from the replayed candle files, on the replay's clock: the strategy runner's
// candle source on the local stack. The paper exchange prices fills from the same replay, so a
// local strategy trades on the prices it decided on.
//
// The replay plays one file candle per `msPerCandle` of wall time (ReplayPriceSource). A candle of
// a longer timeframe is k consecutive file candles (k = its length over the file's timeframe),
// aligned to k, merged (first open, highest high, lowest low, last close, summed volume); a shorter
// timeframe cannot be made from the file and is refused. Candles are stamped with their wall-clock
// open time on the replay clock, so they are strictly increasing even where the series loops.
import type { Candles } from '../../core/backtest/types';
import { TIMEFRAME_MS, type StrategyTimeframe } from '../../core/domain/strategy-subscription';
import type { CandleSource } from '../../core/ports/candles';
import { timeframeMs, type Candle } from '../prices/replay-price-source';
import { InvalidArgumentError } from '../../core/errors';

/** What of a ReplayPriceSource the candles need: its clock settings and its series. */
export interface ReplaySeries {
  readonly timeframe: string;
  readonly msPerCandle: number;
  readonly epochStart: number;
  candles(symbol: string): Promise<readonly Candle[]>;
}

export class ReplayCandleSource implements CandleSource {
  constructor(private readonly replay: ReplaySeries) {}

  spanMs(timeframe: StrategyTimeframe): number {
    return this.factor(timeframe) * this.replay.msPerCandle;
  }

  async closedCandles(symbol: string, timeframe: StrategyTimeframe, limit: number, now: number): Promise<Candles> {
    const k = this.factor(timeframe);
    const span = k * this.replay.msPerCandle;
    const series = await this.replay.candles(symbol);
    const length = series.length;
    // The slot being replayed at `now` is still forming; the `limit` slots before it are closed.
    const current = Math.floor((now - this.replay.epochStart) / span);
    const count = Math.max(0, Math.floor(limit));
    const out: Candles = {
      time: new Float64Array(count),
      open: new Float64Array(count),
      high: new Float64Array(count),
      low: new Float64Array(count),
      close: new Float64Array(count),
      volume: new Float64Array(count),
    };
    for (let j = 0; j < count; j++) {
      const slot = current - count + j;
      let high = -Infinity;
      let low = Infinity;
      let volume = 0;
      for (let m = 0; m < k; m++) {
        const c = series[mod(slot * k + m, length)] as Candle;
        if (m === 0) out.open[j] = c[1];
        high = Math.max(high, c[2]);
        low = Math.min(low, c[3]);
        volume += c[5];
        if (m === k - 1) out.close[j] = c[4];
      }
      out.time[j] = this.replay.epochStart + slot * span;
      out.high[j] = high;
      out.low[j] = low;
      out.volume[j] = volume;
    }
    return out;
  }

  /** File candles per candle of `timeframe`. */
  private factor(timeframe: StrategyTimeframe): number {
    const base = timeframeMs(this.replay.timeframe);
    const k = TIMEFRAME_MS[timeframe] / base;
    if (!Number.isInteger(k) || k < 1)
      throw new InvalidArgumentError(
        `the replay holds ${this.replay.timeframe} candles: ${timeframe} candles cannot be made from them`,
      );
    return k;
  }
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;
