// What the backtest needs from the outside: only the market's steps and limits, so an entry is
// sized exactly as the executor sizes it. Candles come in as data (types.ts), not through a port.
export type { MarketInfo } from '../ports/exchange';
