// Public market data: server time, exchange info, a synthetic order book and tickers around the
// current price, and seeded candles and funding rates served with Binance's window rules.
import { Big } from '../../../shared/core/domain/money';
import { round } from './decimals';
import { errors } from './errors';
import { exchangeInfo, fmtPrice, fmtQty, type Market } from './markets';
import type { Params } from './order-params';
import type { ExchangeState } from './state';
import type { CandleRow, FakeFundingSeed, FundingRow } from './types';

const MINUTE = 60_000;
export const INTERVAL_MS: Record<string, number> = {
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': 60 * MINUTE,
  '2h': 120 * MINUTE,
  '4h': 240 * MINUTE,
  '6h': 360 * MINUTE,
  '8h': 480 * MINUTE,
  '12h': 720 * MINUTE,
  '1d': 1440 * MINUTE,
  '3d': 3 * 1440 * MINUTE,
  '1w': 7 * 1440 * MINUTE,
  '1M': 30 * 1440 * MINUTE,
};
const DEPTH_LIMITS = new Set([5, 10, 20, 50, 100, 500, 1000]);
const FUNDING_INTERVAL_MS = 8 * 60 * MINUTE;

export function serverTime(state: ExchangeState): { serverTime: number } {
  return { serverTime: state.now() };
}

export function exchangeInformation(state: ExchangeState): Record<string, unknown> {
  return exchangeInfo(state.markets.values(), state.now());
}

/** Best bid and ask: the spread split around the price, snapped outwards to the tick, at least one tick apart. */
export function bestBidAsk(m: Market): { bid: number; ask: number } {
  const half = (m.price * m.spreadBps) / 20_000;
  const bid = round(Math.floor(round((m.price - half) / m.tickSize, 6)) * m.tickSize, m.priceDecimals);
  let ask = round(Math.ceil(round((m.price + half) / m.tickSize, 6)) * m.tickSize, m.priceDecimals);
  if (ask <= bid) ask = round(bid + m.tickSize, m.priceDecimals);
  return { bid, ask };
}

/** Synthetic depth: `limit` levels a tick apart on each side, growing size away from the touch. */
export function depth(state: ExchangeState, params: Params): Record<string, unknown> {
  const m = state.market(params.symbol);
  const limit = Number(params.limit ?? 500);
  if (!DEPTH_LIMITS.has(limit)) throw errors.invalidParam('limit');
  const { bid, ask } = bestBidAsk(m);
  const level = (i: number) => fmtQty(m, Math.max(m.minQty, m.minQty * (i + 1) * 10));
  const bids: string[][] = [];
  const asks: string[][] = [];
  for (let i = 0; i < limit; i++) {
    const b = round(bid - i * m.tickSize, m.priceDecimals);
    if (b > 0) bids.push([fmtPrice(m, b), level(i)]);
    asks.push([fmtPrice(m, round(ask + i * m.tickSize, m.priceDecimals)), level(i)]);
  }
  const now = state.now();
  return { lastUpdateId: now, E: now, T: now, bids, asks };
}

function forOneOrAll<T>(state: ExchangeState, params: Params, view: (m: Market) => T): T | T[] {
  if (params.symbol !== undefined) return view(state.market(params.symbol));
  return [...state.markets.values()].map(view);
}

export function bookTicker(state: ExchangeState, params: Params) {
  return forOneOrAll(state, params, (m) => {
    const { bid, ask } = bestBidAsk(m);
    const qty = fmtQty(m, m.minQty * 10);
    return {
      symbol: m.symbol,
      bidPrice: fmtPrice(m, bid),
      bidQty: qty,
      askPrice: fmtPrice(m, ask),
      askQty: qty,
      time: state.now(),
      lastUpdateId: state.now(),
    };
  });
}

export function tickerPrice(state: ExchangeState, params: Params) {
  return forOneOrAll(state, params, (m) => ({ symbol: m.symbol, price: fmtPrice(m, m.price), time: state.now() }));
}

export function ticker24h(state: ExchangeState, params: Params) {
  return forOneOrAll(state, params, (m) => {
    const now = state.now();
    const change = m.price - m.openPrice;
    return {
      symbol: m.symbol,
      priceChange: fmtPrice(m, change),
      priceChangePercent: round((change / m.openPrice) * 100, 3).toFixed(3),
      weightedAvgPrice: fmtPrice(m, (m.openPrice + m.price) / 2),
      lastPrice: fmtPrice(m, m.price),
      lastQty: fmtQty(m, m.minQty),
      openPrice: fmtPrice(m, m.openPrice),
      highPrice: fmtPrice(m, m.high),
      lowPrice: fmtPrice(m, m.low),
      volume: '0',
      quoteVolume: '0',
      openTime: now - 86_400_000,
      closeTime: now,
      firstId: 0,
      lastId: 0,
      count: 0,
    };
  });
}

/** A rate as Binance writes it: 8 decimals ("0.00010000"). */
export function fmtRate(rate: number | string): string {
  return typeof rate === 'number' ? rate.toFixed(8) : new Big(rate).toFixed(8);
}

/** The running interval's rate: the one a test set, else the newest settled one, else 1 bp. */
function currentFunding(state: ExchangeState, symbol: string): string {
  const set = state.fundingNow.get(symbol)?.rate;
  if (set !== undefined) return fmtRate(set);
  const rows = state.funding.get(symbol);
  return fmtRate(rows?.[rows.length - 1]?.[1] ?? 0.0001);
}

export function premiumIndex(state: ExchangeState, params: Params) {
  return forOneOrAll(state, params, (m) => {
    const now = state.now();
    return {
      symbol: m.symbol,
      markPrice: fmtPrice(m, m.price),
      indexPrice: fmtPrice(m, m.price),
      estimatedSettlePrice: fmtPrice(m, m.price),
      lastFundingRate: currentFunding(state, m.symbol),
      interestRate: '0.00010000',
      nextFundingTime:
        state.fundingNow.get(m.symbol)?.nextFundingTime ??
        (Math.floor(now / FUNDING_INTERVAL_MS) + 1) * FUNDING_INTERVAL_MS,
      time: now,
    };
  });
}

/** Binance's window rule: start (and end) → the first `limit` rows in it; only end → the last `limit` before it; none → the latest `limit`. */
export function timeWindow<T>(
  rows: readonly T[],
  timeOf: (row: T) => number,
  params: Params,
  defaultLimit: number,
  maxLimit: number,
): T[] {
  const limitText = params.limit;
  if (limitText !== undefined && !/^\d+$/.test(limitText)) throw errors.invalidParam('limit');
  const limit = Math.min(limitText === undefined ? defaultLimit : Math.max(1, Number(limitText)), maxLimit);
  const start = params.startTime === undefined ? undefined : Number(params.startTime);
  const end = params.endTime === undefined ? undefined : Number(params.endTime);
  if (start !== undefined && end !== undefined && start > end) throw errors.startAfterEnd();
  const inRange = rows.filter(
    (r) => (start === undefined || timeOf(r) >= start) && (end === undefined || timeOf(r) <= end),
  );
  return start === undefined ? inRange.slice(-limit) : inRange.slice(0, limit);
}

/** GET /fapi/v1/klines from the seeded series (default 500, max 1500 rows). */
export function klines(state: ExchangeState, params: Params): unknown[][] {
  const m = state.market(params.symbol);
  const interval = params.interval;
  if (interval === undefined) throw errors.mandatory('interval');
  const ms = INTERVAL_MS[interval];
  if (ms === undefined) throw errors.invalidInterval();
  const rows = state.candles.get(`${m.symbol}:${interval}`) ?? [];
  return timeWindow(rows, (r) => r[0], params, 500, 1500).map(([t, o, h, l, c, v]) => [
    t,
    fmtPrice(m, o),
    fmtPrice(m, h),
    fmtPrice(m, l),
    fmtPrice(m, c),
    fmtQty(m, v),
    t + ms - 1,
    round(v * c, 8).toFixed(8),
    1,
    fmtQty(m, v / 2),
    round((v * c) / 2, 8).toFixed(8),
    '0',
  ]);
}

/** GET /fapi/v1/fundingRate from the seeded rates (default 100, max 1000 rows). */
export function fundingRates(state: ExchangeState, params: Params): Record<string, unknown>[] {
  const symbols = params.symbol === undefined ? [...state.markets.keys()] : [state.market(params.symbol).symbol];
  const rows = symbols
    .flatMap((s) => (state.funding.get(s) ?? []).map((r) => ({ symbol: s, row: r })))
    .sort((a, b) => a.row[0] - b.row[0]);
  return timeWindow(rows, (r) => r.row[0], params, 100, 1000).map(({ symbol, row }) => {
    const m = state.market(symbol);
    return { symbol, fundingTime: row[0], fundingRate: fmtRate(row[1]), markPrice: fmtPrice(m, m.price) };
  });
}

export function seedCandles(state: ExchangeState, symbol: string, interval: string, rows: readonly CandleRow[]): void {
  const m = state.market(symbol);
  if (INTERVAL_MS[interval] === undefined) throw new Error(`fake-binance: unknown interval ${interval}`);
  state.candles.set(
    `${m.symbol}:${interval}`,
    [...rows].sort((a, b) => a[0] - b[0]),
  );
}

/** Binance writes rates with 8 decimals: a rate with more could never come from it. */
const RATE_TEXT = /^-?\d+(\.\d{1,8})?$/;

function checkRate(field: string, rate: number | string): void {
  const ok = typeof rate === 'number' ? Number.isFinite(rate) : RATE_TEXT.test(rate);
  if (!ok)
    throw new Error(
      `fake-binance: ${field} must be a finite number or decimal text with at most 8 decimals, got ${rate}`,
    );
}

export function seedFunding(state: ExchangeState, symbol: string, rows: readonly FundingRow[]): void {
  const m = state.market(symbol);
  for (const [time, rate] of rows) {
    if (!Number.isSafeInteger(time) || time < 0)
      throw new Error(`fake-binance: funding time must be epoch ms, got ${time}`);
    checkRate('funding rate', rate);
  }
  state.funding.set(
    m.symbol,
    [...rows].sort((a, b) => a[0] - b[0]),
  );
}

/** setFunding: what is given replaces the symbol's current rate, next funding time or settled history. */
export function setFunding(state: ExchangeState, symbol: string, funding: FakeFundingSeed): void {
  const m = state.market(symbol);
  if (funding.rate !== undefined) checkRate('rate', funding.rate);
  const next = funding.nextFundingTime;
  if (next !== undefined && (!Number.isSafeInteger(next) || next <= 0))
    throw new Error(`fake-binance: nextFundingTime must be epoch ms > 0, got ${next}`);
  if (funding.history) seedFunding(state, m.symbol, funding.history);
  const now = { ...state.fundingNow.get(m.symbol) };
  if (funding.rate !== undefined) now.rate = String(funding.rate);
  if (next !== undefined) now.nextFundingTime = next;
  state.fundingNow.set(m.symbol, now);
}
