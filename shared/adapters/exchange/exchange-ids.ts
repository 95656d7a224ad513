// The live exchanges the product trades, without loading ccxt: CLIs and config validate ids here.
export type CcxtExchangeId = 'binanceusdm' | 'okx' | 'bybit' | 'bitget' | 'upbit';
export const CCXT_EXCHANGE_IDS: readonly CcxtExchangeId[] = ['binanceusdm', 'okx', 'bybit', 'bitget', 'upbit'];
