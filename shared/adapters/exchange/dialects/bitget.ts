// Bitget v2 USDT-M futures.
import type { Dialect } from './dialect';
import { unifiedOps } from './dialect';

export const bitget: Dialect = {
  ...unifiedOps,
  id: 'bitget',
  // ccxt places Bitget's stop-loss/take-profit as whole-position orders: no take-profit ladder.
  capabilities: { derivatives: true, conditionalOrders: true, trailingStop: true, linkedProtection: false, sizedProtection: false },
  clientIdPattern: /^[A-Za-z0-9_-]{1,50}$/,
  options: { defaultType: 'swap', fetchMarkets: { types: ['swap'] }, fetchCurrencies: false },
  balanceCurrency: 'USDT',
  hasTestnet: true,
  errorCodes: {
    '40762': 'INSUFFICIENT_MARGIN',
    '45110': 'MIN_NOTIONAL',
    '40808': 'PRECISION',
    '22002': 'REDUCE_ONLY_FLAT',
    '40786': 'DUPLICATE_CLIENT_ID',
    '40005': 'CLOCK_SKEW',
    '40774': 'POSITION_MODE',
    '40109': 'ORDER_NOT_FOUND',
    '40006': 'AUTH_FAILED',
    '40037': 'AUTH_FAILED',
    '429': 'RATE_LIMITED',
    '40034': 'UNKNOWN_SYMBOL',
  },
  // Bitget refuses a trailing stop without an activation price: it then trails from the current price.
  trailingNeedsActivation: true,
  orderPlan: (plan, _request, { marginMode }) => ({ ...plan, params: { ...plan.params, marginMode } }),
  setLeverage: async ({ ex, marginMode }, market, leverage) => {
    await ex.setLeverage(leverage, market.symbol, { marginMode });
  },
};
