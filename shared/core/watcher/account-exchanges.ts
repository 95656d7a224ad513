// The exchange adapter of each account, kept for a few minutes: a trailing stop moved within a
// second cannot wait for a key decryption (KMS) and a market load on every tick. Keys stay inside
// the adapter, as in a warm Lambda container; an account whose keys change is read again after
// the TTL (a failed call with old keys fails that move only: the next tick retries).
import type { Account, Clock, ExchangeFactory, KeyVault, SendingExchange } from './ports';

export interface AccountExchangesDeps {
  exchanges: ExchangeFactory;
  vault: KeyVault;
  clock: Clock;
  /** how long an adapter is reused, ms (default 5 min) */
  ttlMs?: number;
}

export class AccountExchanges {
  private readonly cache = new Map<string, { at: number; exchange: Promise<SendingExchange> }>();

  constructor(private readonly deps: AccountExchangesDeps) {}

  forAccount(account: Account): Promise<SendingExchange> {
    const now = this.deps.clock.now();
    const kept = this.cache.get(account.accountId);
    if (kept && now - kept.at < (this.deps.ttlMs ?? 5 * 60_000)) return kept.exchange;
    const exchange = (async () => {
      const credentials = account.credentials
        ? await this.deps.vault.decrypt(account.accountId, account.credentials)
        : undefined;
      return this.deps.exchanges.forAccount(account, credentials);
    })();
    // A failure is not kept: the next tick tries again.
    exchange.catch(() => this.cache.delete(account.accountId));
    this.cache.set(account.accountId, { at: now, exchange });
    return exchange;
  }
}
