// Everything the fake Upbit holds: accounts (a balance and a locked amount per currency, the
// average buy price of each coin, the JWT nonces seen), every order ever placed (identifiers are
// never reusable) and the last price per market. Amounts are Big so what the fake reports is exact.
import { randomUUID } from 'node:crypto';
import { Big } from '../../../shared/core/domain/money';
import { errors } from './errors';
import { MARKETS, split } from './markets';
import type { FakeUpbitAccountSeed, FakeUpbitBalance, FakeUpbitOrder } from './types';

export interface Holding {
  balance: Big;
  locked: Big;
  avgBuyPrice: Big;
}

export interface Account {
  seed: FakeUpbitAccountSeed;
  holdings: Map<string, Holding>;
  nonces: Set<string>;
}

export const DEFAULT_PRICES: Readonly<Record<string, string>> = {
  'KRW-BTC': '100000000',
  'KRW-ETH': '5000000',
  'KRW-XRP': '1000',
};
/** Upbit's KRW-market fee, maker and taker alike: 0.05 % (ccxt's tradingFeesByQuoteCurrency.KRW). */
export const FEE_RATE = '0.0005';
/** Upbit's minimum order total on KRW markets. */
export const MIN_TOTAL_KRW = '5000';
/** Volumes are kept to 8 decimals, as Upbit's coin amounts. */
export const VOLUME_DP = 8;

export class UpbitState {
  readonly accounts = new Map<string, Account>();
  readonly prices = new Map<string, Big>();
  readonly orders: FakeUpbitOrder[] = [];

  constructor(seeds: readonly FakeUpbitAccountSeed[], prices: Readonly<Record<string, string>>) {
    for (const seed of seeds) {
      const holdings = new Map<string, Holding>([
        ['KRW', { balance: new Big(seed.krw ?? 10_000_000), locked: new Big(0), avgBuyPrice: new Big(0) }],
      ]);
      this.accounts.set(seed.apiKey, { seed, holdings, nonces: new Set() });
    }
    for (const [market, px] of Object.entries(prices)) this.prices.set(market, new Big(px));
  }

  now(): number {
    return Date.now();
  }

  nextId(): string {
    return randomUUID();
  }

  /** A KRW market the fake trades; anything else is refused as Upbit refuses an unknown market. */
  market(market: string | undefined): string {
    if (market === undefined || market === '') throw errors.missing('market');
    if (!MARKETS.some((m) => m.market === market) || split(market).quote !== 'KRW') throw errors.unknownMarket();
    return market;
  }

  price(market: string): Big {
    const px = this.prices.get(market);
    if (!px) throw new Error(`fake-upbit: no price for ${market} (seed it in prices)`);
    return px;
  }

  accountOrThrow(apiKey: string): Account {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`fake-upbit: no account ${apiKey}`);
    return account;
  }

  holding(account: Account, currency: string): Holding {
    let h = account.holdings.get(currency);
    if (!h) {
      h = { balance: new Big(0), locked: new Big(0), avgBuyPrice: new Big(0) };
      account.holdings.set(currency, h);
    }
    return h;
  }

  view(apiKey: string, currency: string): FakeUpbitBalance {
    const h = this.accountOrThrow(apiKey).holdings.get(currency);
    return h
      ? { balance: h.balance.toString(), locked: h.locked.toString(), avgBuyPrice: h.avgBuyPrice.toString() }
      : { balance: '0', locked: '0', avgBuyPrice: '0' };
  }

  /** Orders still resting (Upbit: state "wait"). */
  waiting(apiKey: string, market?: string): FakeUpbitOrder[] {
    return this.orders.filter(
      (o) => o.apiKey === apiKey && o.state === 'wait' && (market === undefined || o.market === market),
    );
  }
}
