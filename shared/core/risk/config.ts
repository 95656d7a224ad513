// Every limit, kill switch and sizing parameter of the risk engine, with the defaults a careful
// trader would choose (reasoning: docs/RISK.md). An account stores only its overrides; the
// effective configuration is the defaults merged with them (resolveRiskConfig).
import type { PositionSide } from '../domain/trade';
import type { RegimeLabel } from '../regimes/labels';

export type SizingMode = 'percent' | 'quote' | 'risk' | 'atr' | 'kelly';

export interface KellyConfig {
  /** fraction of the full Kelly bet taken (0.25 = quarter Kelly) */
  fraction: number;
  /** EMA span over the trade sequence: recent trades weigh more (weight of trade i ∝ (1-2/(span+1))^age) */
  emaSpan: number;
  /** shrinkage toward zero: the estimate is multiplied by n / (n + priorTrades) for n recorded trades */
  priorTrades: number;
  /** cap on the equity percent risked per trade, whatever the estimate says */
  maxRiskPct: number;
}

export interface AtrSizingConfig {
  /** ATR period on daily candles */
  period: number;
  /** the stop distance assumed for sizing: multiplier × ATR (a stop in the signal wins when closer) */
  multiplier: number;
  /** equity percent lost if the price moves multiplier × ATR against the position */
  riskPct: number;
}

export interface SizingConfig {
  mode: SizingMode;
  /** mode percent: equity percent committed as margin (× leverage = notional) */
  percent: number;
  /** mode quote: margin in the quote currency (× leverage = notional) */
  quote: number;
  /** mode risk: equity percent lost at the stop (needs a stop-loss in the signal) */
  riskPct: number;
  atr: AtrSizingConfig;
  kelly: KellyConfig;
}

export interface LiquidationConfig {
  /** the liquidation price must be at least this many stop distances away from the entry */
  minStopMultiple: number;
  /** maintenance margin rate assumed for the liquidation estimate (isolated margin) */
  maintenanceMarginRate: number;
}

export interface VolatilityRegimeConfig {
  /** realized volatility window, daily returns */
  shortDays: number;
  /** long-run volatility window, daily returns */
  longDays: number;
  /** leverage is scaled by long/short when short/long exceeds this ratio */
  threshold: number;
}

export interface CorrelationConfig {
  /** returns correlation (Pearson, daily) above which a same-direction position counts as the same bet */
  threshold: number;
  lookbackDays: number;
  action: 'refuse' | 'shrink';
  /** mode shrink: the new position's amount is multiplied by this */
  shrinkFactor: number;
}

export interface VarConfig {
  /** historical window, daily returns */
  lookbackDays: number;
  /** maximum 1-day 95 % VaR of the portfolio after the trade, percent of equity */
  maxPct95: number;
  /** maximum 1-day 99 % VaR, percent of equity */
  maxPct99: number;
}

export interface RiskLimits {
  /** account-wide leverage cap (from `account add --max-leverage` unless overridden here; the lower of the two wins) */
  maxLeverage: number;
  /** per-symbol leverage caps, unified symbol → cap */
  symbolMaxLeverage: Record<string, number>;
  /** one position's notional, percent of equity */
  maxPositionPct: number;
  /** sum of all open notionals after the trade, percent of equity */
  maxExposurePct: number;
  maxOpenPositions: number;
  longOnly: boolean;
  liquidation: LiquidationConfig;
  volatility: VolatilityRegimeConfig;
  correlation: CorrelationConfig;
  var: VarConfig;
}

export interface CircuitTier {
  /** absolute price move, percent */
  movePct: number;
  /** … within this many minutes */
  windowMinutes: number;
  /** entries paused this long after the trip */
  pauseMinutes: number;
}

export interface AnomalyConfig {
  /** an exchange call slower than this counts as an anomaly */
  maxLatencyMs: number;
  /** share of failed exchange calls over the last `errorWindow` calls, percent */
  maxErrorRatePct: number;
  errorWindow: number;
  /** bid/ask spread above this on a traded symbol, basis points */
  maxSpreadBps: number;
  pauseMinutes: number;
}

export interface KillSwitchConfig {
  /** loss from the start-of-day equity, percent, that blocks entries until the next day */
  dailyLossPct: number;
  /** IANA time zone whose midnight starts the trading day */
  timeZone: string;
  /** realized + unrealized drawdown from the equity peak, percent: flatten, disable, alert */
  maxDrawdownPct: number;
  /** this many losing trades in a row start a cooldown */
  lossStreak: number;
  cooldownMinutes: number;
  circuitBreaker: CircuitTier[];
  anomalies: AnomalyConfig;
  /**
   * Realized volatility (annualised, percent) of a traded symbol over the circuit breaker's last
   * hour of price samples at or above which entries pause for `anomalies.pauseMinutes`; 0 = off.
   */
  volatilityPct: number;
}

/** When and at what prices the executor still acts on a signal (docs/RISK.md, "Execution bounds"). */
export interface ExecutionBounds {
  /**
   * An entry that waited longer than this since the webhook received it (queue backlog, retries,
   * an outage) is rejected as SIGNAL_EXPIRED: the market it was meant for has moved on. Closes
   * and protective orders always execute, however late.
   */
  maxEntryLagSeconds: number;
  /**
   * The absolute prices of an entry (price, limit, sl, tp levels) must lie within the market's
   * last price ÷ factor … × factor; outside, the signal is refused before any order
   * (PRICE_OUT_OF_BAND): a price off by orders of magnitude is a broken alert, not a trade.
   */
  priceBandFactor: number;
  /**
   * An entry whose notional (the risk engine's size × price, quote currency) exceeds this is sent
   * as TWAP slices over `sliceHorizonSeconds`, one every `sliceIntervalSeconds`, when its signal
   * asks for no algo itself (docs/EXECUTION-ALGOS.md). 0: never.
   */
  sliceAboveQuote: number;
  sliceHorizonSeconds: number;
  sliceIntervalSeconds: number;
}

/** What an account allows while a symbol is in one market regime (docs/REGIMES.md "Per-regime limits"). */
export interface RegimeLimit {
  /** leverage above this is lowered to it */
  maxLeverage?: number;
  /** the symbol's same-side position may reach this percent of equity in notional; the entry is shrunk to fit */
  maxSizePct?: number;
  /** the sides an entry may open; absent = both, [] = none */
  sides?: PositionSide[];
}

/** Per-regime limits, keyed by regime label; a regime without an entry has no limits of its own. */
export type RegimeLimits = Partial<Record<RegimeLabel, RegimeLimit>>;

export interface RiskConfig {
  sizing: SizingConfig;
  /** per-strategy sizing overrides, keyed by the signal's `strategy` */
  strategySizing: Record<string, Partial<SizingConfig>>;
  limits: RiskLimits;
  switches: KillSwitchConfig;
  execution: ExecutionBounds;
  regimes: RegimeLimits;
}

export const DEFAULT_RISK_CONFIG: RiskConfig = {
  sizing: {
    mode: 'percent',
    percent: 10,
    quote: 100,
    riskPct: 1,
    atr: { period: 14, multiplier: 2, riskPct: 1 },
    kelly: { fraction: 0.25, emaSpan: 30, priorTrades: 20, maxRiskPct: 2 },
  },
  strategySizing: {},
  limits: {
    maxLeverage: 20,
    symbolMaxLeverage: {},
    maxPositionPct: 100,
    maxExposurePct: 200,
    maxOpenPositions: 5,
    longOnly: false,
    liquidation: { minStopMultiple: 2, maintenanceMarginRate: 0.005 },
    volatility: { shortDays: 7, longDays: 90, threshold: 1.5 },
    correlation: { threshold: 0.8, lookbackDays: 30, action: 'shrink', shrinkFactor: 0.5 },
    var: { lookbackDays: 90, maxPct95: 5, maxPct99: 10 },
  },
  switches: {
    dailyLossPct: 5,
    timeZone: 'UTC',
    maxDrawdownPct: 20,
    lossStreak: 3,
    cooldownMinutes: 60,
    circuitBreaker: [
      { movePct: 5, windowMinutes: 15, pauseMinutes: 30 },
      { movePct: 10, windowMinutes: 60, pauseMinutes: 240 },
    ],
    anomalies: { maxLatencyMs: 5000, maxErrorRatePct: 50, errorWindow: 10, maxSpreadBps: 30, pauseMinutes: 15 },
    volatilityPct: 0,
  },
  execution: {
    maxEntryLagSeconds: 60,
    priceBandFactor: 10,
    sliceAboveQuote: 0,
    sliceHorizonSeconds: 600,
    sliceIntervalSeconds: 60,
  },
  regimes: {},
};

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** What an account stores: only what differs from the defaults. Arrays and maps replace, objects merge. */
export type RiskOverrides = DeepPartial<RiskConfig>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function merge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    // Maps keyed by symbol or strategy replace whole: a removed key must disappear.
    out[key] =
      key === 'symbolMaxLeverage' || key === 'strategySizing'
        ? value
        : merge((base as Record<string, unknown>)[key], value);
  }
  return out as T;
}

export function resolveRiskConfig(overrides: RiskOverrides | undefined): RiskConfig {
  return overrides ? merge(DEFAULT_RISK_CONFIG, overrides) : DEFAULT_RISK_CONFIG;
}

/** The sizing that applies to a signal: the account's, with its strategy's overrides on top. */
export function sizingFor(config: RiskConfig, strategy: string | undefined): SizingConfig {
  const own = strategy ? config.strategySizing[strategy] : undefined;
  return own ? merge(config.sizing, own) : config.sizing;
}
