// Everything the fake OKX holds: accounts (cash, positions, leverage per instrument and margin
// mode), the order book of each account, algo orders, fills, bills and the last price per
// instrument. Amounts are Big (contracts, USDT) so what the fake reports is exact.
import { Big } from '../../../shared/core/domain/money';
import { errors } from './errors';
import { INSTRUMENTS, type Instrument } from './instruments';
import type { FakeOkxAccountSeed, FakeOkxAlgo, FakeOkxBill, FakeOkxFill, FakeOkxOrder } from './types';

export type MarginMode = 'cross' | 'isolated';

export interface Position {
  /** Contracts, signed: + long, − short (net mode). */
  pos: Big;
  avgPx: Big;
  mgnMode: MarginMode;
  /** Realised P&L since the position opened (fees included), as OKX's realizedPnl. */
  realizedPnl: Big;
  fee: Big;
  fundingFee: Big;
  cTime: number;
  uTime: number;
}

export interface Account {
  seed: FakeOkxAccountSeed;
  cash: Big;
  posMode: 'net_mode' | 'long_short_mode';
  positions: Map<string, Position>;
  /** `${instId}:${mgnMode}` → lever set by set-leverage; unset reads as DEFAULT_LEVER. */
  leverage: Map<string, string>;
}

export const DEFAULT_PRICES: Readonly<Record<string, string>> = { 'BTC-USDT-SWAP': '60000', 'ETH-USDT-SWAP': '3000' };
export const DEFAULT_LEVER = '10';
/** OKX's regular-user (Lv1) USDT-margined swap fees: taker 0.05 %, maker 0.02 %. */
export const TAKER_FEE = '0.0005';
export const MAKER_FEE = '0.0002';

export class OkxState {
  readonly accounts = new Map<string, Account>();
  readonly instruments = new Map<string, Instrument>();
  readonly prices = new Map<string, Big>();
  readonly orders: FakeOkxOrder[] = [];
  readonly algos: FakeOkxAlgo[] = [];
  readonly fills: FakeOkxFill[] = [];
  readonly bills: FakeOkxBill[] = [];
  clockSkewMs: number;
  private lastId = 0n;

  constructor(seeds: readonly FakeOkxAccountSeed[], prices: Readonly<Record<string, string>>, clockSkewMs: number) {
    for (const seed of seeds) {
      this.accounts.set(seed.apiKey, {
        seed,
        cash: new Big(seed.usdt ?? 10_000),
        posMode: seed.posMode ?? 'net_mode',
        positions: new Map(),
        leverage: new Map(),
      });
    }
    for (const inst of INSTRUMENTS) this.instruments.set(inst.instId, inst);
    for (const [instId, px] of Object.entries(prices)) this.prices.set(instId, new Big(px));
    this.clockSkewMs = clockSkewMs;
  }

  now(): number {
    return Date.now() + this.clockSkewMs;
  }

  /** OKX ids are 18–19 digit decimal strings. */
  nextId(): string {
    this.lastId += 1n;
    return String(1_900_000_000_000_000_000n + this.lastId);
  }

  instrument(instId: string | undefined): Instrument {
    if (instId === undefined || instId === '') throw errors.empty('instId');
    const inst = this.instruments.get(instId);
    if (!inst) throw errors.unknownInstrument();
    return inst;
  }

  price(instId: string): Big {
    const px = this.prices.get(instId);
    if (!px) throw new Error(`fake-okx: no price for ${instId} (seed it in prices)`);
    return px;
  }

  accountOrThrow(apiKey: string): Account {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`fake-okx: no account ${apiKey}`);
    return account;
  }

  position(account: Account, instId: string): Position {
    let p = account.positions.get(instId);
    if (!p) {
      p = {
        pos: new Big(0),
        avgPx: new Big(0),
        mgnMode: 'isolated',
        realizedPnl: new Big(0),
        fee: new Big(0),
        fundingFee: new Big(0),
        cTime: this.now(),
        uTime: this.now(),
      };
      account.positions.set(instId, p);
    }
    return p;
  }

  lever(account: Account, instId: string, mgnMode: MarginMode): string {
    return account.leverage.get(`${instId}:${mgnMode}`) ?? DEFAULT_LEVER;
  }

  /** Initial margin of the open positions, in USDT. */
  usedMargin(account: Account): Big {
    let used = new Big(0);
    for (const [instId, p] of account.positions) {
      if (p.pos.eq(0)) continue;
      const notional = p.pos.abs().times(this.instrument(instId).ctVal).times(p.avgPx);
      used = used.plus(notional.div(this.lever(account, instId, p.mgnMode)));
    }
    return used;
  }

  /** Unrealised P&L at the last price. */
  upl(account: Account, instId: string): Big {
    const p = account.positions.get(instId);
    if (!p || p.pos.eq(0)) return new Big(0);
    return this.price(instId).minus(p.avgPx).times(p.pos).times(this.instrument(instId).ctVal);
  }

  equity(account: Account): Big {
    let eq = account.cash;
    for (const instId of account.positions.keys()) eq = eq.plus(this.upl(account, instId));
    return eq;
  }

  available(account: Account): Big {
    return this.equity(account).minus(this.usedMargin(account));
  }

  /** Orders still on the book (OKX: "pending"). */
  pending(apiKey: string, instId?: string): FakeOkxOrder[] {
    return this.orders.filter(
      (o) =>
        o.apiKey === apiKey &&
        (o.state === 'live' || o.state === 'partially_filled') &&
        (instId === undefined || o.instId === instId),
    );
  }
}
