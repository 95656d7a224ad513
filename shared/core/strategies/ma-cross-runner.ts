// The runner behind sma-cross and ema-cross: long when the fast average crosses above the slow
// one, short when it crosses below, each reversing the previous position.
import { crossedAbove, crossedBelow, decide, type SignalSet } from './signals';
import type { Bar, HeldPosition, StrategyRunner, StrategySignal } from './types';

export interface MovingAverage {
  next(x: number): number;
}

export class MovingAverageCrossRunner implements StrategyRunner {
  private previousFast = Number.NaN;
  private previousSlow = Number.NaN;

  constructor(
    private readonly fast: MovingAverage,
    private readonly slow: MovingAverage,
    private readonly signals: SignalSet,
  ) {}

  next(bar: Bar, position: HeldPosition): StrategySignal | undefined {
    const fast = this.fast.next(bar.close);
    const slow = this.slow.next(bar.close);
    const up = crossedAbove(this.previousFast, this.previousSlow, fast, slow);
    const down = crossedBelow(this.previousFast, this.previousSlow, fast, slow);
    this.previousFast = fast;
    this.previousSlow = slow;
    return decide(position, this.signals, up, down, false, false);
  }
}
