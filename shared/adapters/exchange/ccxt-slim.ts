// Build-time stand-in for the 'ccxt' package inside Lambda bundles (esbuild alias, see
// infra/constructs/bundling.ts): only the five exchange classes the product trades and the error
// classes, by file, instead of ccxt's index that pulls in every exchange (≈6 MB → ≈1.1 MB).
// The paths go around ccxt's package "exports", which hides these files from deep imports.
export { default as binanceusdm } from '../../../node_modules/ccxt/js/src/binanceusdm.js';
export { default as okx } from '../../../node_modules/ccxt/js/src/okx.js';
export { default as bybit } from '../../../node_modules/ccxt/js/src/bybit.js';
export { default as bitget } from '../../../node_modules/ccxt/js/src/bitget.js';
export { default as upbit } from '../../../node_modules/ccxt/js/src/upbit.js';
import binanceusdmPro from '../../../node_modules/ccxt/js/src/pro/binanceusdm.js';
import okxPro from '../../../node_modules/ccxt/js/src/pro/okx.js';
import bybitPro from '../../../node_modules/ccxt/js/src/pro/bybit.js';
import bitgetPro from '../../../node_modules/ccxt/js/src/pro/bitget.js';
import upbitPro from '../../../node_modules/ccxt/js/src/pro/upbit.js';
/**
 * ccxt pro's websocket classes of the same five, for the price watcher (ccxt-pro-lib.ts). A bundle
 * that never imports ccxt-pro-lib drops them: ccxt declares itself free of side effects.
 */
export const pro = { binanceusdm: binanceusdmPro, okx: okxPro, bybit: bybitPro, bitget: bitgetPro, upbit: upbitPro };
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
} from '../../../node_modules/ccxt/js/src/base/errors.js';
