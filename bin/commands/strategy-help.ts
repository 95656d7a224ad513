// The built-in strategies' parameters as `--help` text (backtest, optimize, walk-forward,
// montecarlo, strategy enable): read from the registry, so a parameter added there is listed here.
import type { ParamSpec, StrategyDefinition } from '../../shared/core/strategies/types';

/** `int    default 10  range 5..50 step 5`: the range is the one optimize searches by default. */
function describeParam(spec: ParamSpec): string {
  const range =
    spec.min !== undefined && spec.max !== undefined
      ? `  range ${spec.min}..${spec.max}${spec.step !== undefined ? ` step ${spec.step}` : ''}`
      : '';
  return `${spec.type.padEnd(5)}  default ${String(spec.default)}${range}`;
}

/** One block per strategy: its id and description, then one aligned line per parameter. */
export function strategyParamsHelp(strategies: readonly StrategyDefinition[]): string {
  const lines = ['', 'Strategy parameters (--param name=value; the range is what optimize searches by default):'];
  for (const def of strategies) {
    lines.push(`  ${def.id}: ${def.description}`);
    const width = Math.max(...def.params.map((p) => p.name.length));
    for (const spec of def.params)
      lines.push(`    ${spec.name.padEnd(width)}  ${describeParam(spec)}  ${spec.description}`);
  }
  return lines.join('\n');
}
