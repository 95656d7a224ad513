// A position's funding as the console shows it: the rate the risk-check job last recorded for the
// market (docs/FUNDING.md "In the console"), its basis points and annual figure as the reports
// compute them (reporting/funding-rates.ts), and this position's estimated next payment. Positive
// rate: longs pay shorts; `nextPayment` is signed for the holder (negative: the position pays).
import { Big, type Decimal } from '../domain/money';
import type { PositionSide } from '../domain/trade';
import { symbolFundingRates } from '../reporting/funding-rates';
import type { FundingReading } from './ports';

/** A reading older than this is flagged stale (the job refreshes every 5 minutes while it runs). */
export const FUNDING_STALE_MS = 15 * 60_000;

export interface FundingView {
  /** the current interval's rate as a fraction (decimal text) */
  rate: Decimal;
  /** rate × 10,000 */
  bpsPerInterval: number;
  /** rate × (365 days / interval) × 100, simple; absent when the exchange does not give the interval */
  annualPct?: number;
  /** epoch ms UTC of the next settlement, when the exchange says */
  nextFundingTime?: number;
  intervalMs?: number;
  /** when the risk-check job read it (epoch ms UTC) */
  asOf: number;
  /** older than 15 minutes, or its next settlement has passed: the rate shown may no longer apply */
  stale: boolean;
  /**
   * This position's estimated payment at the next settlement, in the quote currency, exact:
   * quantity × mark × rate, received (+) by a short and paid (−) by a long when the rate is
   * positive. Absent without a mark. The exchange settles on its own mark price at that moment.
   */
  nextPayment?: Decimal;
}

/** The signed payment at a settlement of `rate` for a position of `quantity` at `mark` (+ receives). */
export function fundingPayment(
  side: PositionSide,
  quantity: Big.BigSource,
  mark: Big.BigSource,
  rate: Big.BigSource,
): Big {
  const longPays = new Big(quantity).abs().times(mark).times(rate);
  return side === 'long' ? longPays.neg() : longPays;
}

/** The view of `reading` for one position; null without a reading (or one whose rate is not a number). */
export function fundingView(
  reading: FundingReading | undefined,
  side: PositionSide,
  quantity: Decimal,
  mark: Decimal | undefined,
  now: number,
): FundingView | null {
  if (!reading) return null;
  const [figures] = symbolFundingRates({ [reading.symbol]: reading });
  if (figures?.rate === undefined || figures.bpsPerInterval === undefined) return null;
  const next = figures.nextFundingTime;
  const view: FundingView = {
    rate: figures.rate,
    bpsPerInterval: figures.bpsPerInterval,
    ...(figures.annualisedPct !== undefined ? { annualPct: figures.annualisedPct } : {}),
    ...(next !== undefined ? { nextFundingTime: next } : {}),
    ...(figures.intervalMs !== undefined ? { intervalMs: figures.intervalMs } : {}),
    asOf: reading.asOf,
    stale: now - reading.asOf > FUNDING_STALE_MS || (next !== undefined && next <= now),
  };
  if (mark !== undefined) view.nextPayment = fundingPayment(side, quantity, mark, figures.rate).toString();
  return view;
}
