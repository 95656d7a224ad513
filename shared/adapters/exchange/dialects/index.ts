// The dialect of each exchange the product trades, by ccxt id.
import type { CcxtExchangeId } from '../exchange-ids';
import { binanceusdm } from './binanceusdm';
import { bitget } from './bitget';
import { bybit } from './bybit';
import type { Dialect } from './dialect';
import { okx } from './okx';
import { upbit } from './upbit';

export type { Dialect, DialectContext, ErrorMeaning, KeyPermissions, OrderPlan } from './dialect';
export { OrderAbsentError } from './dialect';

export const DIALECTS: Record<CcxtExchangeId, Dialect> = { binanceusdm, okx, bybit, bitget, upbit };

/** The minimum order value of a market: ccxt's, else the dialect's fallback for that quote. */
export function minNotionalOf(dialect: Dialect, quote: string, fromMarket: number | undefined): string {
  if (fromMarket !== undefined) return String(fromMarket);
  const fallback = dialect.minNotionalFallback;
  return fallback && fallback.quote === quote ? fallback.amount : '0';
}
