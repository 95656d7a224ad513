// Helpers the checks share: the amount of an amount-stage proposal, shrinking an amount to a
// notional headroom on the market's step, and the rounding of figures written to the audit log.
import { Big, floorToStep, toNumber } from '../../domain/money';
import type { Proposal } from '../types';
import { InvariantError } from '../../errors';

/** The amount stage always carries an amount: its absence is a wiring bug, not a market condition. */
export function amountOf(proposal: Proposal, check: string): Big {
  if (proposal.amount === undefined)
    throw new InvariantError(`risk check ${check} runs in the amount stage and needs proposal.amount`);
  return proposal.amount;
}

/** Base amount worth `notional` at `price`, rounded DOWN to the step and never above `amount`. */
export function amountForNotional(notional: number, price: number, step: string, amount: Big): Big {
  const fitted = floorToStep(new Big(notional).div(price), step);
  return fitted.gt(amount) ? amount : fitted;
}

export const notionalOf = (amount: Big, price: number): number => toNumber(amount) * price;

/** Audit figures: enough decimals to recompute a decision, without float noise (0.1 + 0.2). */
export const round = (value: number, decimals = 8): number => {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/** A fraction as a percent for the audit log. */
export const pct = (fraction: number): number => round(fraction * 100, 6);
