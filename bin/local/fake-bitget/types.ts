// The public shapes of the fake Bitget v2 USDT-M futures exchange: seeds, scripted faults, the
// records tests assert on, and the handle startFakeBitget returns. Sizes are base coins (Bitget's
// USDT-M contracts are 1 coin: sizeMultiplier is the lot) and prices are decimal strings, as Bitget
// sends them.
import type { RequestLogEntry, Scripted } from '../fake-exchange';

export interface FakeBitgetAccountSeed {
  apiKey: string;
  secret: string;
  passphrase: string;
  /** USDT balance; default 10 000. */
  usdt?: number;
  /** What GET /api/v2/spot/account/info reports as `authorities`; default ["coor", "coow", "cpor", "cpow"]. */
  authorities?: string[];
  /** What GET /api/v2/spot/account/info reports as `ips`; default "". */
  ips?: string;
  /** Default one_way_mode. */
  posMode?: 'one_way_mode' | 'hedge_mode';
}

export interface FakeBitgetOptions {
  /** 0 = random (default). */
  port?: number;
  /** Default: local-key / local-secret / local-passphrase with 10 000 USDT. */
  accounts?: FakeBitgetAccountSeed[];
  /** Initial last price per symbol; default BTCUSDT 60 000, ETHUSDT 3 000. */
  prices?: Record<string, string>;
  /** Server time = Date.now() + skew. */
  clockSkewMs?: number;
}

export type Side = 'buy' | 'sell';
/** Get-Order-Details `state`. */
export type OrderState = 'live' | 'partially_filled' | 'filled' | 'canceled';
/** orders-plan-pending / orders-plan-history `planStatus`. */
export type PlanStatus = 'not_trigger' | 'executed' | 'cancelled' | 'fail_execute';
export type PlanType = 'pos_loss' | 'pos_profit' | 'profit_plan' | 'loss_plan' | 'track_plan' | 'normal_plan';

export interface FakeBitgetOrder {
  apiKey: string;
  orderId: string;
  clientOid: string;
  symbol: string;
  side: Side;
  orderType: 'market' | 'limit';
  /** gtc, ioc, fok, post_only (lower case, as Get-Order-Details reports it). */
  force: string;
  marginMode: 'isolated' | 'crossed';
  /** Coins. */
  size: string;
  /** '' for market orders. */
  price: string;
  baseVolume: string;
  /** '' until something fills. */
  priceAvg: string;
  /** USDT, negative = paid (Bitget's sign). */
  fee: string;
  /** Realised P&L of what this order closed (totalProfits). */
  totalProfits: string;
  state: OrderState;
  reduceOnly: boolean;
  /** normal, or the plan order that placed it (Get-Order-Details orderSource). */
  orderSource: string;
  cTime: number;
  uTime: number;
}

export interface FakeBitgetPlan {
  apiKey: string;
  orderId: string;
  clientOid: string;
  symbol: string;
  planType: PlanType;
  /** The side of the order it places (sell closes a long). */
  side: Side;
  /** Coins; '' for pos_loss / pos_profit (the whole position). */
  size: string;
  triggerPrice: string;
  triggerType: string;
  /** track_plan: percent (1.5 = 1.5 %). */
  callbackRatio: string;
  /** track_plan: the best price since activation, '' before. */
  trackPrice: string;
  /**
   * normal_plan (a trigger order): whether it fires when the price rises to triggerPrice (the
   * trigger was above the last price at placement) or falls to it; undefined for the other types.
   */
  firesOnRise?: boolean;
  /** The order it places is reduce-only: always for tpsl and trailing plans, as asked for normal_plan. */
  reduceOnly: boolean;
  marginMode: 'isolated' | 'crossed';
  planStatus: PlanStatus;
  /** The order it placed when it fired. */
  executeOrderId: string;
  cTime: number;
  uTime: number;
}

export interface FakeBitgetFill {
  apiKey: string;
  tradeId: string;
  orderId: string;
  symbol: string;
  side: Side;
  baseVolume: string;
  price: string;
  /** USDT, negative = paid. */
  fee: string;
  profit: string;
  tradeSide: 'open' | 'close';
  cTime: number;
}

/** A row of GET /api/v2/mix/account/bill. */
export interface FakeBitgetBill {
  apiKey: string;
  billId: string;
  symbol: string;
  /** contract_settle_fee (funding), open_long, close_long, open_short, close_short. */
  businessType: string;
  amount: string;
  fee: string;
  balance: string;
  cTime: number;
}

export interface FakeBitgetPositionView {
  /** Coins, signed: + long, − short. */
  total: string;
  openPriceAvg: string;
  leverage: string;
  marginMode: 'isolated' | 'crossed';
}

export type FakeBitgetFaultKind =
  /** Processes the request, then answers HTTP 500 {code 40010}: the caller cannot know it went through. */
  | { kind: 'accept-then-5xx' }
  /** Refuses without processing: HTTP 503. */
  | { kind: 'reject-5xx' }
  /** Holds the answer delayMs (the client times out); accept = processed meanwhile, else not. */
  | { kind: 'timeout'; accept: boolean; delayMs: number }
  /** HTTP 429 {code 429 "Too Many Requests"}. */
  | { kind: 'rate-limit' }
  /** A Bitget error envelope {code, msg, requestTime, data: null}; HTTP 400 unless given. */
  | { kind: 'error'; code: string; msg?: string; status?: number }
  /** The next matching market order fills only this fraction (rounded down to the lot), the rest is canceled. */
  | { kind: 'partial-fill'; fraction: number };

export type FakeBitgetFault = FakeBitgetFaultKind & Scripted;

export interface FakeBitget {
  url: string;
  close(): Promise<void>;
  /** Moves the last and mark price; resting limits fill and plan orders trigger. */
  setPrice(symbol: string, price: string | number): void;
  price(symbol: string): string;
  fault(f: FakeBitgetFault): void;
  clearFaults(): void;
  orders(apiKey?: string): FakeBitgetOrder[];
  planOrders(apiKey?: string): FakeBitgetPlan[];
  fills(apiKey?: string): FakeBitgetFill[];
  bills(apiKey?: string): FakeBitgetBill[];
  position(apiKey: string, symbol: string): FakeBitgetPositionView;
  balance(apiKey: string): string;
  /** Books a funding payment at `rate` on every open position of symbol (contract_settle_fee bills). */
  chargeFunding(symbol: string, rate: string): FakeBitgetBill[];
  /** Places an order as if by hand on Bitget's site (no client id): closes or opens at the market. */
  tradeByHand(apiKey: string, symbol: string, side: Side, size: string, reduceOnly?: boolean): FakeBitgetOrder;
  requests(): RequestLogEntry[];
}
