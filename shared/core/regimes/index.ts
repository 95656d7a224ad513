// Market regimes (docs/REGIMES.md): a Gaussian HMM on log returns, GARCH(1,1) volatility, the
// ADX / ATR-percentile fallback, hysteresis, and the streaming RegimeStream that combines them.
export {
  REGIME_LABELS,
  isRegimeLabel,
  labelProbabilities,
  labelStates,
  type RegimeLabel,
  type RegimeSource,
} from './labels';
export {
  canonicalize,
  filterProbabilities,
  fitHmm,
  HmmFilter,
  logLikelihood,
  logReturns,
  smoothProbabilities,
  type GaussianHmm,
  type HmmFit,
  type HmmFitOptions,
} from './hmm';
export {
  fitGarch,
  forecastVariances,
  forecastVolatility,
  GarchFilter,
  unconditionalVariance,
  type GarchFit,
  type GarchParams,
} from './garch';
export { GarchVolStream, type GarchVolOptions } from './garch-stream';
export { ruleRegimes, RuleRegimeStream, type RuleRegimeOptions } from './rule-regime';
export { RegimeHysteresis, type HysteresisOptions } from './hysteresis';
export { regimeSeries, RegimeStream, type Bar, type RegimeReading, type RegimeStreamOptions } from './regime-stream';
export { barsPerYear, RealizedVolatility, realizedVolatility } from './volatility';
export { MarketRegimeSeries, type MarketRegimeOptions, type MarketRegimeValue } from './market-series';
export {
  backtestByRegime,
  breakdownByRegime,
  entryRegimes,
  REGIME_KEYS,
  type RegimeBreakdown,
  type RegimeKey,
  type RegimeTime,
  type RegimeTrades,
  type TradeOutcome,
} from './by-regime';
