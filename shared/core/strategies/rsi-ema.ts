// rsi-ema: RSI reversal in the direction of the trend. Long when the RSI crosses up out of
// oversold while the close is above EMA(trend); short when it crosses down out of overbought while
// the close is below it. A long exits when the RSI reaches overbought, a short when it reaches
// oversold.
import { EmaStream } from '../indicators/ema';
import { RsiStream } from '../indicators/rsi';
import { withLongOnly } from './long-only';
import { assertBelow, decide, protectionParams, signalSet, type SignalSet } from './signals';
import type { Bar, HeldPosition, StrategyDefinition, StrategyRunner, StrategySignal } from './types';

export type RsiEmaParams = {
  rsiPeriod: number;
  emaPeriod: number;
  oversold: number;
  overbought: number;
  slPct: number;
  tpPct: number;
};

class RsiEmaRunner implements StrategyRunner {
  private readonly rsi: RsiStream;
  private readonly trend: EmaStream;
  private readonly signals: SignalSet;
  private previousRsi = Number.NaN;

  constructor(private readonly params: RsiEmaParams) {
    assertBelow('oversold', params.oversold, 'overbought', params.overbought);
    this.rsi = new RsiStream(params.rsiPeriod);
    this.trend = new EmaStream(params.emaPeriod);
    this.signals = signalSet(params.slPct, params.tpPct);
  }

  next(bar: Bar, position: HeldPosition): StrategySignal | undefined {
    const close = bar.close;
    const { oversold, overbought } = this.params;
    const rsi = this.rsi.next(close);
    const trend = this.trend.next(close);
    const previous = this.previousRsi;
    this.previousRsi = rsi;
    // NaN compares false, so nothing fires before both indicators are warm.
    const enterLong = previous < oversold && rsi >= oversold && close > trend;
    const enterShort = previous > overbought && rsi <= overbought && close < trend;
    return decide(position, this.signals, enterLong, enterShort, rsi >= overbought, rsi <= oversold);
  }
}

const definition: StrategyDefinition<RsiEmaParams> = {
  id: 'rsi-ema',
  description: 'RSI leaving oversold/overbought, filtered by the side of an EMA trend line',
  params: [
    { name: 'rsiPeriod', type: 'int', default: 14, min: 7, max: 28, step: 1, description: 'RSI period (Wilder)' },
    { name: 'emaPeriod', type: 'int', default: 200, min: 50, max: 300, step: 25, description: 'trend EMA period' },
    { name: 'oversold', type: 'float', default: 30, min: 15, max: 40, step: 5, description: 'RSI oversold level' },
    {
      name: 'overbought',
      type: 'float',
      default: 70,
      min: 60,
      max: 85,
      step: 5,
      description: 'RSI overbought level (above oversold)',
    },
    ...protectionParams(0, 0),
  ],
  // The RSI is defined from candle rsiPeriod, its cross needs one more; the EMA from emaPeriod − 1.
  warmup: (p) => Math.max(p.rsiPeriod + 1, p.emaPeriod - 1),
  create: (p) => new RsiEmaRunner(p),
};

export const rsiEma = withLongOnly(definition);
