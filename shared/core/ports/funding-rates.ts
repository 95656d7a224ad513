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

/**
 * A symbol's funding rate as the risk-check job last read it, for the console (which never calls an
 * exchange): the reading and `asOf`, the time this deployment had it (epoch ms UTC).
 */
export interface FundingReading extends FundingRate {
  asOf: number;
}

/** What is stored per market: the last good reading (absent: none yet) and the last attempt. */
export interface StoredFunding {
  symbol: string;
  reading?: FundingReading;
  /** epoch ms of the last read attempt, good or failed: the next read waits from here */
  triedAt: number;
}

/**
 * The recorded funding rates, one partition per exchange and network (`fundingSourceOf`): public
 * market data, the same for every tenant, written once per market.
 */
export interface FundingReadingStore {
  /** The stored entries of `symbols` (a symbol never read is left out). */
  read(source: string, symbols: readonly string[]): Promise<StoredFunding[]>;
  /** Writes each entry unless the stored one is newer (a later attempt, or a fresher reading). */
  put(source: string, entries: readonly StoredFunding[]): Promise<void>;
}

/** Where an account's markets' funding is recorded: its exchange, `-testnet` on the testnet (other rates). */
export const fundingSourceOf = (account: { exchange: ExchangeId; testnet: boolean }): string =>
  account.testnet ? `${account.exchange}-testnet` : account.exchange;
