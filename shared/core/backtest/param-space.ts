// Parameter sets for optimisation: `--param` values (a fixed value, a min:max:step range or a
// comma list; the name=value split is the registry's parseParamAssignments) read against a
// strategy's ParamSpecs, then expanded as a grid or sampled.
import type { ParamSpec, ParamValue, StrategyDefinition, StrategyParams } from '../strategies/types';
import { InvalidArgumentError } from '../errors';
import { mulberry32, randomIndex } from './prng';

/** A `--param` that cannot be used; `param` names it. */
export class ParamSpaceError extends InvalidArgumentError {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message, 'PARAM_SPACE');
    this.name = 'ParamSpaceError';
  }
}

/** The values one parameter takes in a search (one value when it is fixed). */
export interface ParamAxis {
  name: string;
  values: readonly ParamValue[];
}

/** Past this many combinations a grid is refused: ask for a random search instead. */
export const MAX_GRID_SIZE = 1_000_000;

/** The values `text` stands for, checked against the parameter's type. */
export function parseParamValues(spec: ParamSpec, text: string): ParamValue[] {
  const where = `--param ${spec.name}`;
  if (spec.type === 'bool') {
    if (text.includes(':'))
      throw new ParamSpaceError(spec.name, `${where}: a boolean takes true, false or "true,false", not a range`);
    return unique(text.split(',').map((t) => parseBool(spec.name, t.trim())));
  }
  if (text.includes(':')) return rangeValues(spec, text);
  return unique(text.split(',').map((t) => parseNumber(spec, t.trim())));
}

/**
 * One axis per strategy parameter: overridden ones take the given values, the others keep their
 * default. Unknown names are refused with the list of known ones.
 */
export function buildParamAxes(specs: readonly ParamSpec[], overrides: Record<string, string>): ParamAxis[] {
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(overrides)) {
    if (!known.has(name)) {
      throw new ParamSpaceError(
        name,
        `--param ${name}: unknown parameter (this strategy has: ${specs.map((s) => s.name).join(', ') || 'none'})`,
      );
    }
  }
  return specs.map((spec) => {
    const text = overrides[spec.name];
    return { name: spec.name, values: text === undefined ? [spec.default] : parseParamValues(spec, text) };
  });
}

export function gridSize(axes: readonly ParamAxis[]): number {
  return axes.reduce((n, axis) => n * axis.values.length, 1);
}

/** The `index`-th combination of the grid, the last axis varying fastest. */
export function paramSetAt(axes: readonly ParamAxis[], index: number): StrategyParams {
  const params: StrategyParams = {};
  let rest = index;
  for (let a = axes.length - 1; a >= 0; a--) {
    const axis = axes[a]!;
    params[axis.name] = axis.values[rest % axis.values.length]!;
    rest = Math.floor(rest / axis.values.length);
  }
  // Keep the strategy's own parameter order in the object, for readable output.
  return Object.fromEntries(axes.map((axis) => [axis.name, params[axis.name]!]));
}

/** Every combination (the cartesian product), minus those `accept` refuses. */
export function gridParamSets(
  axes: readonly ParamAxis[],
  accept: (params: StrategyParams) => boolean = () => true,
): StrategyParams[] {
  const size = gridSize(axes);
  if (size > MAX_GRID_SIZE) {
    throw new ParamSpaceError(
      largestAxis(axes),
      `the grid has ${size} combinations (more than ${MAX_GRID_SIZE}): narrow a range or use a random search`,
    );
  }
  const sets: StrategyParams[] = [];
  for (let i = 0; i < size; i++) {
    const params = paramSetAt(axes, i);
    if (accept(params)) sets.push(params);
  }
  return sets;
}

/**
 * Up to `count` distinct combinations drawn uniformly from the grid with a seeded generator (the
 * same seed gives the same sets). Refused combinations are skipped; when the grid holds fewer
 * acceptable sets than asked, all of them come back.
 */
export function randomParamSets(
  axes: readonly ParamAxis[],
  count: number,
  seed: number,
  accept: (params: StrategyParams) => boolean = () => true,
): StrategyParams[] {
  if (!Number.isInteger(count) || count < 1)
    throw new ParamSpaceError('random', `--random must be a whole number ≥ 1, not ${count}`);
  const size = gridSize(axes);
  if (size <= count) return gridParamSets(axes, accept);
  const random = mulberry32(seed);
  const tried = new Set<number>();
  const sets: StrategyParams[] = [];
  // Bounded so a grid where almost nothing is acceptable still ends.
  const maxDraws = count * 50 + 1_000;
  for (let draw = 0; draw < maxDraws && sets.length < count && tried.size < size; draw++) {
    const index = randomIndex(random, size);
    if (tried.has(index)) continue;
    tried.add(index);
    const params = paramSetAt(axes, index);
    if (accept(params)) sets.push(params);
  }
  return sets;
}

/**
 * Whether the strategy takes these params: its own check when the definition has one
 * (`validate` returning an error message or nothing), otherwise whether `create` accepts them
 * (a strategy throws on nonsense such as fast ≥ slow).
 */
export function strategyAccepts(def: StrategyDefinition): (params: StrategyParams) => boolean {
  const validate = (def as { validate?: (p: StrategyParams) => string | undefined | null | boolean }).validate;
  return (params) => {
    try {
      if (typeof validate === 'function') {
        const verdict = validate.call(def, params);
        return verdict === undefined || verdict === null || verdict === true;
      }
      def.create(params);
      return true;
    } catch {
      return false;
    }
  };
}

/** `fast=10 slow=30`: for titles and log lines. */
export function describeParams(params: StrategyParams): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function rangeValues(spec: ParamSpec, text: string): number[] {
  const where = `--param ${spec.name}`;
  const parts = text.split(':').map((t) => t.trim());
  if (parts.length < 2 || parts.length > 3)
    throw new ParamSpaceError(spec.name, `${where}: a range is min:max:step, not "${text}"`);
  const [min, max] = [parseNumber(spec, parts[0]!), parseNumber(spec, parts[1]!)];
  const step = parts[2] !== undefined ? parseNumber(spec, parts[2]) : (spec.step ?? 1);
  if (!(step > 0)) throw new ParamSpaceError(spec.name, `${where}: the step must be > 0 in "${text}"`);
  if (min > max) throw new ParamSpaceError(spec.name, `${where}: min ${min} is above max ${max} in "${text}"`);
  const count = Math.floor((max - min) / step + 1e-9) + 1;
  if (count > MAX_GRID_SIZE) throw new ParamSpaceError(spec.name, `${where}: "${text}" has ${count} values, too many`);
  // Round each value to the inputs' decimals so 0.1 steps give 0.3, not 0.30000000000000004.
  const decimals = Math.max(decimalPlaces(parts[0]!), decimalPlaces(parts[2] ?? String(step)));
  return Array.from({ length: count }, (_, i) => Number((min + i * step).toFixed(decimals)));
}

function parseNumber(spec: ParamSpec, text: string): number {
  const where = `--param ${spec.name}`;
  const value = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new ParamSpaceError(spec.name, `${where}: "${text}" is not a number`);
  if (spec.type === 'int' && !Number.isInteger(value))
    throw new ParamSpaceError(spec.name, `${where}: "${text}" is not a whole number`);
  return value;
}

function parseBool(name: string, text: string): boolean {
  const t = text.toLowerCase();
  if (t === 'true' || t === '1' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === 'no') return false;
  throw new ParamSpaceError(name, `--param ${name}: "${text}" is not true or false`);
}

function decimalPlaces(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : Math.min(12, text.length - dot - 1);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function largestAxis(axes: readonly ParamAxis[]): string {
  return (
    axes.reduce((best, axis) => (axis.values.length > (best?.values.length ?? 0) ? axis : best), axes[0])?.name ??
    'param'
  );
}
