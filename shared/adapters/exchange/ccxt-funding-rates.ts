// The funding-rates port over ccxt's fetchFundingRate: one public request per symbol (reports ask
// for the few symbols an account holds, so the batch endpoint buys nothing and ccxt has no captured
// fixture for it). No key: an instance built without credentials signs nothing. Spot exchanges
// (Upbit) and exchanges ccxt cannot ask answer none.
import { toDecimal } from '../../core/domain/money';
import type { FundingRate, FundingRates, FundingRatesFor } from '../../core/ports/funding-rates';
import type { Clock } from '../../core/ports/runtime';
import type { CcxtExchangeAdapter } from './ccxt-exchange';
import { DIALECTS } from './dialects';
import { keylessAdapters, type KeylessAdapters } from './keyless-adapters';

/** The parts of ccxt's unified FundingRate structure read here. */
interface CcxtFundingRate {
  fundingRate?: number | null;
  /** the settlement the current rate applies to: the next funding time */
  fundingTimestamp?: number | null;
  /** "8h", "4h", "1h" */
  interval?: string | null;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** ccxt's interval text ("8h") in ms; undefined for anything else. */
export function intervalMs(text: string | null | undefined): number | undefined {
  const match = /^(\d+)([mhd])$/.exec(text ?? '');
  if (!match) return undefined;
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  return ms > 0 ? ms : undefined;
}

/** ccxt's unified funding rate as ours; undefined when it carries no usable rate. */
export function toFundingRate(symbol: string, raw: CcxtFundingRate): FundingRate | undefined {
  const rate = raw.fundingRate;
  if (typeof rate !== 'number' || !Number.isFinite(rate)) return undefined;
  const next = raw.fundingTimestamp;
  const out: FundingRate = {
    symbol,
    rate: toDecimal(rate),
    nextFundingTime: typeof next === 'number' && Number.isFinite(next) && next > 0 ? next : undefined,
  };
  const interval = intervalMs(raw.interval);
  if (interval !== undefined) out.intervalMs = interval;
  return out;
}

export class CcxtFundingRates implements FundingRates {
  constructor(
    private readonly adapter: CcxtExchangeAdapter,
    /** a symbol's read failed (it is left out): the symbol and the error's class and message */
    private readonly onError?: (symbol: string, error: unknown) => void,
  ) {}

  async current(symbols: readonly string[]): Promise<FundingRate[]> {
    const ex = this.adapter.raw;
    if (!this.adapter.capabilities.derivatives || !ex.has.fetchFundingRate) return [];
    const out: FundingRate[] = [];
    for (const symbol of symbols) {
      try {
        // Loads the markets (shared, cached) and resolves our symbol to ccxt's.
        const market = await this.adapter.loadMarket(symbol);
        const raw = (await ex.fetchFundingRate(market.symbol)) as CcxtFundingRate;
        const rate = toFundingRate(symbol, raw);
        if (rate) out.push(rate);
      } catch (error) {
        this.onError?.(symbol, error);
      }
    }
    return out;
  }
}

export interface CcxtFundingRatesForOptions {
  clock: Clock;
  timeoutMs: number;
  /** a local fake exchange: every API host is rewritten to it */
  apiUrl?: string;
  /** the process's keyless adapters, to share their loaded markets with other readers */
  adapters?: KeylessAdapters;
  /** a symbol's read failed: which exchange, the symbol, the error */
  onError?: (exchange: string, symbol: string, error: unknown) => void;
}

/**
 * One keyless source per exchange and network, kept for the process (markets are loaded once and
 * shared); paper (the replay has no funding) and spot exchanges have none.
 */
export function ccxtFundingRatesFor(options: CcxtFundingRatesForOptions): FundingRatesFor {
  const adapters = options.adapters ?? keylessAdapters(options);
  const sources = new Map<string, FundingRates>();
  return ({ exchange, testnet }) => {
    if (exchange === 'paper' || !DIALECTS[exchange].capabilities.derivatives) return undefined;
    const key = `${exchange}|${testnet}`;
    let source = sources.get(key);
    if (!source) {
      source = new CcxtFundingRates(adapters(exchange, testnet), (symbol, error) =>
        options.onError?.(exchange, symbol, error),
      );
      sources.set(key, source);
    }
    return source;
  };
}
