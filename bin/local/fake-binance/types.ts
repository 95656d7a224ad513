// The public shapes of the fake Binance USDⓈ-M exchange: seeds, scripted faults, the records tests
// assert on, and the handle startFakeBinance returns.
import type { StreamControls, StreamOptions } from '../fake-exchange/streams';

export interface FakeAccountSeed {
  apiKey: string;
  secret: string;
  /** USDT wallet balance; default 10 000. */
  usdt?: number;
  /** What GET /sapi/v1/account/apiRestrictions reports; default false. */
  canWithdraw?: boolean;
  /** What GET /sapi/v1/account/apiRestrictions reports; default true. */
  ipRestrict?: boolean;
}

export interface FakeMarketSeed {
  /** Exchange id, e.g. BTCUSDT (USDT-margined perpetual). */
  symbol: string;
  /** Default: the symbol without its USDT suffix. */
  baseAsset?: string;
  tickSize: number;
  stepSize: number;
  /** Default: stepSize. */
  minQty?: number;
  /** Default: 1000 (limit orders); market orders get a tenth of it, as Binance's MARKET_LOT_SIZE. */
  maxQty?: number;
  minNotional: number;
  /** Initial last and mark price. */
  price: number;
  /** Default 125. */
  maxLeverage?: number;
}

export interface FakeBinanceOptions {
  /** 0 = random (default). */
  port?: number;
  /** Default: one account local-key / local-secret with 10 000 USDT. */
  accounts?: FakeAccountSeed[];
  /** Default: BTCUSDT, ETHUSDT, XRPUSDT (see DEFAULT_MARKETS). */
  markets?: FakeMarketSeed[];
  /** Server time = Date.now() + skew. */
  clockSkewMs?: number;
  /**
   * Keeps the accounts, positions, orders and fills in this file across restarts: restored at the
   * start, rewritten after every change (bin/local/fake-binance/persistence.ts). Default: memory only.
   */
  stateFile?: string;
  /** The websocket market streams' timers (bin/local/fake-binance/streams.ts): pushes, ping frames. */
  streams?: StreamOptions;
}

export type Side = 'BUY' | 'SELL';
export type PositionSide = 'BOTH' | 'LONG' | 'SHORT';
export type MarginType = 'isolated' | 'cross';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';
export type AlgoStatus = 'NEW' | 'CANCELED' | 'TRIGGERING' | 'TRIGGERED' | 'FINISHED' | 'REJECTED' | 'EXPIRED';
export type AlgoOrderType = 'STOP_MARKET' | 'TAKE_PROFIT_MARKET' | 'TRAILING_STOP_MARKET' | 'STOP' | 'TAKE_PROFIT';

/** An order of the matching engine (/fapi/v1/order), including those a triggered algo order created. */
export interface FakeOrder {
  apiKey: string;
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: Side;
  positionSide: PositionSide;
  type: 'MARKET' | 'LIMIT';
  /** The algo order type when a conditional order created this order, else the same as type. */
  origType: string;
  timeInForce: 'GTC' | 'IOC' | 'FOK' | 'GTX' | 'GTD';
  /** 0 for market orders. */
  price: number;
  origQty: number;
  executedQty: number;
  /** 0 until something fills. */
  avgPrice: number;
  cumQuote: number;
  status: OrderStatus;
  reduceOnly: boolean;
  closePosition: boolean;
  time: number;
  updateTime: number;
  /** Set when a conditional (algo) order created this order. */
  algoId?: number;
}

/** A conditional order of the algo service (/fapi/v1/algoOrder). */
export interface FakeAlgoOrder {
  apiKey: string;
  algoId: number;
  clientAlgoId: string;
  algoType: 'CONDITIONAL';
  orderType: AlgoOrderType;
  symbol: string;
  side: Side;
  positionSide: PositionSide;
  timeInForce: string;
  /** 0 with closePosition. */
  quantity: number;
  algoStatus: AlgoStatus;
  /** 0 for trailing stops. */
  triggerPrice: number;
  price: number;
  /** Trailing stops only: percent, 0.1..10. */
  callbackRate?: number;
  /** Trailing stops only: 0 = active from placement. */
  activatePrice?: number;
  workingType: 'CONTRACT_PRICE' | 'MARK_PRICE';
  reduceOnly: boolean;
  closePosition: boolean;
  priceProtect: boolean;
  createTime: number;
  updateTime: number;
  triggerTime: number;
  /** The market order the trigger created ('' before). */
  actualOrderId: string;
  actualPrice: number;
}

export interface FakeTrade {
  apiKey: string;
  id: number;
  orderId: number;
  symbol: string;
  side: Side;
  positionSide: PositionSide;
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  commissionAsset: 'USDT';
  realizedPnl: number;
  maker: boolean;
  time: number;
}

export type IncomeType = 'FUNDING_FEE' | 'COMMISSION' | 'REALIZED_PNL';

/** One row of the account's income history (GET /fapi/v1/income): a wallet change with its cause. */
export interface FakeIncome {
  apiKey: string;
  symbol: string;
  incomeType: IncomeType;
  /** Signed USDT: negative flowed out of the wallet, positive into it. */
  income: number;
  asset: 'USDT';
  /** Binance's note; for these types the type again. */
  info: string;
  time: number;
  /** Unique per account and income type. */
  tranId: number;
  /** The fill behind a COMMISSION or REALIZED_PNL row ('' for funding). */
  tradeId: string;
}

export interface RequestLogEntry {
  method: string;
  /** Path only: query strings carry signatures and are never stored. */
  path: string;
  at: number;
  status: number;
  /** time from arrival to the last byte of the answer, ms: the exchange's own share of a call */
  ms?: number;
}

export type FaultKind =
  /** The order IS created; the answer is 503 {code:-1000} (execution status unknown). */
  | { kind: 'accept-then-5xx' }
  /** 503 and nothing is processed. */
  | { kind: 'reject-5xx' }
  /**
   * The answer is held delayMs (longer than the client's timeout); accept decides whether the
   * request was processed. With accept the held answer is the real one; without, it is Binance's
   * 408 {code:-1007} "execution status unknown" (seen only when delayMs is under the client timeout).
   */
  | { kind: 'timeout'; accept: boolean; delayMs: number }
  /** 429 with Retry-After, code -1003; nothing processed. */
  | { kind: 'rate-limit'; retryAfterSec: number }
  /** 418 with Retry-After, code -1003 "banned until …"; nothing processed. */
  | { kind: 'ban'; retryAfterSec: number }
  /** Any Binance error instead of processing; status default 400. */
  | { kind: 'error'; code: number; msg?: string; status?: number }
  /**
   * The next matching market order fills only this fraction (rounded down to the lot step); the
   * rest expires as Binance's market orders do when they run out of liquidity. The create answer
   * shows PARTIALLY_FILLED (the snapshot the RESULT response carries); the order then rests as
   * EXPIRED with the partial executedQty, which is what GET /fapi/v1/order returns afterwards.
   */
  | { kind: 'partial-fill'; fraction: number }
  /**
   * The late-arriving first request: answered at once with Binance's 408 {code:-1007} (execution
   * status unknown) while the request itself is held, then APPLIED right after the next
   * GET /fapi/v1/order has been answered (so that look-up says -2013 "no such order"). A market
   * order then fills and, no longer open, frees its client id: Binance's ids are unique only among
   * open orders, so a resend with the same id is accepted as a second order.
   */
  | { kind: 'late-arrival' };

export type FaultSpec = {
  /** Which requests: method (any if absent), exact path, optional symbol parameter. */
  match: { method?: string; path: string; symbol?: string };
  /** How many matching requests it hits; default 1. */
  times?: number;
} & FaultKind;

export interface FakePositionView {
  amount: number;
  entryPrice: number;
  leverage: number;
  marginType: MarginType;
}

export type CandleRow = [openTimeMs: number, open: number, high: number, low: number, close: number, volume: number];
/** A settled rate: a number, or decimal text (at most 8 decimals, as Binance writes rates) kept exact. */
export type FundingRow = [timeMs: number, rate: number | string];

/** What a test sets of a symbol's funding (setFunding); what it leaves out keeps its current value. */
export interface FakeFundingSeed {
  /** premiumIndex `lastFundingRate`: the rate of the running interval; default the newest settled rate, else 0.0001 */
  rate?: number | string;
  /** premiumIndex `nextFundingTime`, epoch ms; default the next 8 h boundary */
  nextFundingTime?: number;
  /** the settled rates GET /fapi/v1/fundingRate serves (replaces them) */
  history?: FundingRow[];
}

export interface FakeBinance {
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT: the market streams on the same port (/ws, /public/ws, /market/ws) */
  wsUrl: string;
  /** the websocket streams' faults (drop, silence, refused subscription) and counts */
  streams: StreamControls;
  close(): Promise<void>;
  /** Moves last and mark price; fills resting limits that cross and triggers algo orders that cross. */
  setPrice(symbol: string, price: number): void;
  fault(f: FaultSpec): void;
  clearFaults(): void;
  /** Every order ever created (normal and triggered), oldest first. */
  orders(apiKey?: string): FakeOrder[];
  algoOrders(apiKey?: string): FakeAlgoOrder[];
  /** Fills with fees and realized P&L, oldest first. */
  trades(apiKey?: string): FakeTrade[];
  /** Net position (one-way; in hedge mode the sum of both sides). */
  position(apiKey: string, symbol: string): FakePositionView;
  /** Sets the one-way position as if opened by hand (amount < 0 = short; 0 = flat). */
  setPosition(apiKey: string, symbol: string, amount: number, entryPrice: number): void;
  /** The account's USDT wallet balance (realized P&L and fees included). */
  walletBalance(apiKey: string): number;
  requests(): RequestLogEntry[];
  setDualSidePosition(apiKey: string, dual: boolean): void;
  setClockSkew(ms: number): void;
  /** Spread of the synthetic book and book ticker around the price, in basis points (default 2). */
  setSpread(symbol: string, bps: number): void;
  setCandles(symbol: string, interval: string, rows: CandleRow[]): void;
  setFundingRates(symbol: string, rows: FundingRow[]): void;
  /** Sets a symbol's current rate, next funding time and settled history (any of them). */
  setFunding(symbol: string, funding: FakeFundingSeed): void;
  /**
   * Settles funding now on every open position of the symbol, on every account: notional at the
   * current price × rate, paid by longs and received by shorts when the rate is positive (the
   * reverse when negative). Changes the wallets, records FUNDING_FEE income rows (returned) and
   * appends the rate to the symbol's funding-rate history.
   */
  chargeFunding(symbol: string, rate: number): FakeIncome[];
  /** The income history (funding, commissions, realized P&L), oldest first. */
  income(apiKey?: string): FakeIncome[];
}
