// Everything the fake Bybit holds: accounts (wallet, one-way positions, leverage per symbol, the
// account's margin mode), each account's orders (plain and conditional on one book, as Bybit keeps
// them), executions (trades and funding) and the last price per symbol. Amounts are Big so what the
// fake reports is exact.
import { Big } from '../../../shared/core/domain/money';
import { errors } from './errors';
import { INSTRUMENTS, type Instrument } from './instruments';
import type {
  AccountMarginMode,
  FakeBybitAccountSeed,
  FakeBybitExecution,
  FakeBybitFundingRow,
  FakeBybitOrder,
} from './types';

export interface Position {
  /** Base coins, signed: + long, − short (one-way mode). */
  size: Big;
  avgPrice: Big;
  /** Realised P&L since the position opened (fees included), as Bybit's curRealisedPnl. */
  curRealisedPnl: Big;
  cumRealisedPnl: Big;
  createdTime: number;
  updatedTime: number;
}

export interface Account {
  seed: FakeBybitAccountSeed;
  wallet: Big;
  hedged: boolean;
  marginMode: AccountMarginMode;
  positions: Map<string, Position>;
  /** symbol → leverage set by set-leverage; unset reads as DEFAULT_LEVERAGE. */
  leverage: Map<string, string>;
}

export const DEFAULT_PRICES: Readonly<Record<string, string>> = { BTCUSDT: '60000', ETHUSDT: '3000' };
export const DEFAULT_LEVERAGE = '10';
/** Bybit's non-VIP derivatives fees: taker 0.055 % (ccxt's captured execution: feeRate 0.00055), maker 0.02 %. */
export const TAKER_FEE = '0.00055';
export const MAKER_FEE = '0.0002';
/** A market order's price: the last price ±5 %, the slippage bound Bybit reports on a market order (captured: 78.88 on 75.13). */
export const MARKET_PROTECTION = '0.05';
/** The ticker's funding rate until a test sets one. */
export const DEFAULT_FUNDING_RATE = '0.0001';

/** A symbol's funding: the running interval's rate, its settlement time, and the settled rates, oldest first. */
export interface Funding {
  rate: string;
  /** epoch ms; 0 = not set (the ticker then says "0") */
  nextFundingTime: number;
  history: FakeBybitFundingRow[];
}

export class BybitState {
  readonly accounts = new Map<string, Account>();
  readonly instruments = new Map<string, Instrument>();
  readonly prices = new Map<string, Big>();
  readonly orders: FakeBybitOrder[] = [];
  readonly executions: FakeBybitExecution[] = [];
  /** Keyed by symbol; a symbol never set reads as DEFAULT_FUNDING_RATE with no history. */
  readonly funding = new Map<string, Funding>();
  /** The options' historical volatility by `base:periodDays`, a fraction as text; unset: no rows. */
  readonly volatility = new Map<string, string>();
  clockSkewMs: number;
  private lastId = 0;

  constructor(seeds: readonly FakeBybitAccountSeed[], prices: Readonly<Record<string, string>>, clockSkewMs: number) {
    for (const seed of seeds) {
      this.accounts.set(seed.apiKey, {
        seed,
        wallet: new Big(seed.usdt ?? 10_000),
        hedged: seed.hedged ?? false,
        marginMode: seed.marginMode ?? 'REGULAR_MARGIN',
        positions: new Map(),
        leverage: new Map(),
      });
    }
    for (const inst of INSTRUMENTS) this.instruments.set(inst.symbol, inst);
    for (const [symbol, px] of Object.entries(prices)) this.prices.set(symbol, new Big(px));
    this.clockSkewMs = clockSkewMs;
  }

  now(): number {
    return Date.now() + this.clockSkewMs;
  }

  /** Bybit's linear order and execution ids are UUIDs (docs: open-order and execution examples). */
  nextId(): string {
    this.lastId += 1;
    const n = this.lastId.toString(16).padStart(12, '0');
    return `fb000000-0000-4000-8000-${n}`;
  }

  instrument(symbol: string | undefined): Instrument {
    if (symbol === undefined || symbol === '') throw errors.param('symbol', 'is required');
    const inst = this.instruments.get(symbol);
    if (!inst) throw errors.unknownSymbol();
    return inst;
  }

  price(symbol: string): Big {
    const px = this.prices.get(symbol);
    if (!px) throw new Error(`fake-bybit: no price for ${symbol} (seed it in prices)`);
    return px;
  }

  fundingOf(symbol: string): Funding {
    let funding = this.funding.get(symbol);
    if (!funding) {
      funding = { rate: DEFAULT_FUNDING_RATE, nextFundingTime: 0, history: [] };
      this.funding.set(symbol, funding);
    }
    return funding;
  }

  accountOrThrow(apiKey: string): Account {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`fake-bybit: no account ${apiKey}`);
    return account;
  }

  position(account: Account, symbol: string): Position {
    let p = account.positions.get(symbol);
    if (!p) {
      p = {
        size: new Big(0),
        avgPrice: new Big(0),
        curRealisedPnl: new Big(0),
        cumRealisedPnl: new Big(0),
        createdTime: this.now(),
        updatedTime: this.now(),
      };
      account.positions.set(symbol, p);
    }
    return p;
  }

  leverage(account: Account, symbol: string): string {
    return account.leverage.get(symbol) ?? DEFAULT_LEVERAGE;
  }

  /** Initial margin of a position: its value at entry ÷ leverage. */
  positionIM(account: Account, symbol: string): Big {
    const p = account.positions.get(symbol);
    if (!p || p.size.eq(0)) return new Big(0);
    return p.size.abs().times(p.avgPrice).div(this.leverage(account, symbol));
  }

  usedMargin(account: Account): Big {
    let used = new Big(0);
    for (const symbol of account.positions.keys()) used = used.plus(this.positionIM(account, symbol));
    return used;
  }

  /** Unrealised P&L at the last price. */
  upl(account: Account, symbol: string): Big {
    const p = account.positions.get(symbol);
    if (!p || p.size.eq(0)) return new Big(0);
    return this.price(symbol).minus(p.avgPrice).times(p.size);
  }

  equity(account: Account): Big {
    let eq = account.wallet;
    for (const symbol of account.positions.keys()) eq = eq.plus(this.upl(account, symbol));
    return eq;
  }

  available(account: Account): Big {
    return this.equity(account).minus(this.usedMargin(account));
  }

  /** Orders still working: on the book (New, PartiallyFilled) or waiting for their trigger (Untriggered). */
  active(apiKey: string, symbol?: string): FakeBybitOrder[] {
    return this.orders.filter(
      (o) =>
        o.apiKey === apiKey &&
        (o.orderStatus === 'New' || o.orderStatus === 'PartiallyFilled' || o.orderStatus === 'Untriggered') &&
        (symbol === undefined || o.symbol === symbol),
    );
  }
}
