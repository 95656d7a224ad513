// Per-regime limits (docs/REGIMES.md): while a symbol is in a regime the owner configured, entries
// may open only the allowed sides (gate), leverage is lowered to the regime's cap (leverage stage)
// and the symbol's same-side position is kept under the regime's share of equity (amount stage).
// Every answer names the regime, so a refusal reads "in a BEAR regime shorts only". Without a
// regime reading the checks are skipped and say so: a missing reading must not stop trading that
// the account's other limits allow.
import { Big } from '../../domain/money';
import type { RegimeLimit } from '../config';
import type { CheckResult, Proposal, RegimeView, RiskCheck, RiskContext } from '../types';
import { fitUnderCap } from './notional-cap';
import { amountOf, capOf } from './support';

type Applicable = { regime: RegimeView; limit: RegimeLimit | undefined } | { skip: CheckResult };

function applicable(proposal: Proposal, context: RiskContext): Applicable {
  const limits = context.config.regimes;
  if (Object.keys(limits).length === 0)
    return { skip: { outcome: 'skip', reason: 'no per-regime limits', numbers: {} } };
  const regime = context.regime?.(proposal.symbol);
  if (!regime) return { skip: { outcome: 'skip', reason: `no regime reading for ${proposal.symbol}`, numbers: {} } };
  return { regime, limit: limits[regime.label] };
}

const regimeNumbers = (regime: RegimeView) => ({
  regime: regime.label,
  regimeSource: regime.source,
  regimeAsOf: regime.asOf,
});

export class RegimeSidesCheck implements RiskCheck {
  readonly name = 'regime_sides';
  readonly stage = 'gate' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const found = applicable(proposal, context);
    if ('skip' in found) return found.skip;
    const { regime, limit } = found;
    const numbers = { ...regimeNumbers(regime), side: proposal.side };
    const sides = limit?.sides;
    if (!sides) return { outcome: 'pass', reason: `${regime.label} regime: both sides allowed`, numbers };
    if (sides.includes(proposal.side))
      return { outcome: 'pass', reason: `${regime.label} regime allows ${proposal.side} entries`, numbers };
    return {
      outcome: 'refuse',
      code: 'REGIME_SIDE_BLOCKED',
      reason:
        sides.length === 0
          ? `${proposal.symbol} is in a ${regime.label} regime: no entries are allowed in it`
          : `${proposal.symbol} is in a ${regime.label} regime: ${proposal.side} entries are refused (allowed: ${sides.join(', ')})`,
      numbers: { ...numbers, allowed: sides.join(',') },
    };
  }
}

export class RegimeLeverageCheck implements RiskCheck {
  readonly name = 'regime_leverage';
  readonly stage = 'leverage' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const found = applicable(proposal, context);
    if ('skip' in found) return found.skip;
    const { regime, limit } = found;
    const cap = limit?.maxLeverage;
    const numbers = { ...regimeNumbers(regime), leverage: proposal.leverage };
    if (cap === undefined)
      return { outcome: 'pass', reason: `${regime.label} regime: no leverage cap of its own`, numbers };
    if (proposal.leverage <= cap)
      return {
        outcome: 'pass',
        reason: `leverage ${proposal.leverage}x within the ${regime.label} regime's cap of ${cap}x`,
        numbers: { ...numbers, cap },
      };
    return {
      outcome: 'adjust',
      leverage: cap,
      reason: `${regime.label} regime: leverage ${proposal.leverage}x → ${cap}x`,
      numbers: { ...numbers, cap, leverageAfter: cap },
    };
  }
}

export class RegimeSizeCheck implements RiskCheck {
  readonly name = 'regime_size';
  readonly stage = 'amount' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const found = applicable(proposal, context);
    if ('skip' in found) return found.skip;
    const { regime, limit } = found;
    const capPct = limit?.maxSizePct;
    if (capPct === undefined)
      return {
        outcome: 'pass',
        reason: `${regime.label} regime: no size cap of its own`,
        numbers: regimeNumbers(regime),
      };
    const amount = amountOf(proposal, this.name);
    let existing = new Big(0);
    for (const position of context.open)
      if (position.symbol === proposal.symbol && position.side === proposal.side)
        existing = existing.plus(position.notional);
    return fitUnderCap(proposal, context, amount, {
      code: 'REGIME_SIZE_CAP',
      subject: `in a ${regime.label} regime, the ${proposal.symbol} ${proposal.side} position`,
      existing,
      cap: capOf(context.equity, capPct),
      capPct,
      numbers: regimeNumbers(regime),
    });
  }
}
