// Public market data for the funding-arb coordinator: each leg's exchange's settled funding (the
// fhist adapter) and its mark price and amount step, read keyless through ccxt (no credentials in
// the instance, so nothing is signed). One source per exchange and network for the process.
import type { Account } from '../../core/domain/account';
import { InvalidArgumentError } from '../../core/errors';
import type { ArbMarketData, ArbMarketQuote } from '../../core/funding/ports';
import type { FundingHistory } from '../../core/ports/funding-history';
import type { Clock } from '../../core/ports/runtime';
import { ccxtFundingHistoryFor, type FundingHistoryFor } from './ccxt-funding-history';
import { CcxtExchangeAdapter } from './ccxt-exchange';
import type { CcxtExchangeId } from './ccxt-lib';

export interface CcxtArbMarketDataOptions {
  clock: Clock;
  timeoutMs: number;
  /** a local fake per exchange (tests, the local stack): that exchange's API hosts are rewritten to it */
  apiUrls?: Partial<Record<CcxtExchangeId, string>>;
}

export class CcxtArbMarketData implements ArbMarketData {
  private readonly histories = new Map<string, FundingHistoryFor>();
  private readonly adapters = new Map<string, CcxtExchangeAdapter>();

  constructor(private readonly options: CcxtArbMarketDataOptions) {}

  fundingHistory(account: Account): FundingHistory {
    const url = this.options.apiUrls?.[account.exchange as CcxtExchangeId];
    let factory = this.histories.get(url ?? '');
    if (!factory) {
      factory = ccxtFundingHistoryFor({
        clock: this.options.clock,
        timeoutMs: this.options.timeoutMs,
        ...(url ? { apiUrl: url } : {}),
      });
      this.histories.set(url ?? '', factory);
    }
    const source = factory(account);
    if (!source)
      throw new InvalidArgumentError(
        `${account.exchange} has no funding history (spot or paper)`,
        'FUNDING_UNSUPPORTED',
      );
    return source;
  }

  async quote(account: Account, symbol: string): Promise<ArbMarketQuote> {
    const adapter = this.adapter(account);
    const [market, price] = await Promise.all([adapter.loadMarket(symbol), adapter.fetchPrice(symbol)]);
    return { mark: String(price.last), amountStep: market.amountStep, minAmount: market.minAmount };
  }

  private adapter(account: Account): CcxtExchangeAdapter {
    if (account.exchange === 'paper') throw new InvalidArgumentError('paper accounts have no exchange market data');
    const id = account.exchange as CcxtExchangeId;
    const key = `${id}|${account.testnet}`;
    let adapter = this.adapters.get(key);
    if (!adapter) {
      const url = this.options.apiUrls?.[id];
      adapter = new CcxtExchangeAdapter({
        id,
        testnet: account.testnet,
        marginMode: 'isolated',
        clock: this.options.clock,
        timeoutMs: this.options.timeoutMs,
        ...(url ? { apiUrl: url } : {}),
      });
      this.adapters.set(key, adapter);
    }
    return adapter;
  }
}
