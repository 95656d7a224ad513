// Binance USDⓈ-M futures. Conditional orders live on the Algo Order API (POST/GET/DELETE
// /fapi/v1/algoOrder with `clientAlgoId`; ccxt routes them there); client ids are unique only
// among open orders.
import type { Dialect } from './dialect';
import { unifiedOps } from './dialect';

export const binanceusdm: Dialect = {
  ...unifiedOps,
  id: 'binanceusdm',
  capabilities: { derivatives: true, conditionalOrders: true, trailingStop: true, linkedProtection: false },
  clientIdPattern: /^[.A-Z:/a-z0-9_-]{1,36}$/,
  // fetchCurrencies off: loading markets then makes no signed call (faster, and a skewed clock
  // or a key without spot permissions cannot break it).
  options: {
    defaultType: 'swap',
    fetchMarkets: { types: ['linear'] },
    fetchCurrencies: false,
    adjustForTimeDifference: false,
  },
  balanceCurrency: 'USDT',
  hasTestnet: true,
  errorCodes: {
    '-1000': 'STATUS_UNKNOWN',
    '-1001': 'STATUS_UNKNOWN',
    '-1007': 'STATUS_UNKNOWN',
    '-2019': 'INSUFFICIENT_MARGIN',
    '-4164': 'MIN_NOTIONAL',
    '-1111': 'PRECISION',
    '-4003': 'PRECISION',
    '-2022': 'REDUCE_ONLY_FLAT',
    '-4116': 'DUPLICATE_CLIENT_ID',
    '-1021': 'CLOCK_SKEW',
    '-4061': 'POSITION_MODE',
    '-2013': 'ORDER_NOT_FOUND',
    '-2011': 'ORDER_NOT_FOUND',
    '-2015': 'AUTH_FAILED',
    '-2014': 'AUTH_FAILED',
    '-1022': 'AUTH_FAILED',
    '-1003': 'RATE_LIMITED',
    '-1015': 'RATE_LIMITED',
    '-4046': 'NO_CHANGE',
    '-4059': 'NO_CHANGE',
    '-5022': 'POST_ONLY_REJECTED',
    '-2021': 'WOULD_TRIGGER',
    '-1121': 'UNKNOWN_SYMBOL',
  },
  // The Algo Order API names a trailing stop's activation price `activatePrice`
  // (https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/New-Algo-Order;
  // Binance's connector: NewAlgoOrder(...).ActivatePrice); ccxt sends the plain order API's
  // `activationPrice`, which the algo API ignores without an error, so the stop would trail from
  // the price at placement instead of arming at the level asked for.
  orderPlan: (plan) => {
    const { trailingTriggerPrice, ...params } = plan.params;
    if (trailingTriggerPrice === undefined || params.trailingPercent === undefined) return plan;
    return { ...plan, params: { ...params, activatePrice: trailingTriggerPrice } };
  },
  // Binance reports the keys' rights on the main API (not on the testnet).
  keyPermissions: async ({ ex }, testnet) => {
    if (testnet)
      return {
        warnings: [
          'the Binance testnet does not report key permissions: make sure withdrawals are disabled on the real keys',
        ],
      };
    const restrictions =
      (await (
        ex as unknown as { sapiGetAccountApiRestrictions: () => Promise<Record<string, unknown>> }
      ).sapiGetAccountApiRestrictions()) ?? {};
    const warnings = restrictions.enableFutures === false ? ['futures trading is not enabled on these keys'] : [];
    return {
      canWithdraw: restrictions.enableWithdrawals === true,
      ipRestricted: restrictions.ipRestrict === true,
      warnings,
    };
  },
};
