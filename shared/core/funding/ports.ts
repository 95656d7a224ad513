// What the funding-arbitrage coordinator needs from the outside. Files in funding/ import ports
// from here only; the adapters satisfy these structurally.
import type { Account } from '../domain/account';
import type { Decimal } from '../domain/money';
import type { FundingHistory } from '../ports/funding-history';
import type { ArbRound } from './arb-round';

export type {
  AccountArbPlans,
  AccountRepository,
  AuditLog,
  OrderRepository,
  PositionBook,
  RiskStore,
  SignalLedger,
} from '../ports/repositories';
export type { Clock, SignalQueue } from '../ports/runtime';
export type { FundingHistory, SettledFunding } from '../ports/funding-history';

/** One market's figures for sizing a leg. */
export interface ArbMarketQuote {
  /** mark (or last) price, quote currency */
  mark: Decimal;
  /** base-amount step and minimum of the market */
  amountStep: Decimal;
  minAmount: Decimal;
}

/** Public market data of a leg's exchange (no key needed). */
export interface ArbMarketData {
  /** the settled-rate history of the account's exchange (and network) */
  fundingHistory(account: Account): FundingHistory;
  quote(account: Account, symbol: string): Promise<ArbMarketQuote>;
}

/**
 * A plan's current (or last) round, one row per plan on the perp account's partition. Writes are
 * conditional: `save(round, 0)` only creates, otherwise only at the version read; false when
 * another run wrote first (that run acts, this one does nothing).
 */
export interface ArbRoundStore {
  get(perpAccountId: string, planId: string): Promise<ArbRound | undefined>;
  save(round: ArbRound, expectedVersion: number): Promise<boolean>;
}
