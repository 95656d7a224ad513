// The public shapes of the fake OKX v5 exchange: seeds, scripted faults, the records tests assert
// on, and the handle startFakeOkx returns. Sizes are contracts and prices are decimal strings, as
// OKX sends them.
import type { RequestLogEntry, Scripted } from '../fake-exchange';

export interface FakeOkxAccountSeed {
  apiKey: string;
  secret: string;
  passphrase: string;
  /** USDT cash balance; default 10 000. */
  usdt?: number;
  /** What GET /api/v5/account/config reports as `perm`; default "read_only,trade". */
  perm?: string;
  /** What GET /api/v5/account/config reports as `ip` (bound addresses); default "". */
  ip?: string;
  /** Default net_mode (one-way). */
  posMode?: 'net_mode' | 'long_short_mode';
}

export interface FakeOkxOptions {
  /** 0 = random (default). */
  port?: number;
  /** Default: local-key / local-secret / local-passphrase with 10 000 USDT. */
  accounts?: FakeOkxAccountSeed[];
  /** Initial last price per instId; default BTC-USDT-SWAP 60 000, ETH-USDT-SWAP 3 000. */
  prices?: Record<string, string>;
  /** Server time = Date.now() + skew. */
  clockSkewMs?: number;
}

export type OrderState = 'live' | 'partially_filled' | 'filled' | 'canceled';
export type AlgoState = 'live' | 'effective' | 'canceled' | 'order_failed';
export type OrdType = 'market' | 'limit' | 'post_only' | 'ioc' | 'fok';
export type Side = 'buy' | 'sell';

export interface FakeOkxOrder {
  apiKey: string;
  ordId: string;
  clOrdId: string;
  instId: string;
  side: Side;
  ordType: OrdType;
  tdMode: 'cross' | 'isolated';
  /** Contracts. */
  sz: string;
  /** '' for market orders. */
  px: string;
  accFillSz: string;
  /** '' until something fills. */
  avgPx: string;
  /** Quote currency, negative = paid (OKX's sign). */
  fee: string;
  /** Realised P&L of what this order closed. */
  pnl: string;
  state: OrderState;
  reduceOnly: boolean;
  cTime: number;
  uTime: number;
  /** Set when an algo order placed this order. */
  algoId: string;
  algoClOrdId: string;
}

export interface FakeOkxAlgo {
  apiKey: string;
  algoId: string;
  algoClOrdId: string;
  clOrdId: string;
  instId: string;
  side: Side;
  ordType: 'conditional' | 'move_order_stop';
  tdMode: 'cross' | 'isolated';
  sz: string;
  reduceOnly: boolean;
  slTriggerPx: string;
  slOrdPx: string;
  tpTriggerPx: string;
  tpOrdPx: string;
  callbackRatio: string;
  activePx: string;
  /** Trailing: the price the stop trails (best price since active), '' before activation. */
  moveTriggerPx: string;
  state: AlgoState;
  ordIdList: string[];
  actualSz: string;
  actualPx: string;
  actualSide: '' | 'sl' | 'tp';
  triggerTime: number | undefined;
  cTime: number;
  uTime: number;
}

export interface FakeOkxFill {
  apiKey: string;
  tradeId: string;
  billId: string;
  ordId: string;
  clOrdId: string;
  instId: string;
  side: Side;
  fillSz: string;
  fillPx: string;
  /** USDT, negative = paid. */
  fee: string;
  fillPnl: string;
  ts: number;
}

/** A bill of GET /api/v5/account/bills-archive: type 2 trade, type 8 funding fee. */
export interface FakeOkxBill {
  apiKey: string;
  billId: string;
  instId: string;
  type: '2' | '8';
  subType: string;
  balChg: string;
  bal: string;
  sz: string;
  px: string;
  ordId: string;
  ts: number;
}

export interface FakeOkxPositionView {
  /** Contracts, signed: + long, − short. */
  pos: string;
  avgPx: string;
  lever: string;
  mgnMode: 'cross' | 'isolated';
}

export type FakeOkxFaultKind =
  /** Processes the request, then answers HTTP 500 {code 50026}: the caller cannot know it went through. */
  | { kind: 'accept-then-5xx' }
  /** Refuses without processing: HTTP 503 {code 50001}. */
  | { kind: 'reject-5xx' }
  /** Holds the answer delayMs (the client times out); accept = processed meanwhile, else not. */
  | { kind: 'timeout'; accept: boolean; delayMs: number }
  /** HTTP 429 {code 50011 "Too Many Requests"}. */
  | { kind: 'rate-limit' }
  /** An OKX error envelope; on order routes the code is the row's sCode (top-level code "1"). */
  | { kind: 'error'; code: string; msg?: string; status?: number }
  /** The next matching market order fills only this fraction (rounded down to the lot), the rest is canceled. */
  | { kind: 'partial-fill'; fraction: number };

export type FakeOkxFault = FakeOkxFaultKind & Scripted;

export interface FakeOkx {
  url: string;
  close(): Promise<void>;
  /** Moves the last and mark price; resting limits fill and algo orders trigger. */
  setPrice(instId: string, price: string | number): void;
  price(instId: string): string;
  fault(f: FakeOkxFault): void;
  clearFaults(): void;
  orders(apiKey?: string): FakeOkxOrder[];
  algoOrders(apiKey?: string): FakeOkxAlgo[];
  fills(apiKey?: string): FakeOkxFill[];
  bills(apiKey?: string): FakeOkxBill[];
  position(apiKey: string, instId: string): FakeOkxPositionView;
  cashBalance(apiKey: string): string;
  /** Books a funding payment at `rate` on every open position of instId (type 8 bills). */
  chargeFunding(instId: string, rate: string): FakeOkxBill[];
  setPosMode(apiKey: string, posMode: 'net_mode' | 'long_short_mode'): void;
  requests(): RequestLogEntry[];
}
