// Helpers the checks share: the amount of an amount-stage proposal, shrinking an amount to a
// notional headroom on the market's step, and the rounding of figures written to the audit log.
import { Big, floorToStep } from '../../domain/money';
import type { Proposal } from '../types';
import { InvariantError } from '../../errors';

/** The amount stage always carries an amount: its absence is a wiring bug, not a market condition. */
export function amountOf(proposal: Proposal, check: string): Big {
  if (proposal.amount === undefined)
    throw new InvariantError(`risk check ${check} runs in the amount stage and needs proposal.amount`);
  return proposal.amount;
}

/** Base amount worth `notional` at `price`, rounded DOWN to the step and never above `amount`. */
export function amountForNotional(notional: Big, price: number, step: string, amount: Big): Big {
  const fitted = floorToStep(new Big(notional).div(price), step);
  return fitted.gt(amount) ? amount : fitted;
}

/** Exact notional of `amount` at `price` (the decision's reference price, a number, taken at its shortest decimal text). */
export const notionalOf = (amount: Big, price: number): Big => amount.times(price);

/** The cap a percentage of equity allows, exact: equity × pct / 100. */
export const capOf = (equity: Big.BigSource, pct: number): Big => new Big(equity).times(pct).div(100);

/** An exact amount for the audit log, to 1e-8. */
export const money8 = (value: Big): string => value.round(8).toString();

/** Audit figures: enough decimals to recompute a decision, without float noise (0.1 + 0.2). */
export const round = (value: number, decimals = 8): number => {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/** A fraction as a percent for the audit log. */
export const pct = (fraction: number): number => round(fraction * 100, 6);
