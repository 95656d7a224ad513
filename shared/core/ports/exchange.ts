// The exchange port: ccxt's unified vocabulary, reduced to what the executor needs. The paper
// exchange implements it now; the ccxt adapter (live exchanges) implements the same interface.
import type { Decimal } from '../domain/money';
import type { OrderSide, OrderType, TimeInForce } from '../domain/order';
import type { PositionSide } from '../domain/trade';
import { AdapterError, SignalRejectedError, TransientError } from '../errors';

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
  /** largest amount one order may carry, base units (absent when the exchange sets none) */
  maxAmount?: string;
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
  equity: Decimal;
  /** available for new margin */
  free: Decimal;
  /** margin locked in positions */
  used: Decimal;
}

export interface ExchangePosition {
  symbol: string;
  side: PositionSide;
  /** base units, positive */
  quantity: string;
  entryPrice: string;
  leverage: number;
  unrealizedPnl: Decimal;
  /** a price the risk checks compare against, not an amount of money */
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
  /** limit price for limit orders (decimal string, on the tick) */
  price?: string;
  timeInForce?: TimeInForce;
  /** trailing stop distance in percent (trailing_stop_market) */
  trailingPercent?: number;
  reduceOnly: boolean;
  clientOrderId: string;
}

/** What an adapter can do natively; the executor refuses or falls back where a capability is missing. */
export interface ExchangeCapabilities {
  /** perpetual swaps with leverage and short selling (false: spot, long only) */
  derivatives: boolean;
  /** stop-loss / take-profit resting on the exchange */
  conditionalOrders: boolean;
  trailingStop: boolean;
  /** the exchange cancels sibling protective orders itself when one fills */
  linkedProtection: boolean;
  /** protective orders keep the size they are given (false: whole-position only, no ladder) */
  sizedProtection?: boolean;
}

/**
 * How the exchange fills a market order, when it is known exactly (the paper exchange's settings):
 * the fill price is the last price moved `slippageBps` against the trader, on the price tick, and
 * the fill pays `takerFeeRate` of its notional.
 */
export interface MarketFillModel {
  slippageBps: number;
  takerFeeRate: number;
}

/** How to find an order again: conditional orders live apart from plain ones on most exchanges. */
export interface OrderLookup {
  conditional?: boolean;
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
  fee: Decimal;
  feeCurrency: string;
  timestamp: number;
}

/** The latest reading of an exchange's own volatility index for one base coin. */
export interface VolatilityIndexReading {
  base: string;
  /** the span the exchange measures it over, days */
  periodDays: number;
  /** annualised, percent (exact decimal: the exchange's fraction × 100) */
  valuePct: Decimal;
  /** when the exchange computed it, epoch ms UTC */
  time: number;
  /** what it is, for the audit trail ("Bybit options 7-day historical volatility") */
  source: string;
}

/** One fill of the account on the exchange (ours or not). */
export interface ExchangeTrade {
  id: string;
  /** the order's client id when the exchange reports it */
  clientOrderId?: string;
  orderId?: string;
  symbol: string;
  side: OrderSide;
  /** base units */
  amount: string;
  price: string;
  /** fee in the quote currency */
  fee: Decimal;
  timestamp: number;
}

/** One funding settlement on a position. */
export interface FundingPayment {
  symbol: string;
  /** quote currency: negative = paid, positive = received */
  amount: Decimal;
  timestamp: number;
  id?: string;
}

/**
 * What placing and protecting a signal's orders needs: the market, its price and book, the live
 * position, leverage, and orders by our client id. The executor and the protection use this part.
 */
export interface OrderExecution {
  readonly exchangeId: string;
  readonly capabilities?: ExchangeCapabilities;
  /**
   * How a market order fills, when the exchange knows it exactly: the executor sizes an entry at
   * that fill, as the backtest does (docs/RISK.md). Absent: sized at the last price, no fee room.
   */
  readonly marketFill?: MarketFillModel;
  /** Throws SignalRejectedError('UNKNOWN_SYMBOL') for a market the exchange does not list. */
  loadMarket(symbol: string): Promise<MarketInfo>;
  fetchPrice(symbol: string): Promise<PriceQuote>;
  /** Order book or ticker spread around the price, for the slippage guard (market entries). */
  fetchBook?(symbol: string, depth: number): Promise<{ bids: [number, number][]; asks: [number, number][] }>;
  fetchPosition(symbol: string): Promise<ExchangePosition | undefined>;
  /** Sets leverage for the symbol; callers skip it when unchanged. */
  setLeverage(symbol: string, leverage: number): Promise<void>;
  /**
   * Places an order. A clientOrderId the exchange already knows raises DuplicateClientOrderIdError;
   * an outcome that cannot be known (timeout, 5xx) raises AmbiguousOrderError.
   */
  createOrder(request: OrderRequest): Promise<ExchangeOrder>;
  fetchOrderByClientId(symbol: string, clientOrderId: string, lookup?: OrderLookup): Promise<ExchangeOrder | undefined>;
  /** Cancelling an order that is already gone is not an error. */
  cancelOrder(symbol: string, clientOrderId: string, lookup?: OrderLookup): Promise<void>;
}

/**
 * What reconciling the book with the account reads: balance, every position, open orders, the
 * account's fills and funding. The risk-check job uses this part (with OrderExecution to act).
 */
export interface AccountReconciliation {
  readonly exchangeId: string;
  fetchBalance(): Promise<AccountBalance>;
  fetchPositions(): Promise<ExchangePosition[]>;
  fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]>;
  /**
   * The account's fills on `symbol` at or after `since` (epoch ms), oldest first: ours and those
   * made outside the system (by hand, liquidations). Amounts in base units (contracts times the
   * contract size), fees converted to the quote currency. Reconciliation reads the real exit of a
   * position closed by hand here; the order sender reads it as proof before a resend. Throws
   * SignalRejectedError('TRADES_UNSUPPORTED') where the exchange cannot list fills (Upbit),
   * 'HISTORY_TOO_LONG' when `since` needs too many requests.
   */
  fetchMyTrades?(symbol: string, since: number): Promise<ExchangeTrade[]>;
  /** Funding paid or received on `symbol` at or after `since` (epoch ms), oldest first; [] where none is charged (spot). */
  fetchFundingPayments?(symbol: string, since: number): Promise<FundingPayment[]>;
  /**
   * The exchange's own volatility index for a base coin (the latest reading), where ccxt exposes
   * one (Bybit's options historical volatility; docs/REGIMES.md). Undefined: not exposed by this
   * exchange, or none for this coin. Public data, read by the risk-check job's circuit breaker.
   */
  fetchVolatilityIndex?(base: string): Promise<VolatilityIndexReading | undefined>;
}

/** An exchange account: both parts (the adapters implement the whole). */
export interface ExchangePort extends OrderExecution, AccountReconciliation {}

/** The exchange throttles us: nothing was executed; wait `retryAfterMs` before the next call. */
export class RateLimitedError extends TransientError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    readonly exchangeCode?: string,
  ) {
    super(message);
  }
}

/** The exchange banned our IP (HTTP 418) until `until`: trading on the account halts until then. */
export class ExchangeBannedError extends SignalRejectedError {
  constructor(
    message: string,
    readonly until: number,
  ) {
    super(message, 'EXCHANGE_BANNED', { until });
  }
}

/** The exchange already holds an order with this client id: sending again would be refused again (the sender adopts it). */
export class DuplicateClientOrderIdError extends AdapterError {
  constructor(readonly clientOrderId: string) {
    super(`client order id ${clientOrderId} already used`, 'DUPLICATE_CLIENT_ID', false);
    this.name = 'DuplicateClientOrderIdError';
  }
}
