// The sum of all open notionals after the entry may not exceed maxExposurePct of equity: the
// account's total leverage, whatever each position's own.
import type { CheckResult, Proposal, RiskCheck, RiskContext } from '../types';
import { fitUnderCap } from './notional-cap';
import { amountOf } from './support';

export class ExposureCapCheck implements RiskCheck {
  readonly name = 'max_exposure';
  readonly stage = 'amount' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const amount = amountOf(proposal, this.name);
    const capPct = context.config.limits.maxExposurePct;
    let existing = 0;
    for (const position of context.open) existing += position.notional;
    return fitUnderCap(proposal, context, amount, {
      code: 'MAX_EXPOSURE',
      subject: 'total exposure',
      existing,
      // The cap is a percentage of equity compared with float notionals: the equity becomes a number here.
      cap: (capPct * Number(context.equity)) / 100,
      capPct,
      numbers: { openPositions: context.open.length },
    });
  }
}
