// The liquidation price must lie well beyond the stop-loss, or a wick liquidates the position
// before the stop fires. Isolated-margin estimate: the price can move 1/L − mmr against a position
// at leverage L before liquidation; that distance must be at least minStopMultiple stop distances.
import type { CheckResult, Proposal, RiskCheck, RiskContext } from '../types';
import { pct, round } from './support';

// Relative slack so a leverage exactly on the bound is not failed by float rounding of 1/(m·d + mmr).
const EPSILON = 1e-12;

export class LiquidationDistanceCheck implements RiskCheck {
  readonly name = 'liquidation_distance';
  readonly stage = 'leverage' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    if (proposal.stopPrice === undefined) return { outcome: 'skip', reason: 'no stop-loss', numbers: {} };
    const { minStopMultiple, maintenanceMarginRate: mmr } = context.config.limits.liquidation;
    const leverage = proposal.leverage;
    const stopDistance = Math.abs(proposal.price - proposal.stopPrice) / proposal.price;
    // 1/L − mmr ≥ m·d  ⇔  L ≤ 1/(m·d + mmr)
    const maxLeverage = (1 / (minStopMultiple * stopDistance + mmr)) * (1 + EPSILON);
    const numbers = {
      stopDistancePct: pct(stopDistance),
      liquidationDistancePct: pct(1 / leverage - mmr),
      minStopMultiple,
      maintenanceMarginRate: mmr,
      leverage,
    };
    if (leverage <= maxLeverage) {
      return {
        outcome: 'pass',
        reason: `liquidation ${numbers.liquidationDistancePct}% away, at least ${minStopMultiple}× the stop distance of ${numbers.stopDistancePct}%`,
        numbers,
      };
    }
    const allowed = Math.floor(maxLeverage);
    // Written so a NaN (a zero or missing price) refuses rather than adjusts.
    if (!(allowed >= 1)) {
      return {
        outcome: 'refuse',
        code: 'LIQUIDATION_DISTANCE',
        reason: `a stop ${numbers.stopDistancePct}% away leaves no leverage ≥ 1x whose liquidation is ${minStopMultiple}× farther`,
        numbers: { ...numbers, maxLeverage: round(maxLeverage, 6) },
      };
    }
    const liquidationAfterPct = pct(1 / allowed - mmr);
    return {
      outcome: 'adjust',
      leverage: allowed,
      reason: `leverage ${leverage}x → ${allowed}x: liquidation ${numbers.liquidationDistancePct}% away was closer than ${minStopMultiple}× the stop distance of ${numbers.stopDistancePct}%, now ${liquidationAfterPct}%`,
      numbers: { ...numbers, liquidationDistancePctAfter: liquidationAfterPct, leverageAfter: allowed },
    };
  }
}
