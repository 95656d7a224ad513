// Builds the ccxt adapter for a live account, once per warm container and account: the instance
// keeps its HTTP keep-alive, its leverage/margin-mode memory and the shared markets between signals.
import { createHash } from 'node:crypto';
import type { Account, ExchangeCredentials } from '../../core/domain/account';
import { SignalRejectedError } from '../../core/errors';
import type { ExchangePort } from '../../core/ports/exchange';
import type { Clock } from '../../core/ports/runtime';
import { CcxtExchangeAdapter } from './ccxt-exchange';
import type { CcxtExchangeId } from './ccxt-lib';
import type { AdapterBuilder } from './exchange-factory';

export interface LiveExchangeOptions {
  clock: Clock;
  /** a local fake exchange's base URL (Binance dialect): tests and the local stack */
  apiUrl?: string;
  timeoutMs?: number;
  marketsTtlMs?: number;
  maxRetryAfterMs?: number;
  /** a testnet stage: mainnet accounts are refused */
  testnetOnly?: boolean;
  /** how a Retry-After is waited out; default setTimeout (tests record it instead of waiting) */
  sleep?: (ms: number) => Promise<void>;
}

export function liveExchangeBuilder(options: LiveExchangeOptions): AdapterBuilder {
  const instances = new Map<string, ExchangePort>();
  return (account: Account, credentials: ExchangeCredentials | undefined) => {
    if (!credentials) throw new SignalRejectedError(`account ${account.accountId} has no API keys`, 'NO_CREDENTIALS');
    if (options.testnetOnly && !account.testnet) {
      throw new SignalRejectedError(
        `this stage trades on testnets only; account ${account.accountId} is a mainnet account`,
        'TESTNET_ONLY_STAGE',
      );
    }
    // Keyed by a hash of the key too: rotated keys get a fresh instance; the key itself is not kept here.
    const key = `${account.accountId}|${createHash('sha256').update(credentials.apiKey).digest('hex').slice(0, 16)}|${account.settings.marginMode}`;
    let adapter = instances.get(key);
    if (!adapter) {
      adapter = new CcxtExchangeAdapter({
        id: account.exchange as CcxtExchangeId,
        credentials,
        testnet: account.testnet,
        marginMode: account.settings.marginMode,
        clock: options.clock,
        ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.marketsTtlMs ? { marketsTtlMs: options.marketsTtlMs } : {}),
        ...(options.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: options.maxRetryAfterMs } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
      if (instances.size > 100) instances.clear();
      instances.set(key, adapter);
    }
    return adapter;
  };
}
