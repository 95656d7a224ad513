// The strategy contract shared by the backtest engine, the paper account and the live strategy
// runner. A strategy is fed closed candles one at a time, so it cannot read a candle after the
// current one: look-ahead is impossible by construction, not by discipline.
import type { AlgoSpec } from '../signal/algo';
import type { PriceLevel, SizeSpec, TakeProfitLevel } from '../signal/types';

/** The same actions a webhook alert carries (docs/SIGNALS.md). */
export type StrategyAction = 'long' | 'short' | 'close_long' | 'close_short' | 'close_all';

export interface StrategySignal {
  action: StrategyAction;
  sl?: PriceLevel;
  tp?: PriceLevel;
  /** Rule files' protection beyond sl/tp (docs/STRATEGIES.md), as an alert carries it: the live
   * runner forwards these; the backtest engine applies sl and tp only. */
  tpLevels?: TakeProfitLevel[];
  breakEven?: boolean;
  trailPct?: number;
  /** the strategy's entry size, used when the subscription sets none */
  size?: SizeSpec;
  /** entries only: send the entry as slices over time (Signal.algo); the backtest simulates them */
  algo?: AlgoSpec;
}

/** One closed candle. The engine may reuse the object between calls: copy what you keep. */
export interface Bar {
  /** open time, epoch ms UTC */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The position the account holds when the candle closes (from the book, or the backtest's). */
export type HeldPosition = 'long' | 'flat' | 'short';

export type ParamValue = number | boolean;
export type StrategyParams = Record<string, ParamValue>;

export interface ParamSpec {
  name: string;
  type: 'int' | 'float' | 'bool';
  default: ParamValue;
  /** optimisation range (inclusive) for int/float */
  min?: number;
  max?: number;
  step?: number;
  description: string;
}

export interface StrategyRunner {
  /** Feed the next closed candle; returns what to do now, or undefined to hold. O(1) per call. */
  next(bar: Bar, position: HeldPosition): StrategySignal | undefined;
}

export interface StrategyDefinition<P extends StrategyParams = StrategyParams> {
  id: string;
  description: string;
  params: readonly ParamSpec[];
  /** closed candles needed before the first signal can be meaningful */
  warmup(params: P): number;
  create(params: P): StrategyRunner;
}
