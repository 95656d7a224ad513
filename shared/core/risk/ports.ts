// What the risk engine needs from the outside: daily candles for its market statistics, and the
// market's steps and limits for sizing and the checks. Files in risk/ import ports from here only.
export type { CandleSource } from '../ports/candles';
export type { MarketInfo } from '../ports/exchange';
