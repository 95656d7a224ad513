// The current funding rate of each symbol an account holds, as the report shows it: basis points
// per funding interval (1 bp = 0.01 %), annualised (rate × intervals in 365 days × 100, simple, not
// compounded) when the exchange says how long its interval is, and the next settlement in the
// report's time zone. Positive: longs pay shorts.
import { Big, type Decimal } from '../domain/money';
import type { FundingRate } from './ports';
import { signed, signedPct } from './format';

const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;

export interface SymbolFundingRate {
  symbol: string;
  /** the rate per interval as a fraction; absent: no reading */
  rate?: Decimal;
  /** rate × 10,000 */
  bpsPerInterval?: number;
  /** rate × (365 days / interval) × 100; absent when the interval is unknown */
  annualisedPct?: number;
  intervalMs?: number;
  /** epoch ms UTC */
  nextFundingTime?: number;
}

/** One entry per symbol, sorted by name; a reading whose rate is not a number is "no reading". */
export function symbolFundingRates(rates: Record<string, FundingRate | undefined>): SymbolFundingRate[] {
  return Object.entries(rates)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([symbol, reading]) => view(symbol, reading));
}

function view(symbol: string, reading: FundingRate | undefined): SymbolFundingRate {
  let rate: Big;
  try {
    rate = new Big(reading?.rate ?? '');
  } catch {
    return { symbol };
  }
  const out: SymbolFundingRate = {
    symbol,
    rate: rate.toString(),
    bpsPerInterval: Number(rate.times(10_000).toString()),
  };
  const interval = reading?.intervalMs;
  if (interval !== undefined && Number.isFinite(interval) && interval > 0) {
    out.intervalMs = interval;
    out.annualisedPct = Number(rate.times(YEAR_MS).div(interval).times(100).toString());
  }
  const next = reading?.nextFundingTime;
  if (next !== undefined && Number.isFinite(next)) out.nextFundingTime = next;
  return out;
}

/** "Funding rate BTC/USDT:USDT: +1.00 bp per 8h (+10.95 % a year), next 2024-11-05 01:00 Asia/Seoul" */
export function fundingRateLine(f: SymbolFundingRate, timeZone: string): string {
  if (f.bpsPerInterval === undefined) return `Funding rate ${f.symbol}: unknown (no reading from the exchange)`;
  const per = f.intervalMs !== undefined ? `per ${intervalText(f.intervalMs)}` : 'per interval';
  const year =
    f.annualisedPct !== undefined ? ` (${signedPct(f.annualisedPct)} a year)` : ' (interval unknown: not annualised)';
  const next = f.nextFundingTime !== undefined ? `, next ${localTime(f.nextFundingTime, timeZone)} ${timeZone}` : '';
  return `Funding rate ${f.symbol}: ${signed(f.bpsPerInterval)} bp ${per}${year}${next}`;
}

/** "8h", "30m" */
function intervalText(ms: number): string {
  return ms % HOUR_MS === 0 ? `${ms / HOUR_MS}h` : `${Math.round(ms / 60_000)}m`;
}

/** "2024-11-05 01:00" in the zone. */
function localTime(at: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
