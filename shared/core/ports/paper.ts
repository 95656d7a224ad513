// What the paper exchange needs from the world: somewhere to keep its ledger, a price, and the
// list of markets it simulates. Kept as ports so the same paper logic runs in Lambda (DynamoDB,
// live public prices) and locally (dynalite, replayed candles).
import type { ExchangeOrder, MarketInfo, PriceQuote } from './exchange';
import type { PositionSide } from '../domain/trade';

export interface PaperPosition {
  side: PositionSide;
  /** base units */
  quantity: string;
  entryPrice: string;
  leverage: number;
  /** isolated margin locked, quote currency */
  margin: string;
}

export interface PaperState {
  accountId: string;
  currency: string;
  /** realized balance: deposits + realized P&L - fees (quote currency, decimal string) */
  walletBalance: string;
  positions: Record<string, PaperPosition>;
  leverage: Record<string, number>;
  /** the last orders applied to this state, so a re-applied fill is recognised (bounded list) */
  appliedOrderIds: string[];
  version: number;
  updatedAt: number;
}

/** A paper order with what the simulation needs besides ccxt's fields. */
export interface PaperOrder extends ExchangeOrder {
  accountId: string;
  /** true once its fill has been applied to the PaperState */
  applied: boolean;
}

export interface PaperLedgerStore {
  getState(accountId: string): Promise<PaperState | undefined>;
  /** Conditional on `expectedVersion` (0 = must not exist); ConditionalConflictError otherwise. */
  saveState(state: PaperState, expectedVersion: number): Promise<void>;
  /** false when an order with this client id already exists */
  putOrder(order: PaperOrder): Promise<boolean>;
  getOrder(accountId: string, clientOrderId: string): Promise<PaperOrder | undefined>;
  updateOrder(order: PaperOrder): Promise<void>;
  listOpenOrders(accountId: string): Promise<PaperOrder[]>;
  /** orders marked filled whose fill never reached the state (a crash between the two writes) */
  listUnappliedFills(accountId: string): Promise<PaperOrder[]>;
}

export interface PriceSource {
  getPrice(symbol: string): Promise<PriceQuote>;
}

export interface MarketCatalog {
  get(symbol: string): MarketInfo | undefined;
  list(): MarketInfo[];
}
