// What differs between the five exchanges once ccxt has unified the rest: capabilities, the
// client-id format, how a conditional order is flagged for look-up and cancel, and which account
// set-up calls exist. One record per exchange, so adding one is adding a record.
import type { ExchangeCapabilities } from '../../core/ports/exchange';
import type { CcxtExchangeId } from './ccxt-lib';

export interface Dialect {
  id: CcxtExchangeId;
  capabilities: ExchangeCapabilities;
  /** the exchange's rule for client order ids (our ids are 32 lower-case alphanumerics) */
  clientIdPattern: RegExp;
  /** params that make fetchOrder / cancelOrder address the conditional (algo/plan) book */
  conditionalLookup: Record<string, unknown>;
  /** one-way position mode can be read and set through ccxt */
  positionMode: boolean;
  /** margin mode (isolated/cross) is set per symbol */
  marginMode: boolean;
  /** ccxt options for this exchange (market types to load, defaults) */
  options: Record<string, unknown>;
  /** the exchange's minimum order value where ccxt's market carries none (Upbit: 5,000 KRW) */
  minNotionalFallback?: { quote: string; amount: string };
  /** ccxt's funding history amount is the exchange's fee (positive = paid), not the balance change */
  fundingAsFee?: boolean;
  /**
   * The exchange's own parameter names for the funding history's range and instrument, where
   * ccxt sends neither (OKX: the latest bills of every swap, whatever `since` says)
   */
  fundingQuery?: { since: string; until: string; market: string };
}

// fetchCurrencies is off for the swap exchanges: markets then load without a signed call (faster,
// and a skewed clock or a key without wallet rights cannot break loading); currencies are unused.
export const DIALECTS: Record<CcxtExchangeId, Dialect> = {
  binanceusdm: {
    id: 'binanceusdm',
    capabilities: { derivatives: true, conditionalOrders: true, trailingStop: true, linkedProtection: false },
    clientIdPattern: /^[.A-Z:/a-z0-9_-]{1,36}$/,
    conditionalLookup: { trigger: true },
    positionMode: true,
    marginMode: true,
    // fetchCurrencies off: loading markets then makes no signed call (faster, and a skewed clock
    // or a key without spot permissions cannot break it).
    options: { defaultType: 'swap', fetchMarkets: { types: ['linear'] }, fetchCurrencies: false, adjustForTimeDifference: false },
  },
  okx: {
    id: 'okx',
    capabilities: { derivatives: true, conditionalOrders: true, trailingStop: true, linkedProtection: false },
    clientIdPattern: /^[A-Za-z0-9]{1,32}$/,
    conditionalLookup: { trigger: true },
    positionMode: true,
    marginMode: true,
    options: { defaultType: 'swap', fetchMarkets: { types: ['swap'] }, fetchCurrencies: false },
    fundingQuery: { since: 'begin', until: 'end', market: 'instId' },
  },
  bybit: {
    id: 'bybit',
    // Bybit's trailing stop is a position attribute, not an order: the risk engine emulates it.
    capabilities: { derivatives: true, conditionalOrders: true, trailingStop: false, linkedProtection: false },
    clientIdPattern: /^[A-Za-z0-9_-]{1,36}$/,
    conditionalLookup: { trigger: true },
    positionMode: true,
    marginMode: true,
    options: { defaultType: 'swap', fetchMarkets: { types: ['linear'] }, fetchCurrencies: false },
    // Funding comes from the execution list (execType Funding), where execFee is signed as a fee.
    fundingAsFee: true,
  },
  bitget: {
    id: 'bitget',
    // ccxt places Bitget's stop-loss/take-profit as whole-position orders: no take-profit ladder.
    capabilities: { derivatives: true, conditionalOrders: true, trailingStop: true, linkedProtection: false, sizedProtection: false },
    clientIdPattern: /^[A-Za-z0-9_-]{1,50}$/,
    conditionalLookup: { trigger: true },
    positionMode: true,
    marginMode: true,
    options: { defaultType: 'swap', fetchMarkets: { types: ['swap'] }, fetchCurrencies: false },
  },
  upbit: {
    id: 'upbit',
    // KRW spot: long only, no leverage, no resting stop orders on the exchange.
    capabilities: { derivatives: false, conditionalOrders: false, trailingStop: false, linkedProtection: false },
    clientIdPattern: /^[A-Za-z0-9_-]{1,40}$/,
    conditionalLookup: {},
    positionMode: false,
    marginMode: false,
    options: { createMarketBuyOrderRequiresPrice: false },
    minNotionalFallback: { quote: 'KRW', amount: '5000' },
  },
};

/** The minimum order value of a market: ccxt's, else the dialect's fallback for that quote. */
export function minNotionalOf(dialect: Dialect, quote: string, fromMarket: number | undefined): string {
  if (fromMarket !== undefined) return String(fromMarket);
  const fallback = dialect.minNotionalFallback;
  return fallback && fallback.quote === quote ? fallback.amount : '0';
}
