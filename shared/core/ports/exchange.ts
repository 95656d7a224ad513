// The exchange port: ccxt's unified vocabulary, reduced to what the executor needs. The paper
// exchange implements it now; the ccxt adapter (live exchanges) implements the same interface.
import type { OrderSide, OrderType } from '../domain/order';
import type { PositionSide } from '../domain/trade';

export interface MarketInfo {
  /** ccxt unified symbol */
  symbol: string;
  base: string;
  quote: string;
  settle: string;
  /** base units per contract (1 on Binance USDⓈ-M; 0.01 BTC on OKX BTC-USDT-SWAP) */
  contractSize: string;
  /** amount step in base units (decimal string, e.g. "0.001") */
  amountStep: string;
  /** price tick (decimal string) */
  priceStep: string;
  /** minimum order amount in base units */
  minAmount: string;
  /** minimum order notional in the quote currency (0 when none) */
  minNotional: string;
  maxLeverage: number;
}

export interface PriceQuote {
  symbol: string;
  last: number;
  bid?: number;
  ask?: number;
  /** epoch ms UTC of the quote */
  timestamp: number;
}

export interface AccountBalance {
  currency: string;
  /** wallet balance plus unrealized P&L */
  equity: number;
  /** available for new margin */
  free: number;
  /** margin locked in positions */
  used: number;
}

export interface ExchangePosition {
  symbol: string;
  side: PositionSide;
  /** base units, positive */
  quantity: string;
  entryPrice: string;
  leverage: number;
  unrealizedPnl: number;
  liquidationPrice?: number;
}

export type ExchangeOrderStatus = 'open' | 'closed' | 'canceled' | 'rejected' | 'expired';

export interface OrderRequest {
  symbol: string;
  side: OrderSide;
  type: OrderType;
  /** base units, already rounded down to the step */
  amount: string;
  triggerPrice?: string;
  reduceOnly: boolean;
  clientOrderId: string;
}

export interface ExchangeOrder {
  id: string;
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  status: ExchangeOrderStatus;
  amount: string;
  filled: string;
  /** average fill price (decimal string) when anything filled */
  average?: string;
  triggerPrice?: string;
  reduceOnly: boolean;
  /** fee in the quote currency */
  fee: number;
  feeCurrency: string;
  timestamp: number;
}

export interface ExchangePort {
  readonly exchangeId: string;
  /** Throws SignalRejectedError('UNKNOWN_SYMBOL') for a market the exchange does not list. */
  loadMarket(symbol: string): Promise<MarketInfo>;
  fetchPrice(symbol: string): Promise<PriceQuote>;
  fetchBalance(): Promise<AccountBalance>;
  fetchPosition(symbol: string): Promise<ExchangePosition | undefined>;
  fetchPositions(): Promise<ExchangePosition[]>;
  /** Sets leverage for the symbol; callers skip it when unchanged. */
  setLeverage(symbol: string, leverage: number): Promise<void>;
  /**
   * Places an order. A clientOrderId the exchange already knows raises DuplicateClientOrderIdError;
   * an outcome that cannot be known (timeout, 5xx) raises AmbiguousOrderError.
   */
  createOrder(request: OrderRequest): Promise<ExchangeOrder>;
  fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined>;
  fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]>;
  /** Cancelling an order that is already gone is not an error. */
  cancelOrder(symbol: string, clientOrderId: string): Promise<void>;
}

export class DuplicateClientOrderIdError extends Error {
  constructor(readonly clientOrderId: string) {
    super(`client order id ${clientOrderId} already used`);
    this.name = 'DuplicateClientOrderIdError';
  }
}
