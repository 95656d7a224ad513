// Everything the fake exchange remembers: markets, accounts with their per-symbol settings and
// positions, every order, algo order and fill, the seeded candles and funding rates, and the clock.
import { errors } from './errors';
import { toMarket, type Market } from './markets';
import type {
  CandleRow,
  FakeAccountSeed,
  FakeAlgoOrder,
  FakeIncome,
  FakeMarketSeed,
  FakeOrder,
  FakeTrade,
  FundingRow,
  MarginType,
  PositionSide,
} from './types';

export interface SymbolSettings {
  leverage: number;
  marginType: MarginType;
}

export interface Position {
  symbol: string;
  side: PositionSide;
  /** Signed: < 0 is short. */
  amount: number;
  entryPrice: number;
  updateTime: number;
}

export interface Account {
  apiKey: string;
  secret: string;
  canWithdraw: boolean;
  ipRestrict: boolean;
  createTime: number;
  /** USDT wallet balance: deposits + realized P&L − fees. */
  wallet: number;
  dualSide: boolean;
  settings: Map<string, SymbolSettings>;
  /** Keyed by `${symbol}:${side}`. */
  positions: Map<string, Position>;
}

export interface IdCounters {
  order: number;
  algo: number;
  trade: number;
  tran: number;
}

/** Binance's defaults for a symbol never configured: 20x, cross. */
const DEFAULT_SETTINGS: SymbolSettings = { leverage: 20, marginType: 'cross' };

export interface TrailingState {
  activated: boolean;
  /** Highest price since activation (sell stops) or lowest (buy stops). */
  best: number;
}

export class ExchangeState {
  readonly markets = new Map<string, Market>();
  readonly accounts = new Map<string, Account>();
  readonly orders: FakeOrder[] = [];
  readonly algoOrders: FakeAlgoOrder[] = [];
  readonly trades: FakeTrade[] = [];
  /** Every wallet change with its cause, oldest first. */
  readonly income: FakeIncome[] = [];
  readonly trailing = new Map<number, TrailingState>();
  /** Keyed by `${symbol}:${interval}`, sorted by open time. */
  readonly candles = new Map<string, CandleRow[]>();
  /** Keyed by symbol, sorted by time. */
  readonly funding = new Map<string, FundingRow[]>();
  /** Keyed by symbol: the running interval's rate and next funding time a test set (premiumIndex). */
  readonly fundingNow = new Map<string, { rate?: string; nextFundingTime?: number }>();
  clockSkewMs: number;
  private nextOrderId = 4_100_000_001;
  private nextAlgoId = 1_000_001;
  private nextTradeId = 700_000_001;
  private nextTranId = 9_689_322_392;

  constructor(markets: readonly FakeMarketSeed[], accounts: readonly FakeAccountSeed[], clockSkewMs: number) {
    this.clockSkewMs = clockSkewMs;
    for (const seed of markets) this.markets.set(seed.symbol, toMarket(seed));
    for (const seed of accounts) {
      this.accounts.set(seed.apiKey, {
        apiKey: seed.apiKey,
        secret: seed.secret,
        canWithdraw: seed.canWithdraw ?? false,
        ipRestrict: seed.ipRestrict ?? true,
        createTime: Date.now(),
        wallet: seed.usdt ?? 10_000,
        dualSide: false,
        settings: new Map(),
        positions: new Map(),
      });
    }
  }

  /** Server time: the wall clock plus the configured skew. */
  now(): number {
    return Date.now() + this.clockSkewMs;
  }

  market(symbol: string | undefined): Market {
    if (symbol === undefined || symbol === '') throw errors.mandatory('symbol');
    const market = this.markets.get(symbol);
    if (!market) throw errors.invalidSymbol();
    return market;
  }

  accountOrThrow(apiKey: string): Account {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`fake-binance: no account with api key ${apiKey}`);
    return account;
  }

  settings(account: Account, symbol: string): SymbolSettings {
    let settings = account.settings.get(symbol);
    if (!settings) {
      settings = { ...DEFAULT_SETTINGS };
      account.settings.set(symbol, settings);
    }
    return settings;
  }

  position(account: Account, symbol: string, side: PositionSide): Position {
    const key = `${symbol}:${side}`;
    let position = account.positions.get(key);
    if (!position) {
      position = { symbol, side, amount: 0, entryPrice: 0, updateTime: 0 };
      account.positions.set(key, position);
    }
    return position;
  }

  /** The position slots the account's mode has for a symbol (BOTH, or LONG and SHORT). */
  positionsOf(account: Account, symbol: string): Position[] {
    return account.dualSide
      ? [this.position(account, symbol, 'LONG'), this.position(account, symbol, 'SHORT')]
      : [this.position(account, symbol, 'BOTH')];
  }

  openOrders(apiKey: string, symbol?: string): FakeOrder[] {
    return this.orders.filter(
      (o) =>
        o.apiKey === apiKey &&
        (symbol === undefined || o.symbol === symbol) &&
        (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'),
    );
  }

  openAlgoOrders(apiKey: string, symbol?: string): FakeAlgoOrder[] {
    return this.algoOrders.filter(
      (a) => a.apiKey === apiKey && (symbol === undefined || a.symbol === symbol) && a.algoStatus === 'NEW',
    );
  }

  /** The next ids it hands out: kept with the state, so ids are never reused after a restart. */
  idCounters(): IdCounters {
    return {
      order: this.nextOrderId,
      algo: this.nextAlgoId,
      trade: this.nextTradeId,
      tran: this.nextTranId,
    };
  }

  setIdCounters(next: IdCounters): void {
    this.nextOrderId = next.order;
    this.nextAlgoId = next.algo;
    this.nextTradeId = next.trade;
    this.nextTranId = next.tran;
  }

  newOrderId(): number {
    return this.nextOrderId++;
  }

  newAlgoId(): number {
    return this.nextAlgoId++;
  }

  newTradeId(): number {
    return this.nextTradeId++;
  }

  newTranId(): number {
    return this.nextTranId++;
  }
}
