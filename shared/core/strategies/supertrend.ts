// supertrend: follow the SuperTrend's direction. Long when it flips up, short when it flips down,
// each reversing the previous position; no signal between flips (after a stop-loss the next flip
// re-enters).
import { SuperTrendStream } from '../indicators/supertrend';
import { withLongOnly } from './long-only';
import { decide, protectionParams, signalSet, type SignalSet } from './signals';
import type { Bar, HeldPosition, StrategyDefinition, StrategyRunner, StrategySignal } from './types';

export type SuperTrendParams = { period: number; mult: number; slPct: number; tpPct: number };

class SuperTrendRunner implements StrategyRunner {
  private readonly trend: SuperTrendStream;
  private readonly signals: SignalSet;
  private previousDirection = Number.NaN;

  constructor(params: SuperTrendParams) {
    this.trend = new SuperTrendStream(params.period, params.mult);
    this.signals = signalSet(params.slPct, params.tpPct);
  }

  next(bar: Bar, position: HeldPosition): StrategySignal | undefined {
    this.trend.next(bar.high, bar.low, bar.close);
    const direction = this.trend.direction;
    const previous = this.previousDirection;
    this.previousDirection = direction;
    return decide(position, this.signals, previous < 0 && direction > 0, previous > 0 && direction < 0, false, false);
  }
}

const definition: StrategyDefinition<SuperTrendParams> = {
  id: 'supertrend',
  description: 'SuperTrend direction flips, reversing',
  params: [
    { name: 'period', type: 'int', default: 10, min: 5, max: 30, step: 1, description: 'ATR period' },
    { name: 'mult', type: 'float', default: 3, min: 1, max: 5, step: 0.5, description: 'band distance in ATRs' },
    ...protectionParams(0, 0),
  ],
  // The SuperTrend is defined from candle `period`; a flip needs the candle before it too.
  warmup: (p) => p.period + 1,
  create: (p) => new SuperTrendRunner(p),
};

export const superTrend = withLongOnly(definition);
