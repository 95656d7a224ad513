// sma-cross: long when the fast SMA crosses above the slow one, short when it crosses below, each
// reversing the previous position (with longOnly, the shorts only close the long).
import { SmaStream } from '../indicators/sma';
import { withLongOnly } from './long-only';
import { MovingAverageCrossRunner } from './ma-cross-runner';
import { assertBelow, protectionParams, signalSet } from './signals';
import type { StrategyDefinition } from './types';

export type SmaCrossParams = { fast: number; slow: number; slPct: number; tpPct: number };

const definition: StrategyDefinition<SmaCrossParams> = {
  id: 'sma-cross',
  description: 'fast/slow simple moving average crossover, reversing',
  params: [
    { name: 'fast', type: 'int', default: 10, min: 5, max: 50, step: 5, description: 'fast SMA period' },
    {
      name: 'slow',
      type: 'int',
      default: 30,
      min: 20,
      max: 200,
      step: 10,
      description: 'slow SMA period (above fast)',
    },
    ...protectionParams(0, 0),
  ],
  // The slow SMA is defined from candle slow − 1; a cross needs the candle before it too.
  warmup: (p) => p.slow,
  create(p) {
    assertBelow('fast', p.fast, 'slow', p.slow);
    return new MovingAverageCrossRunner(new SmaStream(p.fast), new SmaStream(p.slow), signalSet(p.slPct, p.tpPct));
  },
};

export const smaCross = withLongOnly(definition);
