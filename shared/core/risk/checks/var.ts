// The portfolio after the entry may not risk more than the configured share of equity in one day
// at 95 % and 99 % (historical VaR on daily returns). Refused, not shrunk: which position to cut
// is the owner's call.
import type { CheckResult, Numbers, Proposal, RiskCheck, RiskContext } from '../types';
import { historicalVar } from '../stats';
import { amountOf, notionalOf, round } from './support';

/** Fewer common days than this make a 99 % quantile meaningless: the check is skipped. */
export const MIN_VAR_DAYS = 20;

export class VarCheck implements RiskCheck {
  readonly name = 'var';
  readonly stage = 'amount' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const amount = amountOf(proposal, this.name);
    const { lookbackDays, maxPct95, maxPct99 } = context.config.limits.var;
    if (!context.stats(proposal.symbol))
      return { outcome: 'skip', reason: `no market data for ${proposal.symbol}`, numbers: {} };
    const sign = (side: string) => (side === 'long' ? 1 : -1);
    // VaR is estimated in floats from return statistics: the exact notionals become numbers here.
    const entry = sign(proposal.side) * Number(notionalOf(amount, proposal.price));
    const positions: { symbol: string; signedNotional: number }[] = [];
    let combined = false;
    for (const position of context.open) {
      const same = position.symbol === proposal.symbol;
      // An entry on a symbol already held nets with it (one-way: adds or reduces).
      positions.push({
        symbol: position.symbol,
        signedNotional: sign(position.side) * Number(position.notional) + (same && !combined ? entry : 0),
      });
      if (same) combined = true;
    }
    if (!combined) positions.push({ symbol: proposal.symbol, signedNotional: entry });
    const result = historicalVar(positions, (symbol) => context.stats(symbol), lookbackDays);
    const numbers: Numbers = { days: result.days, lookbackDays, equity: context.equity };
    if (result.missing.length > 0) numbers.missing = result.missing.join(',');
    if (result.days < MIN_VAR_DAYS)
      return { outcome: 'skip', reason: `only ${result.days} common days of returns, ${MIN_VAR_DAYS} needed`, numbers };
    // VaR is estimated in floats from return statistics: a percentage of equity, so the exact
    // equity becomes a number for this ratio.
    const equity = Number(context.equity);
    const pct95 = (result.var95 / equity) * 100;
    const pct99 = (result.var99 / equity) * 100;
    Object.assign(numbers, {
      var95: round(result.var95),
      var99: round(result.var99),
      var95Pct: round(pct95, 6),
      var99Pct: round(pct99, 6),
      maxPct95,
      maxPct99,
    });
    const summary = `1-day VaR ${round(pct95, 2)}% (95 %) / ${round(pct99, 2)}% (99 %) of equity over ${result.days} days`;
    // Written so a NaN (equity 0) refuses rather than passes.
    if (!(pct95 <= maxPct95) || !(pct99 <= maxPct99)) {
      return {
        outcome: 'refuse',
        code: 'VAR_LIMIT',
        reason: `${summary}, limits ${maxPct95}% / ${maxPct99}%`,
        numbers,
      };
    }
    return { outcome: 'pass', reason: `${summary}, within ${maxPct95}% / ${maxPct99}%`, numbers };
  }
}
