// The currency a market's money (P&L, fees, margin) is counted in, read from its ccxt unified
// symbol, so that no message names a currency the market does not use (Upbit settles in KRW).

/**
 * The settle currency of a derivative (`BTC/USDT:USDT` → USDT, inverse `BTC/USD:BTC` → BTC), else
 * the quote of a spot market (`BTC/KRW` → KRW); undefined for a string that is not a unified symbol.
 */
export function settleCurrencyOf(symbol: string): string | undefined {
  const slash = symbol.indexOf('/');
  if (slash <= 0) return undefined;
  const [quote, settle] = symbol.slice(slash + 1).split(':');
  const currency = settle !== undefined ? settle.split('-')[0] : quote;
  return currency ? currency : undefined;
}
