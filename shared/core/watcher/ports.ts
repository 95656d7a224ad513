// What the price watcher needs from the outside: the price stream and its REST catch-up, the book
// and the accounts it watches, the risk table (its lease, the trailing marks, the breaker's
// samples), the exchanges and keys a trailing stop is moved with, the paper trigger settlement, the
// live-price store, and the clock and timers (injected: tests run the loop in virtual time).
import type { Account } from '../domain/account';

export type { Account, ExchangeCredentials } from '../domain/account';
export type { SendingExchange } from '../execution';
export type { MarketInfo } from '../ports/exchange';
export type { LivePriceStore, PriceCatchUp, PriceGap, PriceStream, PriceTick } from '../ports/price-stream';
export type { AccountRepository, AuditLog, PositionBook, RiskStore } from '../ports/repositories';
export type { PaperLedgerStore } from '../ports/paper';
export type { Clock, ExchangeFactory, KeyVault } from '../ports/runtime';

/**
 * Waits `ms`, or less when `signal` aborts (it then resolves: the caller checks why it woke).
 * setTimeout in production; tests advance a virtual clock instead.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Settles paper accounts' resting stops and targets of one symbol AT `price` (the tick's, or a
 * gap's extreme): the runtime pins the paper exchange's price source to it for the call, so the
 * fill price is the streamed price, not a later read. Returns the orders filled.
 */
export interface PaperTriggerSettler {
  settle(input: { symbol: string; price: number; accounts: readonly Account[] }): Promise<number>;
}
