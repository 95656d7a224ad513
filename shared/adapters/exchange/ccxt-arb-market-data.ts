// Public market data for the funding-arb coordinator: each leg's exchange's settled funding (the
// fhist adapter) and its mark price and amount step, read keyless through ccxt (no credentials in
// the instance, so nothing is signed). One source per exchange and network for the process.
import type { Account } from '../../core/domain/account';
import { InvalidArgumentError } from '../../core/errors';
import type { ArbMarketData, ArbMarketQuote } from '../../core/funding/ports';
import type { FundingHistory } from '../../core/ports/funding-history';
import type { Clock } from '../../core/ports/runtime';
import { ccxtFundingHistoryFor, type FundingHistoryFor } from './ccxt-funding-history';
import type { CcxtExchangeId } from './ccxt-lib';
import { keylessAdapters, type KeylessAdapters } from './keyless-adapters';

export interface CcxtArbMarketDataOptions {
  clock: Clock;
  timeoutMs: number;
  /** a local fake per exchange (tests, the local stack): that exchange's API hosts are rewritten to it */
  apiUrls?: Partial<Record<CcxtExchangeId, string>>;
}

export class CcxtArbMarketData implements ArbMarketData {
  /** per fake URL (or '' for the public hosts): one keyless adapter per exchange and network, and the
   * funding history over that same adapter, so quotes and history share one load of the markets */
  private readonly venues = new Map<string, { adapters: KeylessAdapters; histories: FundingHistoryFor }>();

  constructor(private readonly options: CcxtArbMarketDataOptions) {}

  fundingHistory(account: Account): FundingHistory {
    const source = this.venue(account).histories(account);
    if (!source)
      throw new InvalidArgumentError(
        `${account.exchange} has no funding history (spot or paper)`,
        'FUNDING_UNSUPPORTED',
      );
    return source;
  }

  async quote(account: Account, symbol: string): Promise<ArbMarketQuote> {
    if (account.exchange === 'paper') throw new InvalidArgumentError('paper accounts have no exchange market data');
    const adapter = this.venue(account).adapters(account.exchange as CcxtExchangeId, account.testnet);
    const [market, price] = await Promise.all([adapter.loadMarket(symbol), adapter.fetchPrice(symbol)]);
    return { mark: String(price.last), amountStep: market.amountStep, minAmount: market.minAmount };
  }

  private venue(account: Account): { adapters: KeylessAdapters; histories: FundingHistoryFor } {
    const url = account.exchange === 'paper' ? undefined : this.options.apiUrls?.[account.exchange as CcxtExchangeId];
    let venue = this.venues.get(url ?? '');
    if (!venue) {
      const common = { clock: this.options.clock, timeoutMs: this.options.timeoutMs, ...(url ? { apiUrl: url } : {}) };
      const adapters = keylessAdapters(common);
      venue = { adapters, histories: ccxtFundingHistoryFor({ ...common, adapters }) };
      this.venues.set(url ?? '', venue);
    }
    return venue;
  }
}
