// What differs between the five exchanges once ccxt has unified the rest: capabilities, client-id
// rules, error codes, and the few calls where ccxt's unified method is wrong or incomplete for an
// exchange. One file per exchange (this folder), each a record plus the methods it overrides, so
// adding an exchange is adding one file; the adapter (../ccxt-exchange.ts) holds no exchange branch.
import type { Decimal } from '../../../core/domain/money';
import type { OrderType } from '../../../core/domain/order';
import { AdapterError } from '../../../core/errors';
import type { ExchangeCapabilities, OrderLookup, OrderRequest } from '../../../core/ports/exchange';
import type { CcxtExchange, CcxtExchangeId, CcxtMarket, CcxtOrder } from '../ccxt-lib';

/** Domain reading of an exchange error code (see ../ccxt-errors.ts). */
export type ErrorMeaning =
  | 'INSUFFICIENT_MARGIN'
  | 'MIN_NOTIONAL'
  | 'PRECISION'
  | 'REDUCE_ONLY_FLAT'
  | 'DUPLICATE_CLIENT_ID'
  | 'CLOCK_SKEW'
  | 'POSITION_MODE'
  | 'ORDER_NOT_FOUND'
  | 'AUTH_FAILED'
  | 'RATE_LIMITED'
  | 'NO_CHANGE'
  | 'POST_ONLY_REJECTED'
  | 'WOULD_TRIGGER'
  | 'UNKNOWN_SYMBOL'
  | 'INVALID_ORDER'
  /** the exchange cannot say whether the request was executed (5xx "unknown error", backend timeout) */
  | 'STATUS_UNKNOWN';

/** What a dialect's calls may use: the ccxt instance and the account's settings. */
export interface DialectContext {
  ex: CcxtExchange;
  marginMode: 'isolated' | 'cross';
}

/** The arguments of ccxt's createOrder, before the dialect adjusts them. */
export interface OrderPlan {
  type: 'market' | 'limit';
  price: number | undefined;
  params: Record<string, unknown>;
}

export interface KeyPermissions {
  canWithdraw?: boolean;
  ipRestricted?: boolean;
  warnings: string[];
}

export interface Dialect {
  id: CcxtExchangeId;
  capabilities: ExchangeCapabilities;
  /** the exchange's rule for client order ids (our ids are 32 lower-case alphanumerics) */
  clientIdPattern: RegExp;
  /** ccxt options for this exchange (market types to load, defaults) */
  options: Record<string, unknown>;
  /** the currency whose balance is the account's equity */
  balanceCurrency: string;
  /** the exchange runs a testnet / demo environment ccxt can reach */
  hasTestnet: boolean;
  /** the exchange's own error codes, read before ccxt's error class */
  errorCodes: Record<string, ErrorMeaning>;
  /** the exchange's minimum order value where ccxt's market carries none (Upbit: 5,000 KRW) */
  minNotionalFallback?: { quote: string; amount: string };
  /** ccxt's funding history amount is the exchange's fee (positive = paid), not the balance change */
  fundingAsFee?: boolean;
  /**
   * The exchange's own parameter names for the funding history's range and instrument, where
   * ccxt sends neither (OKX: the latest bills of every swap, whatever `since` says)
   */
  fundingQuery?: { since: string; until: string; market: string };
  /**
   * The exchange's own volatility index ccxt reads with `fetchVolatilityHistory` (Bybit: the
   * options market's historical volatility per base coin), the period asked and how the audit names
   * it. Absent: not exposed (the adapter answers undefined).
   */
  volatilityIndex?: { periodDays: number; source: string };
  /** a trailing stop needs an activation price (Bitget): the adapter supplies the last price */
  trailingNeedsActivation?: boolean;
  /**
   * The exchange answers an order placement with its ids only (Bybit, Bitget): the adapter reads the order
   * back by client id, so a market order's fill is known at once instead of at the next sync.
   */
  createAnswersIdsOnly?: boolean;
  /** The account's equity in `currency` from the exchange's balance answer, where ccxt's total leaves out unrealised P&L. */
  balanceEquity?(info: unknown, currency: string): Decimal | undefined;
  /** The order's type where the exchange says it its own way (undefined: the adapter's reading). */
  orderType?(order: CcxtOrder): OrderType | undefined;

  /** ccxt's createOrder arguments, adjusted where the exchange names things its own way. */
  orderPlan(plan: OrderPlan, request: OrderRequest, ctx: DialectContext): OrderPlan;
  /** The order by our client id; throws ccxt's OrderNotFound (or the exchange's code for it) when absent. */
  fetchOrder(ctx: DialectContext, market: CcxtMarket, clientOrderId: string, lookup: OrderLookup): Promise<CcxtOrder>;
  /** Cancels the order by our client id; "not found" must mean the exchange looked for that id. */
  cancelOrder(ctx: DialectContext, market: CcxtMarket, clientOrderId: string, lookup: OrderLookup): Promise<void>;
  /** Open orders, plain or conditional, on one market or all. */
  fetchOpenOrders(ctx: DialectContext, market: CcxtMarket | undefined, lookup: OrderLookup): Promise<CcxtOrder[]>;
  /** Sets the margin mode of the symbol (undefined: the exchange has none). */
  setMarginMode?(ctx: DialectContext, market: CcxtMarket, leverage: number): Promise<void>;
  setLeverage(ctx: DialectContext, market: CcxtMarket, leverage: number): Promise<void>;
  /** Whether the account is in hedge mode (undefined: the exchange has no position mode). */
  fetchHedged?(ctx: DialectContext): Promise<boolean>;
  setOneWay?(ctx: DialectContext): Promise<void>;
  /**
   * The ids of the plain orders a fired conditional order became, where the exchange reports them
   * (empty: none). Usually one; OKX lists every order a split TP/SL placed.
   */
  triggeredOrderIds(conditional: CcxtOrder): string[];
  /** What the exchange says of the keys' rights (withdrawals, IP restriction), where it says anything. */
  keyPermissions?(ctx: DialectContext, testnet: boolean): Promise<KeyPermissions>;
}

/** The operations of a dialect: ccxt's unified methods, as every exchange starts. */
export type DialectOps = Pick<
  Dialect,
  | 'orderPlan'
  | 'fetchOrder'
  | 'cancelOrder'
  | 'fetchOpenOrders'
  | 'setMarginMode'
  | 'setLeverage'
  | 'fetchHedged'
  | 'setOneWay'
  | 'triggeredOrderIds'
>;

/**
 * Thrown by a dialect's own look-up or cancel when it asked the exchange for the client id and the
 * exchange has no such order (../ccxt-errors.ts reads it as "not found": already gone).
 */
export class OrderAbsentError extends AdapterError {
  constructor(message: string) {
    super(message, 'ORDER_NOT_FOUND', false);
    this.name = 'OrderAbsentError';
  }
}

/** Params that make ccxt's unified order calls address the conditional (algo/plan) book. */
export const CONDITIONAL = { trigger: true } as const;

export const unifiedOps: DialectOps = {
  orderPlan: (plan) => plan,
  fetchOrder: ({ ex }, market, clientOrderId, lookup) =>
    ex.fetchOrder('', market.symbol, { clientOrderId, ...(lookup.conditional ? CONDITIONAL : {}) }),
  cancelOrder: async ({ ex }, market, clientOrderId, lookup) => {
    await ex.cancelOrder('', market.symbol, { clientOrderId, ...(lookup.conditional ? CONDITIONAL : {}) });
  },
  fetchOpenOrders: ({ ex }, market, lookup) =>
    ex.fetchOpenOrders(market?.symbol, undefined, undefined, lookup.conditional ? { ...CONDITIONAL } : {}),
  setMarginMode: async ({ ex, marginMode }, market) => {
    await ex.setMarginMode(marginMode, market.symbol);
  },
  setLeverage: async ({ ex }, market, leverage) => {
    await ex.setLeverage(leverage, market.symbol);
  },
  fetchHedged: async ({ ex }) => (await ex.fetchPositionMode(undefined)).hedged === true,
  setOneWay: async ({ ex }) => {
    await ex.setPositionMode(false);
  },
  triggeredOrderIds: (conditional) => {
    const info = (conditional.info ?? {}) as Record<string, unknown>;
    const id = info.actualOrderId ?? info.ordId ?? info.orderId;
    return id === undefined || id === null || id === '' ? [] : [String(id)];
  },
};
