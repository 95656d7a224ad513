// The public shapes of the fake Bybit v5 exchange (linear USDT perpetuals): seeds, scripted faults,
// the records tests assert on, and the handle startFakeBybit returns. Quantities are base coins and
// prices decimal strings, as Bybit sends them for linear contracts.
import type { RequestLogEntry, Scripted, StreamControls, StreamOptions } from '../fake-exchange';

export type AccountMarginMode = 'REGULAR_MARGIN' | 'ISOLATED_MARGIN' | 'PORTFOLIO_MARGIN';

export interface FakeBybitAccountSeed {
  apiKey: string;
  secret: string;
  /** USDT wallet balance; default 10 000. */
  usdt?: number;
  /** What GET /v5/user/query-api reports as `permissions`; default contract Order and Position, no Withdraw. */
  permissions?: Record<string, string[]>;
  /** Bound IPs of the key (query-api `ips`); default ["*"] (unbound). */
  ips?: string[];
  /** query-api `readOnly`; default 0. */
  readOnly?: 0 | 1;
  /** The unified account's margin mode (GET /v5/account/info); default REGULAR_MARGIN (cross), the docs' example. */
  marginMode?: AccountMarginMode;
  /** Default one-way (positionIdx 0). */
  hedged?: boolean;
}

export interface FakeBybitOptions {
  /** 0 = random (default). */
  port?: number;
  /** Default: local-key / local-secret with 10 000 USDT. */
  accounts?: FakeBybitAccountSeed[];
  /** Initial last price per symbol; default BTCUSDT 60 000, ETHUSDT 3 000. */
  prices?: Record<string, string>;
  /** Server time = Date.now() + skew. */
  clockSkewMs?: number;
  /** The public linear websocket's timers (bin/local/fake-bybit/streams.ts). */
  streams?: StreamOptions;
}

/** Bybit's orderStatus values the fake uses (docs: Enums, orderStatus). */
export type OrderStatus =
  'New' | 'PartiallyFilled' | 'Filled' | 'Cancelled' | 'Untriggered' | 'Triggered' | 'Deactivated';
export type Side = 'Buy' | 'Sell';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'PostOnly';

export interface FakeBybitOrder {
  apiKey: string;
  orderId: string;
  orderLinkId: string;
  symbol: string;
  side: Side;
  orderType: 'Market' | 'Limit';
  timeInForce: TimeInForce;
  /** Base coins. */
  qty: string;
  /** A limit's price; a market order's slippage-protection price (as Bybit reports it). */
  price: string;
  cumExecQty: string;
  cumExecValue: string;
  /** USDT paid, positive. */
  cumExecFee: string;
  /** '0' until something fills. */
  avgPrice: string;
  orderStatus: OrderStatus;
  reduceOnly: boolean;
  closeOnTrigger: boolean;
  /** Conditional orders: '' for plain ones. */
  triggerPrice: string;
  /** 1 fires when the last price rises to the trigger, 2 when it falls to it; 0 plain. */
  triggerDirection: 0 | 1 | 2;
  /** "Stop" for an order placed with triggerPrice, "" for a plain one. */
  stopOrderType: '' | 'Stop';
  lastPriceOnCreated: string;
  createdTime: number;
  updatedTime: number;
}

export interface FakeBybitExecution {
  apiKey: string;
  execId: string;
  execType: 'Trade' | 'Funding';
  orderId: string;
  orderLinkId: string;
  symbol: string;
  side: Side;
  orderType: 'Market' | 'Limit' | 'UNKNOWN';
  stopOrderType: string;
  /** Base coins (Funding: the position size). */
  execQty: string;
  execPrice: string;
  execValue: string;
  /** USDT, positive = paid (a fee; Funding: a long pays a positive rate). */
  execFee: string;
  feeRate: string;
  isMaker: boolean;
  orderQty: string;
  orderPrice: string;
  leavesQty: string;
  /** Base coins of the position this trade closed. */
  closedSize: string;
  markPrice: string;
  execTime: number;
}

export interface FakeBybitPositionView {
  /** Base coins, signed: + long, − short. */
  size: string;
  avgPrice: string;
  leverage: string;
}

export type FakeBybitFaultKind =
  /** Processes the request, then answers HTTP 500 {retCode 10016}: the caller cannot know it went through. */
  | { kind: 'accept-then-5xx' }
  /** Refuses without processing: HTTP 503 {retCode 10016}. */
  | { kind: 'reject-5xx' }
  /** Holds the answer delayMs (the client times out); accept = processed meanwhile, else not. */
  | { kind: 'timeout'; accept: boolean; delayMs: number }
  /** retCode 10006 "Too many visits" with X-Bapi-Limit-* headers at 0 (docs: Rate Limit). */
  | { kind: 'rate-limit' }
  /** A Bybit error envelope with this retCode. */
  | { kind: 'error'; retCode: number; retMsg?: string; status?: number }
  /** The next matching market order fills only this fraction (rounded down to qtyStep), the rest is cancelled. */
  | { kind: 'partial-fill'; fraction: number };

export type FakeBybitFault = FakeBybitFaultKind & Scripted;

/** A settled rate: settlement time (epoch ms) and the rate as decimal text, kept exact. */
export type FakeBybitFundingRow = [timeMs: number, rate: string];

/** What a test sets of a symbol's funding (setFunding); what it leaves out keeps its current value. */
export interface FakeBybitFundingSeed {
  /** the ticker's `fundingRate`: the running interval's rate; default "0.0001" */
  rate?: string;
  /** the ticker's `nextFundingTime`, epoch ms; default 0 (sent as "0") */
  nextFundingTime?: number;
  /** the settled rates GET /v5/market/funding/history serves (replaces them) */
  history?: FakeBybitFundingRow[];
}
export interface FakeBybit {
  url: string;
  /** ws://127.0.0.1:PORT: the public linear stream on the same port (/v5/public/linear) */
  wsUrl: string;
  /** the websocket's faults (drop, silence, refused subscription) and counts */
  streams: StreamControls;
  close(): Promise<void>;
  /** Moves the last and mark price; resting limits fill and conditional orders trigger. */
  setPrice(symbol: string, price: string | number): void;
  price(symbol: string): string;
  fault(f: FakeBybitFault): void;
  clearFaults(): void;
  orders(apiKey?: string): FakeBybitOrder[];
  executions(apiKey?: string): FakeBybitExecution[];
  position(apiKey: string, symbol: string): FakeBybitPositionView;
  walletBalance(apiKey: string): string;
  /**
   * Books a funding payment at `rate` on every open position of symbol (execType Funding rows) and
   * appends the rate to the symbol's settled history.
   */
  chargeFunding(symbol: string, rate: string): FakeBybitExecution[];
  /** Sets a symbol's current rate, next funding time and settled history (any of them). */
  setFunding(symbol: string, funding: FakeBybitFundingSeed): void;
  /**
   * Sets a base coin's options historical volatility (GET /v5/market/historical-volatility), a
   * fraction as text ("0.92" = 92 %), over `period` days (default 7).
   */
  setVolatility(base: string, value: string, period?: number): void;
  setHedged(apiKey: string, hedged: boolean): void;
  requests(): RequestLogEntry[];
}
