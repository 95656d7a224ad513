// Where live funding arbitrage reads the rates a perpetual has settled recently: the exchange's
// public funding history (no key). Read-only; nothing here ever places an order.
import type { Decimal } from '../domain/money';

export interface SettledFunding {
  /** settlement time, epoch ms UTC */
  time: number;
  /** the settled rate as a fraction (0.0001 = 1 bp); positive: longs paid shorts */
  rate: Decimal;
}

export interface FundingHistory {
  /**
   * The rates `symbol` settled at or after `since`, oldest first, and the length of one funding
   * interval when the exchange says (absent otherwise: the caller states its assumption). Throws a
   * retryable error when the exchange cannot be read: a decision must never be taken on a silent gap.
   */
  settled(symbol: string, since: number): Promise<{ rates: SettledFunding[]; intervalMs?: number }>;
}
