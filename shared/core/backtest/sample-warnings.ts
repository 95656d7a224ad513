import type { MonteCarloMode } from './monte-carlo';

// Warnings that go next to the metrics of a backtest (and of a Monte Carlo run) made of too few
// trades: ratios over a handful of trades are mostly luck, and resampling a handful of trades can
// only recombine them. Thresholds and their reasons: docs/METRICS.md, "Too few trades".

/**
 * Below this many closed trades a backtest's ratios are flagged. At 30 trades the standard error of
 * a 50 % win rate is still ±9 points (√(0.5·0.5/30)): 30 is the usual floor for a rough read, not a proof.
 */
export const FEW_TRADES = 30;

/** The warnings for a backtest of `trades` closed trades (none when there are enough). */
export function backtestWarnings(trades: number): string[] {
  if (trades === 0) return ['no trades: every metric describes an account that never traded'];
  if (trades < FEW_TRADES)
    return [
      `only ${trades} trade${trades === 1 ? '' : 's'} (fewer than ${FEW_TRADES}): win rate, profit factor, Sharpe and the other ratios are mostly luck at this size; test a longer period or more symbols`,
    ];
  return [];
}

/** The warnings for a Monte Carlo run resampling `trades` trades (none when there are enough). */
export function monteCarloWarnings(trades: number, mode: MonteCarloMode): string[] {
  if (trades === 0) return ['no trades to resample: every run is the starting equity'];
  if (trades === 1) return ['one trade: every run repeats it, so the spread says nothing'];
  if (trades < FEW_TRADES)
    return [
      `only ${trades} trades (fewer than ${FEW_TRADES}): the runs ${mode === 'shuffle' ? 'reorder' : 'redraw'} these few, so the percentiles show their combinations, not the strategy's range`,
    ];
  return [];
}
