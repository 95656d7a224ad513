// Kelly sizing from the account's own closed trades: how much of equity to risk per trade.
//
// Each closed trade contributes its return on notional, r = realizedPnl / (entryPrice × maxQuantity),
// which does not depend on the size it was taken at. Over the trades in closing order, the k-th
// most recent (k = 0 newest) weighs w_k = (1 − α)^k with α = 2 / (emaSpan + 1), so the estimate
// follows a strategy whose edge drifts.
//
//   W  = Σ w [r > 0] / Σ w                                  weighted win rate
//   R  = (Σ w r [r > 0] / Σ w [r > 0]) / (Σ w |r| [r < 0] / Σ w [r < 0])   payoff ratio
//   f* = W − (1 − W) / R                                    full Kelly (0 without wins, W without losses)
//   shrink  = n / (n + priorTrades)                         few trades say little: pull toward zero
//   riskPct = clamp(f* × fraction × shrink × 100, 0, maxRiskPct)
//
// f* is the bankroll share lost when a bet loses, so riskPct is the equity percent lost at the stop.
// avgLossPct (the weighted mean |r| of losses, in percent) is the stop distance a losing trade has
// historically cost; sizing uses it when the signal names no stop. A breakeven trade (|r| below
// BREAKEVEN, float residue far under any fee) is not a win: it lowers W but enters neither side of R.
import type { KellyConfig } from './config';
import type { TradeRecord } from '../domain/trade';

export interface KellyEstimate {
  /** closed trades with a usable return */
  n: number;
  winRate: number;
  /** mean win over mean loss; 0 when either side has no trades (undefined ratio) */
  payoff: number;
  /** full Kelly fraction f*, before fraction, shrinkage and the cap (may be negative) */
  rawKelly: number;
  shrink: number;
  /** equity percent to lose at the stop */
  riskPct: number;
  /** weighted mean loss on notional, percent; 0 when no loss is recorded */
  avgLossPct: number;
}

/** Returns on notional of the closed trades, oldest first. */
function returnsInClosingOrder(trades: readonly TradeRecord[]): number[] {
  return (
    trades
      .filter((t) => t.status === 'closed')
      // A closed trade without closedAt (older records) ends at its last update.
      // A return is a ratio, not money: the exact P&L becomes a number here, for the statistics.
      .map((t) => ({
        at: t.closedAt ?? t.updatedAt,
        r: Number(t.realizedPnl) / (Number(t.entryPrice) * Number(t.maxQuantity)),
      }))
      // Zero notional gives ±Infinity or NaN: no information about the strategy's edge.
      .filter((x) => Number.isFinite(x.r))
      .sort((a, b) => a.at - b.at)
      .map((x) => x.r)
  );
}

/** Decay per trade of age, 1 − α, kept in [0, 1] so that weights never turn negative or grow. */
function decayFor(emaSpan: number): number {
  if (Number.isNaN(emaSpan)) return 1; // no usable span: plain average
  const decay = 1 - 2 / (emaSpan + 1);
  return Math.min(Math.max(decay, 0), 1);
}

const finiteOrZero = (x: number): number => (Number.isFinite(x) ? x : 0);

/** |r| under this is a breakeven whose P&L kept float residue: 1e-9 of notional is far below a fee. */
const BREAKEVEN = 1e-9;

export function kellyEstimate(trades: readonly TradeRecord[], config: KellyConfig): KellyEstimate {
  const returns = returnsInClosingOrder(trades);
  const n = returns.length;
  const decay = decayFor(config.emaSpan);

  let total = 0;
  let winWeight = 0;
  let winSum = 0;
  let lossWeight = 0;
  let lossSum = 0;
  let weight = 1;
  for (let i = n - 1; i >= 0; i--) {
    const r = returns[i]!;
    total += weight;
    if (r > BREAKEVEN) {
      winWeight += weight;
      winSum += weight * r;
    } else if (r < -BREAKEVEN) {
      lossWeight += weight;
      lossSum += weight * -r;
    }
    weight *= decay;
  }

  const winRate = total > 0 ? winWeight / total : 0;
  const meanWin = winWeight > 0 ? winSum / winWeight : 0;
  const meanLoss = lossWeight > 0 ? lossSum / lossWeight : 0;
  const payoff = meanWin > 0 && meanLoss > 0 ? finiteOrZero(meanWin / meanLoss) : 0;
  // (1 − W) / R written as (1 − W) × meanLoss / meanWin: no division by a payoff that over- or
  // underflowed. Without losses the payoff is unbounded and f* tends to W (1 when every trade won).
  const rawKelly = winWeight === 0 ? 0 : meanLoss > 0 ? winRate - ((1 - winRate) * meanLoss) / meanWin : winRate;
  const shrink = n > 0 ? finiteOrZero(n / (n + Math.max(config.priorTrades, 0))) : 0;
  const uncapped = finiteOrZero(rawKelly * config.fraction * shrink * 100);
  const cap = Number.isNaN(config.maxRiskPct) ? 0 : Math.max(config.maxRiskPct, 0);
  return {
    n,
    winRate,
    payoff,
    // Only absurd records (returns near the float limits) make these non-finite; the numbers are
    // stored in the audit log, which takes finite numbers only.
    rawKelly: finiteOrZero(rawKelly),
    shrink,
    riskPct: Math.min(Math.max(uncapped, 0), cap),
    avgLossPct: finiteOrZero(meanLoss * 100),
  };
}
