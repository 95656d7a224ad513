// Points an unmodified ccxt Binance instance at the fake: every API root (fapiPublic, fapiPrivate,
// fapiPrivateV2/V3, sapi, …) keeps its path under the fake's base URL.

/** The part of a ccxt exchange instance this needs (ccxt itself is not imported here). */
export interface CcxtTarget {
  urls: { api?: unknown } & Record<string, unknown>;
  hostname?: string;
  getExceptionsByUrl?: (url: string, exactOrBroad: string) => unknown;
}

const PRODUCTION_HOST_BY_PREFIX: readonly [prefix: string, host: string][] = [
  ['/fapi/', 'fapi'],
  ['/futures/data', 'fapi'],
  ['/dapi/', 'dapi'],
  ['/eapi/', 'eapi'],
  ['/papi/', 'papi'],
  ['/sapi/', 'api'],
  ['/api/', 'api'],
];

/**
 * Rewrites exchange.urls.api in place. ccxt's binance picks its per-market error table (the
 * linear one maps -2019 to InsufficientFunds, -2022 and -4164 to InvalidOrder, …) from the host
 * of the request URL, so the instance is also told which production host each fake URL stands
 * for; without that every linear-only code would surface as a bare ExchangeError on loopback.
 */
export function pointCcxtAt(exchange: CcxtTarget, baseUrl: string): void {
  const base = baseUrl.replace(/\/+$/, '');
  const api = exchange.urls.api;
  if (typeof api !== 'object' || api === null) throw new Error('pointCcxtAt: exchange.urls.api is not a map of API roots');
  const roots = api as Record<string, unknown>;
  for (const key of Object.keys(roots)) {
    const value = roots[key];
    if (typeof value === 'string') roots[key] = base + new URL(value).pathname.replace(/\/+$/, '');
  }

  const original = exchange.getExceptionsByUrl;
  if (typeof original !== 'function') return;
  const hostname = exchange.hostname ?? 'binance.com';
  exchange.getExceptionsByUrl = (url: string, exactOrBroad: string) => {
    if (typeof url === 'string' && url.startsWith(base)) {
      const path = url.slice(base.length);
      const match = PRODUCTION_HOST_BY_PREFIX.find(([prefix]) => path.startsWith(prefix));
      if (match) return original.call(exchange, `https://${match[1]}.${hostname}${path}`, exactOrBroad);
    }
    return original.call(exchange, url, exactOrBroad);
  };
}
