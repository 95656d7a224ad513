// Points an unmodified ccxt Binance instance at the fake: every API root (fapiPublic, fapiPrivate,
// fapiPrivateV2/V3, sapi, …) keeps its path under the fake's base URL, and ccxt's per-host error
// tables keep applying. The same rewrite the exchange adapter uses for EXCHANGE_API_URL.
import type { CcxtExchange } from '../../../shared/adapters/exchange/ccxt-lib';
import { pointAtBaseUrl } from '../../../shared/adapters/exchange/ccxt-exchange';

/** The part of a ccxt exchange instance this needs. */
export interface CcxtTarget {
  urls: { api?: unknown } & Record<string, unknown>;
  hostname?: string;
  getExceptionsByUrl?: (url: string, exactOrBroad: string) => unknown;
}

export function pointCcxtAt(exchange: CcxtTarget, baseUrl: string): void {
  if (typeof exchange.urls.api !== 'object' || exchange.urls.api === null)
    throw new Error('pointCcxtAt: exchange.urls.api is not a map of API roots');
  pointAtBaseUrl(exchange as unknown as CcxtExchange, baseUrl);
}
