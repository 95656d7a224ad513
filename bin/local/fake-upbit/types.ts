// The public shapes of the fake Upbit (KRW spot): seeds, scripted faults, the records tests assert
// on, and the handle startFakeUpbit returns. Prices and volumes are decimal strings, as Upbit sends them.
import type { RequestLogEntry, Scripted } from '../fake-exchange';

export interface FakeUpbitAccountSeed {
  /** Upbit's "access key" (the JWT's access_key). */
  apiKey: string;
  /** Upbit's "secret key" (signs the JWT, HS256). */
  secret: string;
  /** KRW balance; default 10 000 000. */
  krw?: number;
}

export interface FakeUpbitOptions {
  /** 0 = random (default). */
  port?: number;
  /** Default: local-key / local-secret with 10 000 000 KRW. */
  accounts?: FakeUpbitAccountSeed[];
  /** Initial last price per market id; default KRW-BTC 100 000 000, KRW-ETH 5 000 000, KRW-XRP 1 000. */
  prices?: Record<string, string>;
}

/** Upbit's order states: wait (resting), done (filled), cancel (cancelled, possibly part-filled). */
export type OrderState = 'wait' | 'done' | 'cancel';
/** limit; price = market buy by KRW amount; market = market sell by volume. */
export type OrdType = 'limit' | 'price' | 'market';
export type Side = 'bid' | 'ask';

export interface FakeUpbitTrade {
  uuid: string;
  price: string;
  volume: string;
  /** price × volume, KRW. */
  funds: string;
  /** KRW fee of this trade. */
  fee: string;
  at: number;
}

export interface FakeUpbitOrder {
  apiKey: string;
  uuid: string;
  /** Our client id ('' when none was sent). */
  identifier: string;
  market: string;
  side: Side;
  ordType: OrdType;
  /** Limit price, or the KRW amount of a market buy (ord_type price); null for a market sell. */
  price: string | null;
  /** null for a market buy (ord_type price). */
  volume: string | null;
  executedVolume: string;
  executedFunds: string;
  paidFee: string;
  /** What the order still holds: KRW (bid, fee included) or the base coin (ask). */
  locked: string;
  reservedFee: string;
  state: OrderState;
  timeInForce: string;
  createdAt: number;
  trades: FakeUpbitTrade[];
}

export interface FakeUpbitBalance {
  balance: string;
  locked: string;
  avgBuyPrice: string;
}

export type FakeUpbitFaultKind =
  /** Processes the request, then answers HTTP 502 (a gateway's, no Upbit body): the caller cannot know it went through. */
  | { kind: 'accept-then-5xx' }
  /** Refuses without processing: HTTP 503 (a gateway's, no Upbit body). */
  | { kind: 'reject-5xx' }
  /** Holds the answer delayMs (the client times out); accept = processed meanwhile, else not. */
  | { kind: 'timeout'; accept: boolean; delayMs: number }
  /** HTTP 429 too_many_requests. */
  | { kind: 'rate-limit' }
  /** Upbit's error body {error: {name, message}} with this status (default 400). */
  | { kind: 'error'; name: string; message?: string; status?: number }
  /** The next matching market order fills only this fraction (volume rounded down to 8 decimals); the rest is cancelled. */
  | { kind: 'partial-fill'; fraction: number };

export type FakeUpbitFault = FakeUpbitFaultKind & Scripted;

export interface FakeUpbit {
  url: string;
  close(): Promise<void>;
  /** Moves the last price of a market (KRW-BTC); resting limits it crosses fill at their price. */
  setPrice(market: string, price: string | number): void;
  price(market: string): string;
  fault(f: FakeUpbitFault): void;
  clearFaults(): void;
  orders(apiKey?: string): FakeUpbitOrder[];
  /** The account's row for a currency (KRW, BTC…); zeros when it holds none. */
  balance(apiKey: string, currency: string): FakeUpbitBalance;
  requests(): RequestLogEntry[];
}
