// The built-in strategies by id, and the parsing of user-given parameters ("fast=10") against a
// strategy's ParamSpecs: unknown names and values of the wrong type are refused, naming the param.
import { bbReversion } from './bb-reversion';
import { emaCross } from './ema-cross';
import { ichimokuCloud } from './ichimoku-cloud';
import { macdStoch } from './macd-stoch';
import { rsiEma } from './rsi-ema';
import { smaCross } from './sma-cross';
import { superTrend } from './supertrend';
import type { ParamSpec, ParamValue, StrategyDefinition, StrategyParams } from './types';
import { InvalidArgumentError } from '../errors';

const BUILT_IN: readonly StrategyDefinition[] = [
  smaCross,
  emaCross,
  bbReversion,
  rsiEma,
  macdStoch,
  superTrend,
  ichimokuCloud,
];

export const STRATEGIES: Readonly<Record<string, StrategyDefinition>> = Object.freeze(
  Object.fromEntries(BUILT_IN.map((def) => [def.id, def])),
);

export function getStrategy(id: string): StrategyDefinition {
  const def = Object.hasOwn(STRATEGIES, id) ? STRATEGIES[id] : undefined;
  if (def === undefined)
    throw new InvalidArgumentError(`unknown strategy "${id}"; known strategies: ${Object.keys(STRATEGIES).join(', ')}`);
  return def;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const BOOLEANS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
  on: true,
  off: false,
};

function parseValue(strategyId: string, spec: ParamSpec, raw: string): ParamValue {
  const text = raw.trim();
  const fail = (expected: string): never => {
    throw new InvalidArgumentError(`parameter "${spec.name}" of ${strategyId} must be ${expected}, got "${raw}"`);
  };
  switch (spec.type) {
    case 'int': {
      const value = Number(text);
      return INTEGER.test(text) && Number.isSafeInteger(value) ? value : fail('an integer');
    }
    case 'float': {
      const value = Number(text);
      return DECIMAL.test(text) && Number.isFinite(value) ? value : fail('a number');
    }
    case 'bool': {
      const value = BOOLEANS[text.toLowerCase()];
      return value ?? fail('true or false');
    }
  }
}

/** The strategy's parameters: its defaults, overridden by the given "name" → "value" strings. */
export function resolveParams<P extends StrategyParams>(
  def: StrategyDefinition<P>,
  overrides: Readonly<Record<string, string>>,
): P {
  const params: StrategyParams = {};
  for (const spec of def.params) params[spec.name] = spec.default;
  for (const [name, raw] of Object.entries(overrides)) {
    const spec = def.params.find((s) => s.name === name);
    if (spec === undefined)
      throw new InvalidArgumentError(
        `unknown parameter "${name}" for ${def.id}; known parameters: ${def.params.map((s) => s.name).join(', ')}`,
      );
    params[name] = parseValue(def.id, spec, raw);
  }
  return params as P;
}

/** Splits "name=value" arguments (as given on a command line) into overrides for resolveParams. */
export function parseParamAssignments(assignments: readonly string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const assignment of assignments) {
    const at = assignment.indexOf('=');
    const name = at > 0 ? assignment.slice(0, at).trim() : '';
    if (name === '') throw new InvalidArgumentError(`parameter "${assignment}" must look like name=value`);
    if (Object.hasOwn(overrides, name)) throw new InvalidArgumentError(`parameter "${name}" is given twice`);
    overrides[name] = assignment.slice(at + 1);
  }
  return overrides;
}
