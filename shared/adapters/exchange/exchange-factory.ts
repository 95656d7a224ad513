// Chooses the exchange adapter for an account. Paper accounts get the paper exchange; live
// exchanges plug in here through the ccxt adapter (its own issue) behind the same port.
import { SignalRejectedError } from '../../core/errors';
import type { Account, ExchangeCredentials } from '../../core/domain/account';
import type { ExchangePort } from '../../core/ports/exchange';
import type { ExchangeFactory } from '../../core/ports/runtime';

export type AdapterBuilder = (
  account: Account,
  credentials: ExchangeCredentials | undefined,
) => ExchangePort | Promise<ExchangePort>;

export class RoutingExchangeFactory implements ExchangeFactory {
  constructor(private readonly builders: Partial<Record<Account['exchange'], AdapterBuilder>>) {}

  async forAccount(account: Account, credentials: ExchangeCredentials | undefined): Promise<ExchangePort> {
    const build = this.builders[account.exchange];
    if (!build) {
      throw new SignalRejectedError(
        `exchange ${account.exchange} is not enabled in this build`,
        'EXCHANGE_UNSUPPORTED',
        { exchange: account.exchange },
      );
    }
    return build(account, credentials);
  }
}
