// macd-stoch: MACD crossovers confirmed by the stochastic. Long when the MACD line crosses above
// its signal line while %K is above %D (momentum rising) and below the overbought level (room left
// to rise); short mirror. A position exits on the opposite MACD cross (reversing when that cross
// is itself confirmed).
import { MacdStream } from '../indicators/macd';
import { StochasticStream } from '../indicators/stochastic';
import { withLongOnly } from './long-only';
import {
  assertBelow,
  crossedAbove,
  crossedBelow,
  decide,
  protectionParams,
  signalSet,
  type SignalSet,
} from './signals';
import type { Bar, HeldPosition, StrategyDefinition, StrategyRunner, StrategySignal } from './types';

export type MacdStochParams = {
  fast: number;
  slow: number;
  signal: number;
  kPeriod: number;
  kSmooth: number;
  dPeriod: number;
  oversold: number;
  overbought: number;
  slPct: number;
  tpPct: number;
};

class MacdStochRunner implements StrategyRunner {
  private readonly macd: MacdStream;
  private readonly stoch: StochasticStream;
  private readonly signals: SignalSet;
  private previousMacd = Number.NaN;
  private previousSignal = Number.NaN;

  constructor(private readonly params: MacdStochParams) {
    assertBelow('fast', params.fast, 'slow', params.slow);
    assertBelow('oversold', params.oversold, 'overbought', params.overbought);
    this.macd = new MacdStream(params.fast, params.slow, params.signal);
    this.stoch = new StochasticStream(params.kPeriod, params.kSmooth, params.dPeriod);
    this.signals = signalSet(params.slPct, params.tpPct);
  }

  next(bar: Bar, position: HeldPosition): StrategySignal | undefined {
    const macd = this.macd;
    const stoch = this.stoch;
    macd.next(bar.close);
    stoch.next(bar.high, bar.low, bar.close);
    const up = crossedAbove(this.previousMacd, this.previousSignal, macd.macd, macd.signal);
    const down = crossedBelow(this.previousMacd, this.previousSignal, macd.macd, macd.signal);
    this.previousMacd = macd.macd;
    this.previousSignal = macd.signal;
    const enterLong = up && stoch.k > stoch.d && stoch.k < this.params.overbought;
    const enterShort = down && stoch.k < stoch.d && stoch.k > this.params.oversold;
    return decide(position, this.signals, enterLong, enterShort, down, up);
  }
}

const definition: StrategyDefinition<MacdStochParams> = {
  id: 'macd-stoch',
  description: 'MACD signal-line crossovers confirmed by the stochastic oscillator',
  params: [
    { name: 'fast', type: 'int', default: 12, min: 6, max: 20, step: 2, description: 'MACD fast EMA period' },
    {
      name: 'slow',
      type: 'int',
      default: 26,
      min: 20,
      max: 40,
      step: 2,
      description: 'MACD slow EMA period (above fast)',
    },
    { name: 'signal', type: 'int', default: 9, min: 5, max: 15, step: 1, description: 'MACD signal EMA period' },
    { name: 'kPeriod', type: 'int', default: 14, min: 5, max: 21, step: 1, description: 'stochastic look-back' },
    { name: 'kSmooth', type: 'int', default: 3, min: 1, max: 5, step: 1, description: 'stochastic %K smoothing' },
    { name: 'dPeriod', type: 'int', default: 3, min: 1, max: 5, step: 1, description: 'stochastic %D period' },
    {
      name: 'oversold',
      type: 'float',
      default: 20,
      min: 10,
      max: 30,
      step: 5,
      description: 'stochastic oversold level',
    },
    {
      name: 'overbought',
      type: 'float',
      default: 80,
      min: 70,
      max: 90,
      step: 5,
      description: 'stochastic overbought level (above oversold)',
    },
    ...protectionParams(0, 0),
  ],
  // The signal line is defined from candle slow + signal − 2 (a cross needs one more); %D from
  // kPeriod + kSmooth + dPeriod − 3.
  warmup: (p) => Math.max(Math.max(p.fast, p.slow) + p.signal - 1, p.kPeriod + p.kSmooth + p.dPeriod - 3),
  create: (p) => new MacdStochRunner(p),
};

export const macdStoch = withLongOnly(definition);
