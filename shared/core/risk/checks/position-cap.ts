// One symbol's position may not exceed maxPositionPct of equity in notional. Only the same-side
// position on the symbol is added up: that is the one the entry grows.
import type { CheckResult, Proposal, RiskCheck, RiskContext } from '../types';
import { fitUnderCap } from './notional-cap';
import { Big } from '../../domain/money';
import { amountOf, capOf } from './support';

export class PositionCapCheck implements RiskCheck {
  readonly name = 'max_position';
  readonly stage = 'amount' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const amount = amountOf(proposal, this.name);
    const capPct = context.config.limits.maxPositionPct;
    let existing = new Big(0);
    for (const position of context.open) {
      if (position.symbol === proposal.symbol && position.side === proposal.side)
        existing = existing.plus(position.notional);
    }
    return fitUnderCap(proposal, context, amount, {
      code: 'MAX_POSITION',
      subject: `the ${proposal.symbol} ${proposal.side} position`,
      existing,
      cap: capOf(context.equity, capPct),
      capPct,
      numbers: {},
    });
  }
}
