// A new position strongly correlated with one already open in the same direction is the same bet
// twice: it is refused or shrunk (config). Correlations come from the cache, so this check costs a
// map lookup per open position once the day's stats are in.
import { floorToStep } from '../../domain/money';
import type { CheckResult, Numbers, Proposal, RiskCheck, RiskContext } from '../types';
import { amountOf, round } from './support';

export class CorrelationCheck implements RiskCheck {
  readonly name = 'correlation';
  readonly stage = 'amount' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const amount = amountOf(proposal, this.name);
    const { threshold, lookbackDays, action, shrinkFactor } = context.config.limits.correlation;
    const own = context.stats(proposal.symbol);
    if (!own) return { outcome: 'skip', reason: `no market data for ${proposal.symbol}`, numbers: {} };
    let worstSymbol: string | undefined;
    let worst = Number.NEGATIVE_INFINITY;
    let compared = 0;
    let noData: string[] | undefined;
    for (const position of context.open) {
      if (position.side !== proposal.side || position.symbol === proposal.symbol) continue;
      const other = context.stats(position.symbol);
      const correlation = other ? context.correlations.get(own, other, lookbackDays) : undefined;
      if (correlation === undefined) {
        (noData ??= []).push(position.symbol);
        continue;
      }
      compared++;
      if (correlation > worst) {
        worst = correlation;
        worstSymbol = position.symbol;
      }
    }
    const numbers: Numbers = { threshold, lookbackDays, compared };
    // Pairs without stats or with too few common days cannot be judged; they are named, not guessed.
    if (noData) numbers.noData = noData.join(',');
    if (worstSymbol === undefined)
      return { outcome: 'pass', reason: 'no same-direction position to compare with', numbers };
    numbers.symbol = worstSymbol;
    numbers.correlation = round(worst, 6);
    if (!(worst > threshold))
      return {
        outcome: 'pass',
        reason: `highest correlation ${numbers.correlation} (${worstSymbol}) within ${threshold}`,
        numbers,
      };
    const what = `${proposal.symbol} correlates ${numbers.correlation} with the open ${proposal.side} on ${worstSymbol} (above ${threshold})`;
    if (action === 'refuse') return { outcome: 'refuse', code: 'CORRELATED', reason: what, numbers };
    const shrunk = floorToStep(amount.times(shrinkFactor), context.market.amountStep);
    numbers.shrinkFactor = shrinkFactor;
    numbers.amount = amount.toString();
    if (shrunk.gte(amount))
      return {
        outcome: 'pass',
        reason: `${what}, but a shrink factor of ${shrinkFactor} leaves the amount as it is`,
        numbers,
      };
    numbers.amountAfter = shrunk.toString();
    // Shrunk below one step: the position cannot be taken at all, and this check is why.
    if (shrunk.lte(0))
      return {
        outcome: 'refuse',
        code: 'CORRELATED',
        reason: `${what}: amount × ${shrinkFactor} is below one amount step`,
        numbers,
      };
    return {
      outcome: 'adjust',
      amount: shrunk,
      reason: `${what}: amount ${amount.toString()} → ${shrunk.toString()}`,
      numbers,
    };
  }
}
