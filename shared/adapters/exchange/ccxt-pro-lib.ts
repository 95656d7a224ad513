// The one place that imports ccxt pro (the websocket classes). Kept apart from ccxt-lib so the
// Lambda bundles, which alias 'ccxt' to the five REST classes (ccxt-slim.ts), never pull in the
// websocket clients: only the price watcher, a long-running process, imports this file.
import { pro } from 'ccxt';
import type { Exchange } from 'ccxt';
import type { CcxtExchangeId } from './exchange-ids';

type ExchangeConstructor = new (config?: Record<string, unknown>) => Exchange;

const CLASSES: Record<CcxtExchangeId, ExchangeConstructor> = {
  binanceusdm: pro.binanceusdm as unknown as ExchangeConstructor,
  okx: pro.okx as unknown as ExchangeConstructor,
  bybit: pro.bybit as unknown as ExchangeConstructor,
  bitget: pro.bitget as unknown as ExchangeConstructor,
  upbit: pro.upbit as unknown as ExchangeConstructor,
};

/** A fresh ccxt pro instance (REST and websocket) of one of the supported exchanges. */
export function createCcxtProExchange(id: CcxtExchangeId, config: Record<string, unknown> = {}): Exchange {
  const Ctor = CLASSES[id];
  return new Ctor(config);
}
