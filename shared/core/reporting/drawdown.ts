// The deepest peak-to-trough fall of an equity curve, with where it happened: the report shows it
// in percent and in the quote currency, and the chart shades it. Same definition as the backtest's
// maxDrawdownPct (docs/METRICS.md: running peak, (peak − equity) / peak), but the curve here starts
// at its own first point (there is no "starting cash" before it) and the answer keeps its ends.
import { Big, type Decimal } from '../domain/money';

export interface EquityPoint {
  /** epoch ms UTC */
  at: number;
  /** quote currency */
  equity: Decimal;
}

export interface MaxDrawdown {
  /** deepest fall from the running peak, percent of that peak, positive; 0 when the curve never falls */
  pct: number;
  /** that same fall (peak − trough) in the quote currency, positive, to 1e-8; "0" when none */
  amount: Decimal;
  /** the peak the fall started from and the bottom it reached; absent when there is no fall */
  peak?: EquityPoint;
  trough?: EquityPoint;
}

/**
 * Peak-to-trough over `points` (oldest first). The fall chosen is the deepest in percent (a fall
 * from a peak at or below zero has no percent and is never chosen); its amount is reported beside
 * it, so both numbers describe one fall. Ties keep the earliest.
 */
export function maxDrawdown(points: readonly EquityPoint[]): MaxDrawdown {
  let peak: EquityPoint | undefined;
  let best: { pct: Big; peak: EquityPoint; trough: EquityPoint } | undefined;
  for (const point of points) {
    if (!peak || new Big(point.equity).gte(peak.equity)) {
      peak = point;
      continue;
    }
    if (new Big(peak.equity).lte(0)) continue;
    const pct = new Big(peak.equity).minus(point.equity).times(100).div(peak.equity);
    if (!best || pct.gt(best.pct)) best = { pct, peak, trough: point };
  }
  if (!best) return { pct: 0, amount: '0' };
  // The percentage is a ratio (a number); the amount stays exact decimal text.
  return {
    pct: Number(best.pct.toString()),
    amount: new Big(best.peak.equity).minus(best.trough.equity).round(8, Big.roundHalfUp).toString(),
    peak: best.peak,
    trough: best.trough,
  };
}
