// What reconciliation needs from the outside: the account half of the exchange (balance,
// positions, fills, funding) with the order half to act on what it finds, the book and order
// records it corrects, the risk store, the key vault and the clock. Files in reconciliation/
// import ports from here only; execution's protection is reached through execution/index.ts.
import type { SendingExchange } from '../execution';
import type { AuditLog } from '../ports/repositories';

export type { OrderReads } from '../execution';
export type {
  AccountReconciliation,
  ExchangePort,
  ExchangePosition,
  ExchangeTrade,
  VolatilityIndexReading,
} from '../ports/exchange';
export type {
  AccountRepository,
  AuditLog,
  OrderRepository,
  PositionBook,
  PositionMark,
  RiskStore,
  TradeRepository,
} from '../ports/repositories';
export type { Clock, ExchangeFactory, KeyVault } from '../ports/runtime';
export type { FundingRate, FundingRatesFor, FundingReadingStore, StoredFunding } from '../ports/funding-rates';
export { fundingSourceOf } from '../ports/funding-rates';

/**
 * What reconciling one account's book acts through: orders by client id, the price, and the
 * account's fills (the real exit of a position closed by hand); it cancels orphans and protective
 * orders, so it needs the order half, not the balance or the list of every position.
 */
export type ReconcilingExchange = SendingExchange;

/** The audit trail as the book reconciliation uses it: it only appends. */
export type AuditAppender = Pick<AuditLog, 'append'>;
