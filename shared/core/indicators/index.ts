// Technical indicators, pure and allocation-free per value. Batch forms take Float64Arrays and
// return series of the same length with NaN where a value is not defined yet; streaming forms take
// one value (or bar) per `next` call in O(1) and equal the batch value at the same index.
export { adx, AdxStream, type AdxSeries } from './adx';
export { atr, AtrStream, trueRange } from './atr';
export { bollinger, BollingerStream, type BollingerSeries } from './bollinger';
export { ema, EmaStream } from './ema';
export { ichimoku, IchimokuStream, type IchimokuSeries } from './ichimoku';
export { macd, MacdStream, type MacdSeries } from './macd';
export { RollingHighLow } from './rolling-high-low';
export { rsi, RsiStream } from './rsi';
export { sma, SmaStream } from './sma';
export { stochastic, StochasticStream, type StochasticSeries } from './stochastic';
export { supertrend, SuperTrendStream, type SuperTrendSeries } from './supertrend';
