// The rule format as the model is told it: built from the format's own tables (the indicators,
// prices and comparisons the validator accepts), so what the model reads cannot drift from what
// the validator takes. docs/STRATEGIES.md is the human reference.
import { COMPARISONS, INDICATORS, PRICES, RULE_FORMAT } from '../strategies/rules';

export const RULE_FILE_EXAMPLE = {
  format: RULE_FORMAT,
  id: 'rsi-dip-trend',
  description: 'buy RSI dips in an uptrend, exit on RSI recovery; stop and target on every entry',
  params: {
    rsiPeriod: { type: 'int', default: 14, min: 7, max: 28, step: 7 },
    oversold: { type: 'float', default: 30, min: 20, max: 40, step: 5 },
    slPct: { type: 'float', default: 3, min: 1, max: 8, step: 1 },
    tpPct: { type: 'float', default: 6, min: 2, max: 16, step: 2 },
  },
  rules: {
    entry: {
      long: [
        { series: 'close', above: 'ema(close,200)' },
        { series: 'rsi(close,$rsiPeriod)', crossesAbove: '$oversold' },
      ],
    },
    exit: { long: [{ series: 'rsi(close,$rsiPeriod)', atLeast: 70 }] },
  },
  protection: { sl: '$slPct', tp: '$tpPct' },
};

/** The format in a page: what the model needs to write a file the validator accepts. */
export function ruleFormatGuide(): string {
  const indicators = Object.entries(INDICATORS).map(([name, spec]) => {
    const args = [...(spec.source ? ['source'] : []), ...spec.args.map((a) => a.name)].join(',');
    const outputs = spec.outputs.length > 1 ? ` outputs .${spec.outputs.join(' .')}` : '';
    return `${name}(${args})${outputs}`;
  });
  return [
    `A rule file is JSON with "format": "${RULE_FORMAT}", an "id" (lower-case letters, digits, dashes), optional "description",`,
    '"params" (name → {type: int|float|bool, default, min, max, step}), optional "constraints" (comparisons of parameters),',
    '"rules": {"entry": {"long": [...], "short": [...]}, "exit": {"long": [...], "short": [...]}} where a list of',
    'conditions must all hold, "protection": {"sl", "tp", "trail" (percent of the entry price), "ladder": [{tp, share}],',
    '"breakEven"} and optional "sizing": {"percent"|"quote"|"contracts": n}. No other field is accepted.',
    `A condition is {"series": A, <operator>: B} with one operator of ${COMPARISONS.join(', ')}, optionally "for": N bars;`,
    'or {"all": [...]}, {"any": [...]}, {"not": condition}.',
    `A series is a price (${PRICES.join(', ')}), an indicator, "$param" or a number; indicators: ${indicators.join('; ')}.`,
    'An indicator of a higher timeframe of the same symbol is written "ema(close,50)@4h" (then "timeframe" is required).',
    'The market regime: {"regime": "BULL"|"BEAR"|"SIDEWAYS"|"NEUTRAL" or a list of them}; numeric series regime_p (0-1),',
    'garch_vol and realized_vol(n) (garch_vol and realized_vol need "timeframe").',
    'Signals come only when the held position changes: an entry on a side already held is ignored, an opposite entry reverses.',
    'Example:',
    JSON.stringify(RULE_FILE_EXAMPLE),
  ].join('\n');
}
