// bb-reversion: Bollinger mean reversion. Long when the close crosses back above the lower band
// (it closed at or below the band on the previous candle and closes above it now: the rule of
// TradingView's built-in "Bollinger Bands Strategy", which waits for the return inside the band
// rather than buying every close below it), short when it crosses back below the upper band;
// a long exits when the close reaches the middle band, a short likewise. Entries carry the
// stop-loss and take-profit as percents of the fill. Defaults BB(20, 2.5), SL 5 %, TP 10 %.
import { BollingerStream } from '../indicators/bollinger';
import { withLongOnly } from './long-only';
import { crossedAbove, crossedBelow, decide, protectionParams, signalSet, type SignalSet } from './signals';
import type { Bar, HeldPosition, StrategyDefinition, StrategyRunner, StrategySignal } from './types';

export type BbReversionParams = { period: number; mult: number; slPct: number; tpPct: number };

class BbReversionRunner implements StrategyRunner {
  private readonly bands: BollingerStream;
  private readonly signals: SignalSet;
  private previousClose = Number.NaN;
  private previousLower = Number.NaN;
  private previousUpper = Number.NaN;

  constructor(params: BbReversionParams) {
    this.bands = new BollingerStream(params.period, params.mult);
    this.signals = signalSet(params.slPct, params.tpPct);
  }

  next(bar: Bar, position: HeldPosition): StrategySignal | undefined {
    const close = bar.close;
    const bands = this.bands;
    const middle = bands.next(close);
    const enterLong = crossedAbove(this.previousClose, this.previousLower, close, bands.lower);
    const enterShort = crossedBelow(this.previousClose, this.previousUpper, close, bands.upper);
    this.previousClose = close;
    this.previousLower = bands.lower;
    this.previousUpper = bands.upper;
    return decide(position, this.signals, enterLong, enterShort, close >= middle, close <= middle);
  }
}

const definition: StrategyDefinition<BbReversionParams> = {
  id: 'bb-reversion',
  description: 'Bollinger mean reversion: enter on the close back inside a band, exit at the middle band',
  params: [
    {
      name: 'period',
      type: 'int',
      default: 20,
      min: 10,
      max: 50,
      step: 5,
      description: 'Bollinger period (SMA and standard deviation)',
    },
    {
      name: 'mult',
      type: 'float',
      default: 2.5,
      min: 1.5,
      max: 3.5,
      step: 0.25,
      description: 'band width in population standard deviations',
    },
    ...protectionParams(5, 10),
  ],
  // Bands are defined from candle period − 1; a cross needs the candle before it too.
  warmup: (p) => p.period,
  create: (p) => new BbReversionRunner(p),
};

export const bbReversion = withLongOnly(definition);
