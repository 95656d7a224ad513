// In a volatility spike (short-window volatility far above the long-run one) the same leverage
// carries more risk: leverage is scaled by long/short so the position's volatility stays near its
// usual level. It is only ever lowered, and never below 1x.
import type { CheckResult, Proposal, RiskCheck, RiskContext } from '../types';
import { pct, round } from './support';

export class VolatilityRegimeCheck implements RiskCheck {
  readonly name = 'volatility_regime';
  readonly stage = 'leverage' as const;

  evaluate(proposal: Proposal, context: RiskContext): CheckResult {
    const stats = context.stats(proposal.symbol);
    const volShort = stats?.volShort;
    const volLong = stats?.volLong;
    if (volShort === undefined || volLong === undefined)
      return { outcome: 'skip', reason: 'no market data', numbers: {} };
    if (!(volLong > 0) || !Number.isFinite(volShort)) {
      return {
        outcome: 'skip',
        reason: 'no volatility to compare',
        numbers: { volShortPct: pct(volShort), volLongPct: pct(volLong) },
      };
    }
    const threshold = context.config.limits.volatility.threshold;
    const ratio = volShort / volLong;
    const leverage = proposal.leverage;
    const numbers = {
      volShortPct: pct(volShort),
      volLongPct: pct(volLong),
      ratio: round(ratio, 6),
      threshold,
      leverage,
    };
    if (!(ratio > threshold))
      return { outcome: 'pass', reason: `volatility ratio ${numbers.ratio} within ${threshold}`, numbers };
    const scaled = Math.max(1, Math.floor(leverage * (volLong / volShort)));
    if (scaled >= leverage) {
      return {
        outcome: 'pass',
        reason: `volatility ratio ${numbers.ratio} above ${threshold}, but leverage ${leverage}x is not above the scaled ${scaled}x`,
        numbers: { ...numbers, leverageAfter: leverage },
      };
    }
    return {
      outcome: 'adjust',
      leverage: scaled,
      reason: `volatility ratio ${numbers.ratio} above ${threshold}: leverage ${leverage}x → ${scaled}x`,
      numbers: { ...numbers, leverageAfter: scaled },
    };
  }
}
