// The funding-history port over ccxt's fetchFundingRateHistory: the rates a perpetual settled since
// a time, read from the exchange's public history (no key: an instance built without credentials
// signs nothing). Rates leave as the exchange's own decimal text, never through ccxt's float.
// Exchanges answer different ends of a range first and page differently, so each is walked the way
// its documentation says (PAGING below); a page that cannot be read fails the whole read, retryable:
// a decision must never be taken on a silent gap.
import type { ExchangeId } from '../../core/domain/account';
import { toDecimal } from '../../core/domain/money';
import { DomainError, InvalidArgumentError, TransientError } from '../../core/errors';
import type { FundingHistory, SettledFunding } from '../../core/ports/funding-history';
import type { Clock } from '../../core/ports/runtime';
import { translateCcxtError } from './ccxt-errors';
import type { CcxtExchangeAdapter } from './ccxt-exchange';
import type { CcxtExchangeId } from './ccxt-lib';
import { DIALECTS } from './dialects';
import { keylessAdapters, type KeylessAdapters } from './keyless-adapters';

/** The parts of ccxt's unified FundingRateHistory entry read here. */
interface CcxtSettledRate {
  info?: Record<string, unknown>;
  timestamp?: number | null;
}

/** ccxt's arguments for one page: `since`, `limit` and the exchange's own parameters. */
interface PageRequest {
  since?: number;
  limit: number;
  params: Record<string, unknown>;
}

/**
 * How one exchange's history is walked. `forward`: pages from `since` onwards, oldest first
 * (`next` = the time after the newest row seen). `backward`: the newest rows first, each page older
 * than the last (`olderThan` = the oldest row seen; `pageNo` counts from 1).
 */
type Paging =
  | { direction: 'forward'; size: number; page(from: number): PageRequest }
  | { direction: 'backward'; size: number; page(olderThan: number | undefined, pageNo: number): PageRequest };

/**
 * Binance: GET /fapi/v1/fundingRate with startTime answers the first `limit` (max 1,000) rows from
 * it. Bybit: GET /v5/market/funding/history with endTime alone answers the 200 rows up to it
 * ("Passing only startTime returns an error"; ccxt would invent an endTime of since + 200 × 8 h,
 * wrong for a symbol whose interval changed). OKX: GET /api/v5/public/funding-rate-history, 100
 * rows newest first, `after` = older than a fundingTime. Bitget: GET /api/v2/mix/market/
 * history-fund-rate takes no time at all, only pageSize (max 100) and pageNo, newest first.
 */
const PAGING: Partial<Record<CcxtExchangeId, Paging>> = {
  binanceusdm: { direction: 'forward', size: 1000, page: (from) => ({ since: from, limit: 1000, params: {} }) },
  bybit: {
    direction: 'backward',
    size: 200,
    page: (olderThan) => ({ limit: 200, params: olderThan === undefined ? {} : { until: olderThan - 1 } }),
  },
  okx: {
    direction: 'backward',
    size: 100,
    page: (olderThan) => ({ limit: 100, params: olderThan === undefined ? {} : { after: String(olderThan) } }),
  },
  bitget: {
    direction: 'backward',
    size: 100,
    page: (_, pageNo) => ({ limit: 100, params: { pageNo: String(pageNo) } }),
  },
};

/**
 * Where the settled rate is written as text in the exchange's row (ccxt's `info`). OKX's row has
 * both `fundingRate` and `realizedRate`; ccxt reads `realizedRate`, the rate actually settled.
 */
const RATE_FIELD: Partial<Record<CcxtExchangeId, string>> = {
  binanceusdm: 'fundingRate',
  bybit: 'fundingRate',
  okx: 'realizedRate',
  bitget: 'fundingRate',
};

/**
 * The interval an exchange states in its instruments (already loaded with the markets, so no
 * request): Bybit's `fundingInterval` in minutes, Bitget's `fundInterval` in hours. Binance's
 * exchangeInfo and OKX's instruments carry none: left absent.
 */
const INTERVAL_FIELD: Partial<Record<CcxtExchangeId, { field: string; unitMs: number }>> = {
  bybit: { field: 'fundingInterval', unitMs: 60_000 },
  bitget: { field: 'fundInterval', unitMs: 3_600_000 },
};

/** Requests one read may make: some thousands of settlements (a year of 1 h funding on Binance). */
export const MAX_REQUESTS = 40;

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The exchange's rate text of one row, or undefined when it carries none readable. */
export function rateText(exchange: CcxtExchangeId, row: CcxtSettledRate): string | undefined {
  const field = RATE_FIELD[exchange];
  const raw = field === undefined ? undefined : row.info?.[field];
  // Text only: a number here has already been through a float.
  return typeof raw === 'string' && DECIMAL.test(raw.trim()) ? raw.trim() : undefined;
}

/** The interval a market's instrument states, ms; undefined when it states none. */
export function statedIntervalMs(exchange: CcxtExchangeId, info: unknown): number | undefined {
  const spec = INTERVAL_FIELD[exchange];
  if (!spec || info === null || typeof info !== 'object') return undefined;
  const value = Number((info as Record<string, unknown>)[spec.field]);
  return Number.isInteger(value) && value > 0 ? value * spec.unitMs : undefined;
}

export class CcxtFundingHistory implements FundingHistory {
  private readonly exchange: CcxtExchangeId;
  private readonly paging: Paging;

  constructor(
    private readonly adapter: CcxtExchangeAdapter,
    private readonly clock: Clock = { now: () => Date.now() },
  ) {
    this.exchange = adapter.exchangeId as CcxtExchangeId;
    const paging = PAGING[this.exchange];
    if (!paging || !adapter.capabilities.derivatives)
      throw new InvalidArgumentError(`${adapter.exchangeId} has no funding history (spot)`, 'FUNDING_UNSUPPORTED');
    this.paging = paging;
  }

  async settled(symbol: string, since: number): Promise<{ rates: SettledFunding[]; intervalMs?: number }> {
    if (typeof symbol !== 'string' || symbol === '') throw new InvalidArgumentError('symbol: must be a non-empty text');
    if (!Number.isSafeInteger(since) || since < 0)
      throw new InvalidArgumentError(`since: must be epoch ms, an integer ≥ 0 (got ${String(since)})`);
    // Loads the markets (shared, cached) and resolves our symbol to ccxt's; a failure is translated there.
    const market = await this.adapter.loadMarket(symbol);
    const rows = new Map<number, string>();
    let requests = 0;
    const fetchPage = async (request: PageRequest): Promise<SettledFunding[]> => {
      if (++requests > MAX_REQUESTS)
        throw new InvalidArgumentError(
          `since: ${new Date(since).toISOString()} is too far back for ${this.exchange} ${symbol} (more than ${MAX_REQUESTS} requests)`,
          'HISTORY_TOO_LONG',
        );
      const page = await this.read(market.symbol, request);
      for (const row of page) if (row.time >= since && !rows.has(row.time)) rows.set(row.time, row.rate);
      return page;
    };

    const paging = this.paging;
    if (paging.direction === 'forward') {
      for (let from = since; ;) {
        const page = await fetchPage(paging.page(from));
        if (page.length < paging.size) break;
        const newest = Math.max(...page.map((r) => r.time));
        if (newest < from) throw this.stuck(symbol);
        from = newest + 1;
      }
    } else {
      for (let pageNo = 1, olderThan: number | undefined; ; pageNo++) {
        const page = await fetchPage(paging.page(olderThan, pageNo));
        if (page.length < paging.size) break;
        const oldest = Math.min(...page.map((r) => r.time));
        if (oldest <= since) break;
        if (olderThan !== undefined && oldest >= olderThan) throw this.stuck(symbol);
        olderThan = oldest;
      }
    }

    const rates = [...rows.entries()].sort(([a], [b]) => a - b).map(([time, rate]) => ({ time, rate }));
    const interval = statedIntervalMs(this.exchange, this.adapter.raw.markets?.[market.symbol]?.info);
    return interval === undefined ? { rates } : { rates, intervalMs: interval };
  }

  /** A full page that did not move past the last one: what lies beyond it cannot be read. */
  private stuck(symbol: string): TransientError {
    return new TransientError(`${this.exchange} funding rate history of ${symbol}: a full page did not move on`);
  }

  /** One page, as settled rates; any failure leaves as a domain error (5xx, timeouts: retryable). */
  private async read(ccxtSymbol: string, request: PageRequest): Promise<SettledFunding[]> {
    let raw: CcxtSettledRate[];
    try {
      raw = (await this.adapter.raw.fetchFundingRateHistory(
        ccxtSymbol,
        request.since,
        request.limit,
        request.params,
      )) as CcxtSettledRate[];
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw translateCcxtError(error, {
        exchange: this.exchange,
        operation: 'fetch funding rate history',
        now: this.clock.now(),
      });
    }
    return raw.map((row) => {
      const time = row.timestamp;
      const text = rateText(this.exchange, row);
      // A row without its time or rate is an answer we cannot read: retry rather than decide on a gap.
      if (typeof time !== 'number' || !Number.isSafeInteger(time) || text === undefined)
        throw new TransientError(`${this.exchange} funding rate history: a row without a readable time or rate`);
      return { time, rate: toDecimal(text) };
    });
  }
}

/** The funding history of an exchange and network; undefined when it has none (paper, spot). */
export type FundingHistoryFor = (account: { exchange: ExchangeId; testnet: boolean }) => FundingHistory | undefined;

export interface CcxtFundingHistoryForOptions {
  clock: Clock;
  timeoutMs: number;
  /** a local fake exchange: every API host is rewritten to it */
  apiUrl?: string;
  /** the process's keyless adapters, to share their loaded markets with other readers */
  adapters?: KeylessAdapters;
}

/**
 * One keyless source per exchange and network, kept for the process (markets are loaded once and
 * shared); paper (the replay has no funding) and spot exchanges have none.
 */
export function ccxtFundingHistoryFor(options: CcxtFundingHistoryForOptions): FundingHistoryFor {
  const adapters = options.adapters ?? keylessAdapters(options);
  const sources = new Map<string, FundingHistory>();
  return ({ exchange, testnet }) => {
    if (exchange === 'paper' || !DIALECTS[exchange].capabilities.derivatives || !PAGING[exchange]) return undefined;
    const key = `${exchange}|${testnet}`;
    let source = sources.get(key);
    if (!source) {
      source = new CcxtFundingHistory(adapters(exchange, testnet), options.clock);
      sources.set(key, source);
    }
    return source;
  };
}
