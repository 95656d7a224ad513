// The decision the position and exposure caps share: a notional that would exceed a cap is shrunk
// to the room left (rounded down to the amount step), or refused when no step fits.
import type { Big } from '../../domain/money';
import type { CheckResult, Numbers, Proposal, RiskContext } from '../types';
import { amountForNotional, notionalOf, round } from './support';

export interface NotionalCap {
  code: string;
  /** what is capped, for the reasons: "the BTC/USDT:USDT position", "exposure" */
  subject: string;
  /** notional already counted against the cap */
  existing: number;
  cap: number;
  capPct: number;
  /** figures of the check itself, recorded with the decision */
  numbers: Numbers;
}

export function fitUnderCap(proposal: Proposal, context: RiskContext, amount: Big, limit: NotionalCap): CheckResult {
  const { existing, cap, capPct, subject } = limit;
  const notional = notionalOf(amount, proposal.price);
  const after = existing + notional;
  const numbers: Numbers = {
    ...limit.numbers,
    capPct,
    equity: context.equity,
    cap: round(cap),
    existing: round(existing),
    notional: round(notional),
    amount: amount.toString(),
  };
  if (after <= cap)
    return { outcome: 'pass', reason: `${subject} ${round(after, 2)} within the cap of ${round(cap, 2)}`, numbers };
  const headroom = cap - existing;
  numbers.headroom = round(headroom);
  const fitted =
    headroom > 0 ? amountForNotional(headroom, proposal.price, context.market.amountStep, amount) : undefined;
  // Room for less than one amount step is no room: refused here, where the cause is, rather than
  // as an amount below the market minimum later.
  if (!fitted || fitted.lte(0)) {
    return {
      outcome: 'refuse',
      code: limit.code,
      reason: `${subject} is already at ${round(existing, 2)} of its ${round(cap, 2)} cap (${capPct}% of equity)`,
      numbers,
    };
  }
  numbers.amountAfter = fitted.toString();
  return {
    outcome: 'adjust',
    amount: fitted,
    reason: `amount ${amount.toString()} → ${fitted.toString()}: ${subject} would reach ${round(after, 2)}, above its ${round(cap, 2)} cap (${capPct}% of equity)`,
    numbers,
  };
}
