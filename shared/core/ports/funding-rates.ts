// Where reports read the current funding rate of perpetual swaps: the exchange's public API (no
// key: a rate is market data, not account data). Read-only; nothing here ever places an order.
import type { ExchangeId } from '../domain/account';
import type { Decimal } from '../domain/money';

export interface FundingRate {
  /** our unified symbol, as asked */
  symbol: string;
  /** the rate of the current interval as a fraction (0.0001 = 0.01 % = 1 bp); positive: longs pay shorts */
  rate: Decimal;
  /** epoch ms UTC of the next settlement; undefined when the exchange does not say */
  nextFundingTime: number | undefined;
  /** length of one funding interval, ms; absent when the exchange does not say */
  intervalMs?: number;
}

export interface FundingRates {
  /**
   * The current rate of each symbol that has one, in the order asked. A symbol whose read fails or
   * that pays no funding (spot) is left out, never a reason to fail the others.
   */
  current(symbols: readonly string[]): Promise<FundingRate[]>;
}

/** The funding-rate source of an account's exchange; undefined when it has none (paper, spot). */
export type FundingRatesFor = (account: { exchange: ExchangeId; testnet: boolean }) => FundingRates | undefined;
