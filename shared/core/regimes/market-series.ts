// The regime and the volatility as series a strategy reads one closed bar at a time: the strategy
// holds one MarketRegimeSeries per runner, feeds it each bar in its `next`, and reads the values
// of that bar. Every value at bar t is computed from bars ≤ t (RegimeStream, GarchVolStream and
// RealizedVolatility each are), so a strategy that decides on them at bar t's close has no
// look-ahead. This is what a rule file's "regime" and "garch_vol(…)" series would be fed from.
import { GarchVolStream, type GarchVolOptions } from './garch-stream';
import { labelIndex, type RegimeLabel, type RegimeSource } from './labels';
import { RegimeStream, type Bar, type RegimeStreamOptions } from './regime-stream';
import { RealizedVolatility } from './volatility';

export interface MarketRegimeOptions {
  regime?: RegimeStreamOptions;
  /** GARCH(1,1) volatility forecast; false = not computed (each refit costs a fit) */
  garch?: GarchVolOptions | false;
  /** realized volatility over `window` returns, annualised with `periodsPerYear`; absent = not computed */
  realized?: { window: number; periodsPerYear: number };
}

export interface MarketRegimeValue {
  /** the regime after hysteresis; undefined until one is confirmed */
  regime: RegimeLabel | undefined;
  /** the regime's probability this bar (NaN without a regime) */
  probability: number;
  source: RegimeSource;
  /** GARCH forecast of the next bar's return volatility (annualised when periodsPerYear is given); NaN when off or warming up */
  garchVol: number;
  /** annualised realized volatility; NaN when off or warming up */
  realizedVol: number;
}

export class MarketRegimeSeries {
  private readonly regime: RegimeStream;
  private readonly garch: GarchVolStream | undefined;
  private readonly realized: RealizedVolatility | undefined;

  constructor(options: MarketRegimeOptions = {}) {
    this.regime = new RegimeStream(options.regime);
    this.garch = options.garch === false ? undefined : new GarchVolStream(options.garch);
    this.realized = options.realized
      ? new RealizedVolatility(options.realized.window, options.realized.periodsPerYear)
      : undefined;
  }

  /** Feeds one closed bar (the strategies' Bar has these fields); returns this bar's values. */
  next(bar: Bar): MarketRegimeValue {
    const reading = this.regime.next(bar);
    return {
      regime: reading.label,
      probability: reading.label === undefined ? Number.NaN : reading.probabilities[labelIndex(reading.label)]!,
      source: reading.source,
      garchVol: this.garch ? this.garch.next(bar.close) : Number.NaN,
      realizedVol: this.realized ? this.realized.next(bar.close) : Number.NaN,
    };
  }
}
