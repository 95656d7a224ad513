// The sum of all open notionals after the entry may not exceed maxExposurePct of equity: the
// account's total leverage, whatever each position's own.
import type { CheckResult, Proposal, RiskCheck, RiskContext } from '../types';
import { fitUnderCap } from './notional-cap';
import { Big } from '../../domain/money';
import { amountOf, capOf } from './support';

export class ExposureCapCheck implements RiskCheck {
  readonly name = 'max_exposure';
  readonly stage = 'amount' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const amount = amountOf(proposal, this.name);
    const capPct = context.config.limits.maxExposurePct;
    let existing = new Big(0);
    for (const position of context.open) existing = existing.plus(position.notional);
    return fitUnderCap(proposal, context, amount, {
      code: 'MAX_EXPOSURE',
      subject: 'total exposure',
      existing,
      cap: capOf(context.equity, capPct),
      capPct,
      numbers: { openPositions: context.open.length },
    });
  }
}
