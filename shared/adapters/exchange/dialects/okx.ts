// OKX v5 USDT swaps: sizes in contracts (0.01 BTC), margin mode sent with every order (tdMode).
import type { Dialect } from './dialect';
import { unifiedOps } from './dialect';

export const okx: Dialect = {
  ...unifiedOps,
  id: 'okx',
  capabilities: { derivatives: true, conditionalOrders: true, trailingStop: true, linkedProtection: false },
  clientIdPattern: /^[A-Za-z0-9]{1,32}$/,
  options: { defaultType: 'swap', fetchMarkets: { types: ['swap'] }, fetchCurrencies: false },
  balanceCurrency: 'USDT',
  hasTestnet: true,
  errorCodes: {
    '51008': 'INSUFFICIENT_MARGIN',
    '51020': 'MIN_NOTIONAL',
    '51121': 'PRECISION',
    '51169': 'REDUCE_ONLY_FLAT',
    '51016': 'DUPLICATE_CLIENT_ID',
    '50102': 'CLOCK_SKEW',
    '51000': 'INVALID_ORDER',
    '51603': 'ORDER_NOT_FOUND',
    '50111': 'AUTH_FAILED',
    '50113': 'AUTH_FAILED',
    '50011': 'RATE_LIMITED',
    '51001': 'UNKNOWN_SYMBOL',
  },
  fundingQuery: { since: 'begin', until: 'end', market: 'instId' },
  orderPlan: (plan, _request, { marginMode }) => ({ ...plan, params: { ...plan.params, marginMode } }),
  setLeverage: async ({ ex, marginMode }, market, leverage) => {
    await ex.setLeverage(leverage, market.symbol, { marginMode });
  },
};
