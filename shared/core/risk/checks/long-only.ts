// Accounts configured long-only never open shorts (spot-like accounts, or an owner's choice).
import type { CheckResult, Proposal, RiskCheck, RiskContext } from '../types';

export class LongOnlyCheck implements RiskCheck {
  readonly name = 'long_only';
  readonly stage = 'gate' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const numbers = { side: proposal.side };
    if (!context.config.limits.longOnly) return { outcome: 'pass', reason: 'shorts allowed', numbers };
    if (proposal.side === 'short')
      return {
        outcome: 'refuse',
        code: 'LONG_ONLY',
        reason: 'the account is long-only: short entries are refused',
        numbers,
      };
    return { outcome: 'pass', reason: 'long entry on a long-only account', numbers };
  }
}
