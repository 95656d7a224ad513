// An account's standing order to run a built-in strategy on one symbol and timeframe: the paper
// and live strategy runner reads these from the account's settings on every candle close.
import type { SizeSpec } from '../signal/types';
import type { ParamValue, StrategyDefinition, StrategyParams } from '../strategies/types';

/** The candle timeframes the runner can be scheduled on (exchange-style names, UTC-aligned). */
export const STRATEGY_TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type StrategyTimeframe = (typeof STRATEGY_TIMEFRAMES)[number];

/** Length of one candle of each timeframe, ms. */
export const TIMEFRAME_MS: Readonly<Record<StrategyTimeframe, number>> = Object.freeze({
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
});

export const isStrategyTimeframe = (value: unknown): value is StrategyTimeframe =>
  typeof value === 'string' && (STRATEGY_TIMEFRAMES as readonly string[]).includes(value);

export interface StrategySubscription {
  /** stable id: derived from strategy, symbol and timeframe, so signal ids survive a re-enable */
  id: string;
  /** a built-in strategy id (shared/core/strategies/registry.ts), or the id of `rules` */
  strategy: string;
  /**
   * a rule-file strategy (docs/STRATEGIES.md: strategies/rules' RuleFile), stored with the
   * subscription; validated and compiled again on every read (subscriptionStrategy), so its type
   * here is only "a JSON object" and domain imports no capability for it
   */
  rules?: Readonly<Record<string, unknown>>;
  /** ccxt unified symbol, e.g. BTC/USDT:USDT */
  symbol: string;
  timeframe: StrategyTimeframe;
  /** every parameter of the strategy, resolved when the subscription was enabled */
  params: StrategyParams;
  /** entry size; absent: the account's default */
  size?: SizeSpec;
  /** entry leverage; absent: the account's default */
  leverage?: number;
  enabled: boolean;
  updatedAt: number;
}

/** The id a subscription gets: one per strategy, symbol and timeframe on an account. */
export function subscriptionId(strategy: string, compactSymbol: string, timeframe: StrategyTimeframe): string {
  return `${strategy}.${compactSymbol}.${timeframe}`;
}

/**
 * The parameters a runner is created with: the strategy's defaults, overridden by the stored
 * values of parameters it still has (a parameter added to a strategy later takes its default).
 */
export function subscriptionParams(definition: StrategyDefinition, stored: StrategyParams): StrategyParams {
  const params: StrategyParams = {};
  for (const spec of definition.params)
    params[spec.name] = Object.hasOwn(stored, spec.name) ? (stored[spec.name] as ParamValue) : spec.default;
  return params;
}
