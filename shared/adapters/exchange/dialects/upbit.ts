// Upbit KRW spot: long only, no leverage, no resting stop orders on the exchange, no testnet.
import type { Dialect } from './dialect';
import { unifiedOps } from './dialect';

const { setMarginMode: _margin, fetchHedged: _hedged, setOneWay: _oneWay, ...spotOps } = unifiedOps;

export const upbit: Dialect = {
  ...spotOps,
  id: 'upbit',
  capabilities: { derivatives: false, conditionalOrders: false, trailingStop: false, linkedProtection: false },
  clientIdPattern: /^[A-Za-z0-9_-]{1,40}$/,
  options: { createMarketBuyOrderRequiresPrice: false },
  balanceCurrency: 'KRW',
  hasTestnet: false,
  errorCodes: {
    insufficient_funds_bid: 'INSUFFICIENT_MARGIN',
    insufficient_funds_ask: 'INSUFFICIENT_MARGIN',
    under_min_total_bid: 'MIN_NOTIONAL',
    under_min_total_ask: 'MIN_NOTIONAL',
    invalid_price_bid: 'PRECISION',
    invalid_volume_bid: 'PRECISION',
    order_not_found: 'ORDER_NOT_FOUND',
    jwt_verification: 'AUTH_FAILED',
    invalid_access_key: 'AUTH_FAILED',
    too_many_requests: 'RATE_LIMITED',
  },
  minNotionalFallback: { quote: 'KRW', amount: '5000' },
};
