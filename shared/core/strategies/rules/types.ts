// Strategies as data: the rule-file format (docs/STRATEGIES.md). A rule file is JSON that names
// its parameters (with optimisation ranges), its entry and exit conditions over the indicators'
// series, and the protection its entries carry; compile.ts turns it once into the same
// StrategyDefinition a built-in is, so every consumer of a strategy takes a rule file as it is.
import type { StrategyTimeframe } from '../../domain/strategy-subscription';
import type { RegimeLabel } from '../../regimes/labels';

/** The format's name and version; a file must say it, so a later version is never misread. */
export const RULE_FORMAT = 'strategy-rules/1';

/**
 * One side of a comparison: a series expression ("close", "sma(close,$fast)", "bb(close,20,2).lower",
 * "ema(close,50)@4h"), a parameter ("$oversold") or a number.
 */
export type Operand = string | number;

/** The comparison operators; each is the key that holds the right operand. */
export const COMPARISONS = [
  'above', // a > b
  'below', // a < b
  'atLeast', // a ≥ b
  'atMost', // a ≤ b
  'crossesAbove', // previous a ≤ previous b, and a > b now
  'crossesBelow', // previous a ≥ previous b, and a < b now
  'risesTo', // previous a < previous b, and a ≥ b now
  'fallsTo', // previous a > previous b, and a ≤ b now
] as const;
export type ComparisonOp = (typeof COMPARISONS)[number];

/** "for": the condition held on this bar and the N − 1 before it (a number or "$param"). */
export type ForBars = number | string;

/** `{ "series": "close", "crossesAbove": "bb(close,20,2).lower" }`: exactly one operator key. */
export type Comparison = { series: Operand; for?: ForBars } & { [K in ComparisonOp]?: Operand };

export interface AllOf {
  all: Condition[];
  for?: ForBars;
}
export interface AnyOf {
  any: Condition[];
  for?: ForBars;
}
export interface NotOf {
  not: Condition;
  for?: ForBars;
}

/**
 * `{ "regime": "BULL" }` or `{ "regime": ["BULL", "SIDEWAYS"] }`: the market's regime on this bar
 * (docs/REGIMES.md) is that label, or one of them. False while no regime is confirmed yet.
 */
export interface RegimeIs {
  regime: RegimeLabel | RegimeLabel[];
  for?: ForBars;
}

export type Condition = Comparison | AllOf | AnyOf | NotOf | RegimeIs;

/** A list of conditions is all of them; an empty or absent list never fires. */
export interface SideConditions {
  long?: Condition[];
  short?: Condition[];
}

export interface RuleParam {
  type: 'int' | 'float' | 'bool';
  default: number | boolean;
  /** optimisation range (inclusive) for int/float */
  min?: number;
  max?: number;
  step?: number;
  description?: string;
}

/** One take-profit of a ladder: its distance (percent) and the share of the position it closes. */
export interface LadderStep {
  tp: Operand;
  share: Operand;
}

/** What each entry carries; percents of the entry price, parameters allowed ("$slPct"); 0 = none. */
export interface Protection {
  sl?: Operand;
  tp?: Operand;
  /** trailing stop distance, percent */
  trail?: Operand;
  /** several take-profits (shares sum to 100); not with `tp` */
  ladder?: LadderStep[];
  /** move the stop to the entry once the first take-profit filled */
  breakEven?: boolean;
}

/**
 * Entries sent as slices over time, as an alert's algo/horizon/interval/maxSlippageBps ask
 * (docs/EXECUTION-ALGOS.md): durations as "90s", "30m", "4h" or seconds.
 */
export interface RuleExecution {
  algo: 'twap' | 'adaptive';
  horizon: string | number;
  interval: string | number;
  /** adaptive only */
  maxSlippageBps?: number;
}

/** Entry size, as an alert's `size` (docs/SIGNALS.md): one of the three kinds. */
export type RuleSizing = { percent: Operand } | { quote: Operand } | { contracts: Operand };

export interface RuleFile {
  format: typeof RULE_FORMAT;
  /** lower-case letters, digits and dashes, as a built-in's id (and never one of theirs) */
  id: string;
  description?: string;
  /** the base timeframe the file is written for; required when a series names another ("…@4h") */
  timeframe?: StrategyTimeframe;
  /** parameter name → spec; "longOnly" is reserved (every strategy has it) */
  params?: Record<string, RuleParam>;
  /** the default of the longOnly parameter */
  longOnly?: boolean;
  /** conditions on parameters only ("$fast" below "$slow"): a set that breaks one is refused */
  constraints?: Comparison[];
  rules: {
    entry: SideConditions;
    exit?: SideConditions;
  };
  protection?: Protection;
  sizing?: RuleSizing;
  execution?: RuleExecution;
}

/** One problem of a rule file: where (a path into the file, as `rules.entry.long[1].above`) and what. */
export interface RuleIssue {
  path: string;
  message: string;
}

export type ParseResult = { ok: true; rules: RuleFile } | { ok: false; errors: RuleIssue[] };
