// The strategy runner's decision for one candle close: replay the strategy over the closed candles
// and return what it says on the last one. The same StrategyRunner the backtest engine drives, fed
// the same candles in the same order, so a live tick and a backtest bar cannot disagree.
import type { Candles } from '../backtest/types';
import type { Bar, HeldPosition, StrategyAction, StrategyDefinition, StrategyParams, StrategySignal } from './types';

/** The position a strategy's own signal leaves behind, as the backtest engine's legs would. */
export function positionAfter(position: HeldPosition, action: StrategyAction): HeldPosition {
  switch (action) {
    case 'long':
      return 'long';
    case 'short':
      return 'short';
    case 'close_long':
      return position === 'long' ? 'flat' : position;
    case 'close_short':
      return position === 'short' ? 'flat' : position;
    case 'close_all':
      return 'flat';
  }
}

/**
 * Feeds every candle to a fresh runner. Before the last candle the held position is simulated: it
 * starts flat and follows the strategy's own signals, so indicators and any position-dependent
 * state evolve as in a backtest over the same candles. On the last candle the caller passes the
 * account's real position (from the position book) instead: that one decides what is sent, and
 * the real account may differ from the simulation (a stop-loss or take-profit filled, an entry
 * was refused or sized to nothing, the owner closed by hand, the subscription started mid-trend).
 * Passing the simulated position there would send entries the account already holds, or closes
 * for positions it no longer has.
 */
export function signalOnLastCandle(
  definition: StrategyDefinition,
  params: StrategyParams,
  candles: Candles,
  heldNow: HeldPosition,
): StrategySignal | undefined {
  const n = candles.time.length;
  if (n === 0) return undefined;
  const runner = definition.create(params);
  const bar: Bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  let simulated: HeldPosition = 'flat';
  let signal: StrategySignal | undefined;
  for (let i = 0; i < n; i++) {
    bar.time = candles.time[i]!;
    bar.open = candles.open[i]!;
    bar.high = candles.high[i]!;
    bar.low = candles.low[i]!;
    bar.close = candles.close[i]!;
    bar.volume = candles.volume[i]!;
    const last = i === n - 1;
    signal = runner.next(bar, last ? heldNow : simulated);
    if (signal !== undefined && !last) simulated = positionAfter(simulated, signal.action);
  }
  return signal;
}
