// The lowest of four leverage caps applies: the risk configuration's, the account setting's, the
// symbol's own and the exchange market's. A leverage above it is refused, not lowered: the
// signal asked for something the owner ruled out.
import type { CheckResult, Proposal, RiskCheck, RiskContext } from '../types';

export class LeverageCapCheck implements RiskCheck {
  readonly name = 'max_leverage';
  readonly stage = 'leverage' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const limits = context.config.limits;
    let cap = limits.maxLeverage;
    let boundBy = 'config';
    // Strictly lower only: on a tie the broader rule is named.
    if (context.accountMaxLeverage < cap) {
      cap = context.accountMaxLeverage;
      boundBy = 'account';
    }
    const symbolCap = limits.symbolMaxLeverage[proposal.symbol];
    if (symbolCap !== undefined && symbolCap < cap) {
      cap = symbolCap;
      boundBy = 'symbol';
    }
    if (context.market.maxLeverage < cap) {
      cap = context.market.maxLeverage;
      boundBy = 'market';
    }
    const numbers = { leverage: proposal.leverage, cap, boundBy };
    if (proposal.leverage > cap) {
      return {
        outcome: 'refuse',
        code: 'LEVERAGE_CAP',
        reason: `leverage ${proposal.leverage}x exceeds the ${boundBy} cap of ${cap}x`,
        numbers,
      };
    }
    return { outcome: 'pass', reason: `leverage ${proposal.leverage}x within the ${boundBy} cap of ${cap}x`, numbers };
  }
}
