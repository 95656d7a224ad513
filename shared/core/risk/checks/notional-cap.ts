// The decision the position and exposure caps share: a notional that would exceed a cap is shrunk
// to the room left (rounded down to the amount step), or refused when no step fits.
import type { Big } from '../../domain/money';
import type { CheckResult, Numbers, Proposal, RiskContext } from '../types';
import { amountForNotional, money8, notionalOf } from './support';

export interface NotionalCap {
  code: string;
  /** what is capped, for the reasons: "the BTC/USDT:USDT position", "exposure" */
  subject: string;
  /** notional already counted against the cap (exact) */
  existing: Big;
  cap: Big;
  capPct: number;
  /** figures of the check itself, recorded with the decision */
  numbers: Numbers;
}

export function fitUnderCap(proposal: Proposal, context: RiskContext, amount: Big, limit: NotionalCap): CheckResult {
  const { existing, cap, capPct, subject } = limit;
  const notional = notionalOf(amount, proposal.price);
  const after = existing.plus(notional);
  const numbers: Numbers = {
    ...limit.numbers,
    capPct,
    equity: context.equity,
    cap: money8(cap),
    existing: money8(existing),
    notional: money8(notional),
    amount: amount.toString(),
  };
  const two = (value: Big) => value.round(2).toString();
  if (after.lte(cap))
    return { outcome: 'pass', reason: `${subject} ${two(after)} within the cap of ${two(cap)}`, numbers };
  const headroom = cap.minus(existing);
  numbers.headroom = money8(headroom);
  const fitted = headroom.gt(0)
    ? amountForNotional(headroom, proposal.price, context.market.amountStep, amount)
    : undefined;
  // Room for less than one amount step is no room: refused here, where the cause is, rather than
  // as an amount below the market minimum later.
  if (!fitted || fitted.lte(0)) {
    return {
      outcome: 'refuse',
      code: limit.code,
      reason: `${subject} is already at ${two(existing)} of its ${two(cap)} cap (${capPct}% of equity)`,
      numbers,
    };
  }
  numbers.amountAfter = fitted.toString();
  return {
    outcome: 'adjust',
    amount: fitted,
    reason: `amount ${amount.toString()} → ${fitted.toString()}: ${subject} would reach ${two(after)}, above its ${two(cap)} cap (${capPct}% of equity)`,
    numbers,
  };
}
