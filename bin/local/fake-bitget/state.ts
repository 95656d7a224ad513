// Everything the fake Bitget holds: accounts (balance, positions, leverage and margin mode per
// symbol), plain orders, plan orders (tpsl and trailing), fills, bills and the last price per
// symbol. Amounts are Big (coins, USDT) so what the fake reports is exact.
import { Big } from '../../../shared/core/domain/money';
import { errors } from './errors';
import { CONTRACTS, type Contract } from './instruments';
import type { FakeBitgetAccountSeed, FakeBitgetBill, FakeBitgetFill, FakeBitgetOrder, FakeBitgetPlan } from './types';

export type MarginMode = 'isolated' | 'crossed';

export interface Position {
  /** Coins, signed: + long, − short (one-way mode). */
  total: Big;
  openPriceAvg: Big;
  /** Realised P&L since the position opened, before fees (achievedProfits). */
  achievedProfits: Big;
  totalFee: Big;
  cTime: number;
  uTime: number;
}

export interface Account {
  seed: FakeBitgetAccountSeed;
  /** USDT balance: deposits + realised P&L + fees + funding. */
  cash: Big;
  posMode: 'one_way_mode' | 'hedge_mode';
  positions: Map<string, Position>;
  /** symbol → margin mode set by set-margin-mode; unset reads as crossed (Bitget's default). */
  marginModes: Map<string, MarginMode>;
  /** symbol → leverage set by set-leverage; unset reads as DEFAULT_LEVERAGE. */
  leverage: Map<string, string>;
}

export const DEFAULT_PRICES: Readonly<Record<string, string>> = { BTCUSDT: '60000', ETHUSDT: '3000' };
export const DEFAULT_LEVERAGE = '20';
export const PRODUCT_TYPE = 'USDT-FUTURES';

export class BitgetState {
  readonly accounts = new Map<string, Account>();
  readonly contracts = new Map<string, Contract>();
  readonly prices = new Map<string, Big>();
  readonly orders: FakeBitgetOrder[] = [];
  readonly plans: FakeBitgetPlan[] = [];
  readonly fills: FakeBitgetFill[] = [];
  readonly bills: FakeBitgetBill[] = [];
  clockSkewMs: number;
  private lastId = 0n;

  constructor(seeds: readonly FakeBitgetAccountSeed[], prices: Readonly<Record<string, string>>, clockSkewMs: number) {
    for (const seed of seeds) {
      this.accounts.set(seed.apiKey, {
        seed,
        cash: new Big(seed.usdt ?? 10_000),
        posMode: seed.posMode ?? 'one_way_mode',
        positions: new Map(),
        marginModes: new Map(),
        leverage: new Map(),
      });
    }
    for (const contract of CONTRACTS) this.contracts.set(contract.symbol, contract);
    for (const [symbol, px] of Object.entries(prices)) this.prices.set(symbol, new Big(px));
    this.clockSkewMs = clockSkewMs;
  }

  now(): number {
    return Date.now() + this.clockSkewMs;
  }

  /** Bitget ids are 19-digit decimal strings. */
  nextId(): string {
    this.lastId += 1n;
    return String(1_300_000_000_000_000_000n + this.lastId);
  }

  /** Bitget accepts the symbol in any case (its own examples send "ethusdt" and "ETHUSDT"). */
  contract(symbol: string | undefined): Contract {
    if (symbol === undefined || symbol === '') throw errors.empty('symbol');
    const contract = this.contracts.get(symbol.toUpperCase());
    if (!contract) throw errors.unknownSymbol();
    return contract;
  }

  price(symbol: string): Big {
    const px = this.prices.get(symbol);
    if (!px) throw new Error(`fake-bitget: no price for ${symbol} (seed it in prices)`);
    return px;
  }

  accountOrThrow(apiKey: string): Account {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`fake-bitget: no account ${apiKey}`);
    return account;
  }

  position(account: Account, symbol: string): Position {
    let p = account.positions.get(symbol);
    if (!p) {
      p = {
        total: new Big(0),
        openPriceAvg: new Big(0),
        achievedProfits: new Big(0),
        totalFee: new Big(0),
        cTime: this.now(),
        uTime: this.now(),
      };
      account.positions.set(symbol, p);
    }
    return p;
  }

  marginMode(account: Account, symbol: string): MarginMode {
    return account.marginModes.get(symbol) ?? 'crossed';
  }

  leverage(account: Account, symbol: string): string {
    return account.leverage.get(symbol) ?? DEFAULT_LEVERAGE;
  }

  /** Initial margin of the open positions, in USDT. */
  usedMargin(account: Account): Big {
    let used = new Big(0);
    for (const [symbol, p] of account.positions) {
      if (p.total.eq(0)) continue;
      used = used.plus(p.total.abs().times(p.openPriceAvg).div(this.leverage(account, symbol)));
    }
    return used;
  }

  /** Unrealised P&L at the last price. */
  upl(account: Account, symbol: string): Big {
    const p = account.positions.get(symbol);
    if (!p || p.total.eq(0)) return new Big(0);
    return this.price(symbol).minus(p.openPriceAvg).times(p.total);
  }

  equity(account: Account): Big {
    let eq = account.cash;
    for (const symbol of account.positions.keys()) eq = eq.plus(this.upl(account, symbol));
    return eq;
  }

  available(account: Account): Big {
    return this.equity(account).minus(this.usedMargin(account));
  }

  /** Orders still on the book. */
  pending(apiKey: string, symbol?: string): FakeBitgetOrder[] {
    return this.orders.filter(
      (o) =>
        o.apiKey === apiKey &&
        (o.state === 'live' || o.state === 'partially_filled') &&
        (symbol === undefined || o.symbol === symbol),
    );
  }
}
