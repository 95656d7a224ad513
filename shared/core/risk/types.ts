// The risk engine's vocabulary: what a check sees, what it answers. Checks are small classes with
// one question each (freqtrade's protections); the engine runs them in stages (gates, leverage,
// amount) and records every answer, accepted or refused, with its numbers.
import type { Big, Decimal } from '../domain/money';
import type { PositionSide } from '../domain/trade';
import type { MarketInfo } from './ports';
import type { RiskConfig } from './config';
import type { CorrelationCache, MarketStats } from './stats';
import type { RegimeLabel } from '../regimes/labels';

export type Numbers = Record<string, number | string>;

/** An open position as the risk engine counts it. */
export interface OpenExposure {
  symbol: string;
  side: PositionSide;
  /** base units, positive */
  quantity: number;
  /** |quantity × price| in the quote currency (mark price when known, else entry), exact */
  notional: Decimal;
}

/** The entry being decided. `amount` is absent in the leverage stage (sizing comes after it). */
export interface Proposal {
  symbol: string;
  side: PositionSide;
  /** reference price for the decision (last price) */
  price: number;
  leverage: number;
  /** stop-loss trigger price when the signal carries one */
  stopPrice?: number;
  /** base units, a multiple of the market's amount step */
  amount?: Big;
}

export interface RiskContext {
  config: RiskConfig;
  /** the account's own leverage cap (AccountSettings.maxLeverage) */
  accountMaxLeverage: number;
  /** wallet balance + unrealized P&L, quote currency */
  equity: Decimal;
  market: MarketInfo;
  /** open positions before this entry (the entry's own symbol included when it adds to one) */
  open: readonly OpenExposure[];
  /** daily statistics per symbol, undefined when unavailable */
  stats(symbol: string): MarketStats | undefined;
  correlations: CorrelationCache;
  now: number;
  /**
   * The symbol's market regime when known (the per-regime limits' input; docs/REGIMES.md); absent
   * or undefined, the regime checks are skipped and say so.
   */
  regime?(symbol: string): RegimeView | undefined;
}

/** A symbol's regime as the risk checks see it. */
export interface RegimeView {
  label: RegimeLabel;
  /** what named it: the HMM or the ADX / ATR-percentile rules */
  source: string;
  /** close time of the last bar it read, UTC ms */
  asOf: number;
  /** the label's probability at that bar (1 from the rules), for reports */
  probability?: number;
}

export type CheckResult =
  | { outcome: 'pass' | 'skip'; reason: string; numbers: Numbers }
  /** a smaller leverage or amount (amount on the step, never larger than the one given) */
  | { outcome: 'adjust'; reason: string; numbers: Numbers; leverage?: number; amount?: Big }
  | { outcome: 'refuse'; code: string; reason: string; numbers: Numbers };

export type CheckStage = 'gate' | 'leverage' | 'amount';

export interface RiskCheck {
  readonly name: string;
  readonly stage: CheckStage;
  evaluate(proposal: Proposal, context: RiskContext): CheckResult;
}

/** One check's answer as recorded in the audit log. */
export type CheckRecord = CheckResult & { check: string };
