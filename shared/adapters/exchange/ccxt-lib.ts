// The one place that imports ccxt. Everything else asks for an exchange class by id here, so a
// Lambda bundle swaps the whole library for the five classes it uses (ccxt-slim.ts, aliased in
// by infra/constructs/bundling.ts and bin/build-functions.ts) without touching any caller.
import { binanceusdm, bitget, bybit, okx, upbit } from 'ccxt';
import type { Exchange } from 'ccxt';

export {
  AuthenticationError,
  BadRequest,
  BadSymbol,
  DDoSProtection,
  DuplicateOrderId,
  ExchangeError,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  NetworkError,
  OperationFailed,
  OrderNotFound,
  PermissionDenied,
  RateLimitExceeded,
  RequestTimeout,
} from 'ccxt';
export type {
  Exchange as CcxtExchange,
  FundingHistory as CcxtFundingHistory,
  MarketInterface as CcxtMarket,
  Order as CcxtOrder,
  Position as CcxtPosition,
  Trade as CcxtTrade,
} from 'ccxt';

import type { CcxtExchangeId } from './exchange-ids';
export { CCXT_EXCHANGE_IDS, type CcxtExchangeId } from './exchange-ids';

type ExchangeConstructor = new (config?: Record<string, unknown>) => Exchange;

const CLASSES: Record<CcxtExchangeId, ExchangeConstructor> = {
  binanceusdm: binanceusdm as unknown as ExchangeConstructor,
  okx: okx as unknown as ExchangeConstructor,
  bybit: bybit as unknown as ExchangeConstructor,
  bitget: bitget as unknown as ExchangeConstructor,
  upbit: upbit as unknown as ExchangeConstructor,
};

/** A fresh ccxt instance of one of the supported exchanges. */
export function createCcxtExchange(id: CcxtExchangeId, config: Record<string, unknown> = {}): Exchange {
  const Ctor = CLASSES[id];
  return new Ctor(config);
}
