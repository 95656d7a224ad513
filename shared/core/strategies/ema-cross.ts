// ema-cross: long when the fast EMA crosses above the slow one, short when it crosses below, each
// reversing the previous position (with longOnly, the shorts only close the long).
import { EmaStream } from '../indicators/ema';
import { withLongOnly } from './long-only';
import { MovingAverageCrossRunner } from './ma-cross-runner';
import { assertBelow, protectionParams, signalSet } from './signals';
import type { StrategyDefinition } from './types';

export type EmaCrossParams = { fast: number; slow: number; slPct: number; tpPct: number };

const definition: StrategyDefinition<EmaCrossParams> = {
  id: 'ema-cross',
  description: 'fast/slow exponential moving average crossover, reversing',
  params: [
    { name: 'fast', type: 'int', default: 12, min: 5, max: 50, step: 1, description: 'fast EMA period' },
    { name: 'slow', type: 'int', default: 26, min: 10, max: 200, step: 2, description: 'slow EMA period (above fast)' },
    ...protectionParams(0, 0),
  ],
  // The slow EMA is seeded on candle slow − 1; a cross needs the candle before it too.
  warmup: (p) => p.slow,
  create(p) {
    assertBelow('fast', p.fast, 'slow', p.slow);
    return new MovingAverageCrossRunner(new EmaStream(p.fast), new EmaStream(p.slow), signalSet(p.slPct, p.tpPct));
  },
};

export const emaCross = withLongOnly(definition);
