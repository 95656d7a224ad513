// Public market data (funding rates, funding history, prices, market steps) needs no key: one
// keyless adapter per exchange and network serves every reader of a process, so its markets are
// loaded once, not once per reader.
import type { Clock } from '../../core/ports/runtime';
import { CcxtExchangeAdapter } from './ccxt-exchange';
import type { CcxtExchangeId } from './ccxt-lib';

export interface KeylessAdapterOptions {
  clock: Clock;
  timeoutMs: number;
  /** a local fake exchange: every API host is rewritten to it */
  apiUrl?: string;
}

export type KeylessAdapters = (exchange: CcxtExchangeId, testnet: boolean) => CcxtExchangeAdapter;

/** The keyless adapter of an exchange and network, built on first use and kept. */
export function keylessAdapters(options: KeylessAdapterOptions): KeylessAdapters {
  const adapters = new Map<string, CcxtExchangeAdapter>();
  return (exchange, testnet) => {
    const key = `${exchange}|${testnet}`;
    let adapter = adapters.get(key);
    if (!adapter) {
      adapter = new CcxtExchangeAdapter({
        id: exchange,
        testnet,
        marginMode: 'isolated',
        clock: options.clock,
        timeoutMs: options.timeoutMs,
        ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
      });
      adapters.set(key, adapter);
    }
    return adapter;
  };
}
