// Building blocks every built-in strategy shares: its signals, allocated once per runner (the hold
// path allocates nothing and a signal object is never mutated after creation), the one rule that
// turns entry/exit conditions into a transition for the held position, and crossover tests.
import type { PriceLevel } from '../signal/types';
import type { HeldPosition, ParamSpec, StrategySignal } from './types';
import { InvalidArgumentError } from '../errors';

export interface SignalSet {
  long: StrategySignal;
  short: StrategySignal;
  closeLong: StrategySignal;
  closeShort: StrategySignal;
}

const percentLevel = (value: number): PriceLevel | undefined =>
  value > 0 ? Object.freeze({ kind: 'percent', value }) : undefined;

/** The four signals of a runner; entries carry stop-loss / take-profit percents when > 0. */
export function signalSet(slPct = 0, tpPct = 0): SignalSet {
  for (const [name, value] of [
    ['slPct', slPct],
    ['tpPct', tpPct],
  ] as const) {
    if (!(value >= 0 && value < Infinity))
      throw new InvalidArgumentError(`${name} must be a percent >= 0 (0 = none), got ${value}`);
  }
  const sl = percentLevel(slPct);
  const tp = percentLevel(tpPct);
  const entry = (action: 'long' | 'short'): StrategySignal =>
    Object.freeze({ action, ...(sl && { sl }), ...(tp && { tp }) });
  return {
    long: entry('long'),
    short: entry('short'),
    closeLong: Object.freeze({ action: 'close_long' }),
    closeShort: Object.freeze({ action: 'close_short' }),
  };
}

/**
 * What to do now, given this candle's conditions and the held position. Signals come only on
 * transitions: an entry is skipped when that side is already held (an opposite position is
 * reversed by it), an exit only when that side is held. Entries win over exits.
 */
export function decide(
  position: HeldPosition,
  signals: SignalSet,
  enterLong: boolean,
  enterShort: boolean,
  exitLong: boolean,
  exitShort: boolean,
): StrategySignal | undefined {
  if (enterLong && position !== 'long') return signals.long;
  if (enterShort && position !== 'short') return signals.short;
  if (exitLong && position === 'long') return signals.closeLong;
  if (exitShort && position === 'short') return signals.closeShort;
  return undefined;
}

/** a crossed above b on this candle: at or below it on the previous one, strictly above now. */
export const crossedAbove = (previousA: number, previousB: number, a: number, b: number): boolean =>
  previousA <= previousB && a > b;

/** a crossed below b on this candle: at or above it on the previous one, strictly below now. */
export const crossedBelow = (previousA: number, previousB: number, a: number, b: number): boolean =>
  previousA >= previousB && a < b;

/** Stop-loss and take-profit percent parameters (0 = none). */
export function protectionParams(slPct: number, tpPct: number): ParamSpec[] {
  return [
    {
      name: 'slPct',
      type: 'float',
      default: slPct,
      min: 0,
      max: 20,
      step: 1,
      description: 'stop-loss distance from the entry, percent (0 = none)',
    },
    {
      name: 'tpPct',
      type: 'float',
      default: tpPct,
      min: 0,
      max: 40,
      step: 2,
      description: 'take-profit distance from the entry, percent (0 = none)',
    },
  ];
}

/** Throws when `lower` is not below `upper`, naming both parameters. */
export function assertBelow(lowerName: string, lower: number, upperName: string, upper: number): void {
  if (!(lower < upper)) throw new InvalidArgumentError(`${lowerName} (${lower}) must be below ${upperName} (${upper})`);
}
