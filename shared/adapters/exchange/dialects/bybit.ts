// Bybit v5 linear USDT perpetuals.
import type { Dialect } from './dialect';
import { unifiedOps } from './dialect';

export const bybit: Dialect = {
  ...unifiedOps,
  id: 'bybit',
  // Bybit's trailing stop is a position attribute, not an order: the risk engine emulates it.
  capabilities: { derivatives: true, conditionalOrders: true, trailingStop: false, linkedProtection: false },
  clientIdPattern: /^[A-Za-z0-9_-]{1,36}$/,
  options: { defaultType: 'swap', fetchMarkets: { types: ['linear'] }, fetchCurrencies: false },
  balanceCurrency: 'USDT',
  hasTestnet: true,
  errorCodes: {
    '110007': 'INSUFFICIENT_MARGIN',
    '110094': 'MIN_NOTIONAL',
    '170137': 'PRECISION',
    '110017': 'REDUCE_ONLY_FLAT',
    '110072': 'DUPLICATE_CLIENT_ID',
    '10002': 'CLOCK_SKEW',
    '110025': 'NO_CHANGE', // position mode not modified
    '110001': 'ORDER_NOT_FOUND',
    '10003': 'AUTH_FAILED',
    '10004': 'AUTH_FAILED',
    '10006': 'RATE_LIMITED',
    '110043': 'NO_CHANGE',
    '110026': 'NO_CHANGE',
    '10001': 'INVALID_ORDER',
  },
  // Funding comes from the execution list (execType Funding), where execFee is signed as a fee.
  fundingAsFee: true,
};
