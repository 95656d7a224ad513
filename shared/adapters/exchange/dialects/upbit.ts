// Upbit KRW spot: long only, no leverage, no resting stop orders on the exchange, no testnet.
//
// Orders are found and cancelled by `uuid` OR `identifier` (our client id); when both are sent the
// uuid wins. ccxt's unified fetchOrder/cancelOrder send `uuid=` (empty) plus `clientOrderId=…`,
// a name Upbit does not know, so a look-up after an ambiguous send could never find our order, and
// the resend with the same identifier is refused for good ("once an identifier value has been used,
// it cannot be reused regardless of whether the order was created or executed"). The dialect asks
// by `identifier` alone, through ccxt's implicit methods (signing and error mapping stay ccxt's).
// Docs: https://global-docs.upbit.com/reference/individual-order-inquiry (GET /v1/order) and
// https://global-docs.upbit.com/reference/order-cancel (DELETE /v1/order), "One of uuid or
// identifier must be included … If both are provided, the query will be based on the uuid."
import type { CcxtExchange, CcxtMarket, CcxtOrder } from '../ccxt-lib';
import type { Dialect } from './dialect';
import { unifiedOps } from './dialect';

const { setMarginMode: _margin, fetchHedged: _hedged, setOneWay: _oneWay, ...spotOps } = unifiedOps;

type UpbitOrderApi = {
  privateGetOrder(params: Record<string, unknown>): Promise<unknown>;
  privateDeleteOrder(params: Record<string, unknown>): Promise<unknown>;
  parseOrder(order: unknown, market?: CcxtMarket): CcxtOrder;
};

const orderApi = (ex: CcxtExchange): UpbitOrderApi => ex as unknown as UpbitOrderApi;

export const upbit: Dialect = {
  ...spotOps,
  id: 'upbit',
  capabilities: { derivatives: false, conditionalOrders: false, trailingStop: false, linkedProtection: false },
  // "identifier": unique across every order of the account, never reusable.
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
  // Every new order is answered as accepted (state wait, nothing executed; the documented creation
  // example): a market order is read back by identifier, so its fill is booked in this invocation
  // (found by the fake Upbit: a close was sold on Upbit and never booked).
  createAnswersIdsOnly: true,
  fetchOrder: async ({ ex }, market, clientOrderId) => {
    const api = orderApi(ex);
    return api.parseOrder(await api.privateGetOrder({ identifier: clientOrderId }), market);
  },
  cancelOrder: async ({ ex }, _market, clientOrderId) => {
    await orderApi(ex).privateDeleteOrder({ identifier: clientOrderId });
  },
};
