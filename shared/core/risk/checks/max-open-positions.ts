// Caps how many positions are open at once. Adding to a position already open on the entry's
// symbol does not open a new one, so that symbol is not counted.
import type { CheckResult, Proposal, RiskCheck, RiskContext } from '../types';

export class MaxOpenPositionsCheck implements RiskCheck {
  readonly name = 'max_open_positions';
  readonly stage = 'gate' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const max = context.config.limits.maxOpenPositions;
    let others = 0;
    for (const position of context.open) if (position.symbol !== proposal.symbol) others++;
    const numbers = { openElsewhere: others, maxOpenPositions: max };
    if (others >= max) {
      return {
        outcome: 'refuse',
        code: 'MAX_OPEN_POSITIONS',
        reason: `${others} positions already open on other symbols, the limit is ${max}`,
        numbers,
      };
    }
    return { outcome: 'pass', reason: `${others} of ${max} positions open on other symbols`, numbers };
  }
}
