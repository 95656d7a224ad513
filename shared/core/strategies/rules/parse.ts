// parseRuleFile: a rule file's text → the validated RuleFile, or every problem found, each naming
// its path in the file (`rules.entry.long[1].above: unknown series "rsi(0)"`). Unknown fields are
// refused, not ignored: a misspelt "protecton" that silently did nothing would leave every entry
// without its stop. Nothing here throws on bad input.
import { parse as parseYaml } from 'yaml';
import { isStrategyTimeframe, TIMEFRAME_MS } from '../../domain/strategy-subscription';
import { isRegimeLabel, REGIME_LABELS } from '../../regimes/labels';
import { executionIssues } from './execution';
import { ANNUALISED, operandParams, parseOperand, seriesReads, type OperandNode } from './series';
import { COMPARISONS, RULE_FORMAT, type ParseResult, type RuleFile, type RuleIssue, type RuleParam } from './types';

/** Past this a file is refused before parsing: a rule file is a page of text, not a data set. */
export const MAX_RULE_FILE_BYTES = 64 * 1024;
const MAX_PARAMS = 32;
const MAX_CONDITIONS = 200;
const MAX_DEPTH = 8;
const MAX_FOR_BARS = 1000;
const MAX_LADDER = 10;

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
const PRINTABLE = /^[\x20-\x7e]*$/;
const RESERVED_PARAMS = new Set(['longOnly']);

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: Json): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v);

/**
 * Reads a rule file: JSON, or YAML (1.2, core schema: `yes`/`on` stay strings, so nothing turns
 * into a boolean the author did not write). A text starting with `{` or `[` is read as JSON unless
 * `source` (a file name) ends in .yaml/.yml, so a JSON typo is reported as one.
 */
export function parseRuleFile(text: string, source?: string): ParseResult {
  if (typeof text !== 'string') return failed('', 'a rule file must be text');
  if (text.length > MAX_RULE_FILE_BYTES) return failed('', `a rule file must be at most ${MAX_RULE_FILE_BYTES} bytes`);
  const yamlName = source !== undefined && /\.ya?ml$/i.test(source);
  let json: Json;
  if (!yamlName && /^\s*[{[]/.test(text)) {
    try {
      json = JSON.parse(text) as Json;
    } catch (error) {
      return failed('', `not valid JSON: ${(error as Error).message}`);
    }
  } else {
    try {
      // Aliases bounded (an alias bomb expands to gigabytes); duplicate keys refused, as a
      // second `sl:` silently winning over the first would be a stop nobody meant.
      json = parseYaml(text, { schema: 'core', uniqueKeys: true, maxAliasCount: 50, prettyErrors: true }) as Json;
    } catch (error) {
      return failed('', `not valid YAML: ${String((error as Error).message).split('\n')[0]}`);
    }
  }
  return validateRuleFile(json);
}

/** Validates an already-parsed document (JSON.parse, or a YAML parser's output). */
export function validateRuleFile(json: Json): ParseResult {
  const v = new Validator();
  v.file(json);
  return v.issues.length === 0 ? { ok: true, rules: json as RuleFile } : { ok: false, errors: v.issues };
}

const failed = (path: string, message: string): ParseResult => ({ ok: false, errors: [{ path, message }] });

/** "path: message" per issue, one a line: how a command prints a refused file. */
export const formatRuleIssues = (issues: readonly RuleIssue[]): string =>
  issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('\n');

const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

class Validator {
  readonly issues: RuleIssue[] = [];
  private params = new Map<string, RuleParam>();
  private baseTimeframe: string | undefined;
  private conditions = 0;

  private issue(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  /** Refuses keys outside `known`, naming them and the known ones. */
  private fields(path: string, value: JsonObject, known: readonly string[]): void {
    for (const key of Object.keys(value))
      if (!known.includes(key)) this.issue(join(path, key), `unknown field; known: ${known.join(', ')}`);
  }

  file(json: Json): void {
    if (!isObject(json)) return this.issue('', `a rule file must be a JSON object, got ${describe(json)}`);
    this.fields('', json, [
      'format',
      'id',
      'description',
      'timeframe',
      'params',
      'longOnly',
      'constraints',
      'rules',
      'protection',
      'sizing',
      'execution',
    ]);
    if (json.format !== RULE_FORMAT) this.issue('format', `must be "${RULE_FORMAT}"`);
    if (typeof json.id !== 'string' || !ID.test(json.id))
      this.issue('id', 'must be 1-64 lower-case letters, digits and dashes, starting with a letter or digit');
    if (
      json.description !== undefined &&
      !(typeof json.description === 'string' && json.description.length <= 500 && PRINTABLE.test(json.description))
    )
      this.issue('description', 'must be printable ASCII text of at most 500 characters');
    if (json.timeframe !== undefined) {
      if (isStrategyTimeframe(json.timeframe)) this.baseTimeframe = json.timeframe;
      else this.issue('timeframe', 'must be one of 1m, 5m, 15m, 1h, 4h, 1d');
    }
    if (json.longOnly !== undefined && typeof json.longOnly !== 'boolean')
      this.issue('longOnly', 'must be true or false');
    if (json.params !== undefined) this.paramSpecs(json.params);
    if (json.constraints !== undefined) this.constraints(json.constraints);
    this.rules(json.rules);
    if (json.protection !== undefined) this.protection(json.protection);
    if (json.sizing !== undefined) this.sizing(json.sizing);
    if (json.execution !== undefined) this.issues.push(...executionIssues(json.execution));
  }

  private paramSpecs(value: Json): void {
    const path = 'params';
    if (!isObject(value)) return this.issue(path, `must be an object of name → spec, got ${describe(value)}`);
    const names = Object.keys(value);
    if (names.length > MAX_PARAMS) this.issue(path, `at most ${MAX_PARAMS} parameters`);
    for (const name of names) {
      const at = join(path, name);
      if (!PARAM_NAME.test(name)) {
        this.issue(at, 'a parameter name is a letter or _ then up to 31 letters, digits or _');
        continue;
      }
      if (RESERVED_PARAMS.has(name)) {
        this.issue(at, `"${name}" is every strategy's own parameter: set its default with the top-level "${name}"`);
        continue;
      }
      const spec = value[name];
      if (!isObject(spec)) {
        this.issue(at, `must be an object with type and default, got ${describe(spec)}`);
        continue;
      }
      // Known from here on even when its spec is wrong: one mistake, one message.
      this.params.set(name, spec as unknown as RuleParam);
      this.fields(at, spec, ['type', 'default', 'min', 'max', 'step', 'description']);
      const type = spec.type;
      if (type !== 'int' && type !== 'float' && type !== 'bool') {
        this.issue(join(at, 'type'), 'must be "int", "float" or "bool"');
        continue;
      }
      const okNumber = (v: Json): v is number =>
        typeof v === 'number' && Number.isFinite(v) && (type !== 'int' || Number.isInteger(v));
      const kind = type === 'int' ? 'an integer' : 'a finite number';
      if (type === 'bool') {
        if (typeof spec.default !== 'boolean') this.issue(join(at, 'default'), 'must be true or false');
        for (const key of ['min', 'max', 'step'])
          if (spec[key] !== undefined) this.issue(join(at, key), 'a bool parameter has no range');
      } else {
        if (!okNumber(spec.default)) this.issue(join(at, 'default'), `must be ${kind}`);
        for (const key of ['min', 'max', 'step'])
          if (spec[key] !== undefined && !okNumber(spec[key])) this.issue(join(at, key), `must be ${kind}`);
        const { min, max, step } = spec as { min?: number; max?: number; step?: number };
        if (typeof min === 'number' && typeof max === 'number' && min > max)
          this.issue(join(at, 'max'), `must be at least min (${min})`);
        if (typeof step === 'number' && !(step > 0)) this.issue(join(at, 'step'), 'must be > 0');
      }
      if (
        spec.description !== undefined &&
        !(typeof spec.description === 'string' && spec.description.length <= 200 && PRINTABLE.test(spec.description))
      )
        this.issue(join(at, 'description'), 'must be printable ASCII text of at most 200 characters');
    }
  }

  private constraints(value: Json): void {
    if (!Array.isArray(value))
      return this.issue('constraints', `must be a list of comparisons, got ${describe(value)}`);
    value.forEach((c, i) => this.comparison(join('constraints', i), c, true));
  }

  private rules(value: Json): void {
    if (!isObject(value)) return this.issue('rules', `must be an object with entry (and exit), got ${describe(value)}`);
    this.fields('rules', value, ['entry', 'exit']);
    if (value.entry === undefined) this.issue('rules.entry', 'is required');
    let entries = 0;
    for (const part of ['entry', 'exit'] as const) {
      const sides = value[part];
      if (sides === undefined) continue;
      const at = join('rules', part);
      if (!isObject(sides)) {
        this.issue(at, `must be an object with long and/or short, got ${describe(sides)}`);
        continue;
      }
      this.fields(at, sides, ['long', 'short']);
      for (const side of ['long', 'short'] as const) {
        const list = sides[side];
        if (list === undefined) continue;
        if (!Array.isArray(list)) {
          this.issue(join(at, side), `must be a list of conditions (all must hold), got ${describe(list)}`);
          continue;
        }
        if (part === 'entry') entries += list.length;
        list.forEach((c, i) => this.condition(join(join(at, side), i), c, 1));
      }
    }
    if (isObject(value.entry) && entries === 0)
      this.issue('rules.entry', 'needs at least one condition for long or short');
  }

  private condition(path: string, value: Json, depth: number): void {
    if (++this.conditions === MAX_CONDITIONS + 1) this.issue(path, `a file has at most ${MAX_CONDITIONS} conditions`);
    if (depth > MAX_DEPTH) return this.issue(path, `conditions nest at most ${MAX_DEPTH} deep`);
    if (!isObject(value)) return this.issue(path, `must be a condition object, got ${describe(value)}`);
    if (value.for !== undefined) this.forBars(join(path, 'for'), value.for);
    const group = ['all', 'any', 'not', 'regime'].filter((k) => k in value);
    if (group.length === 0) return this.comparison(path, value, false);
    if (group.length > 1 || 'series' in value)
      return this.issue(path, 'a condition is one of: a comparison (series + operator), all, any, not or regime');
    const key = group[0]!;
    this.fields(path, value, [key, 'for']);
    const inner = value[key];
    if (key === 'regime') return this.regime(join(path, 'regime'), inner);
    if (key === 'not') return this.condition(join(path, 'not'), inner, depth + 1);
    if (!Array.isArray(inner) || inner.length === 0)
      return this.issue(join(path, key), `must be a non-empty list of conditions, got ${describe(inner)}`);
    inner.forEach((c, i) => this.condition(join(join(path, key), i), c, depth + 1));
  }

  /** A regime label or a non-empty list of them. */
  private regime(path: string, value: Json): void {
    const known = `known: ${REGIME_LABELS.join(', ')}`;
    const label = (at: string, v: Json): void => {
      if (typeof v !== 'string') this.issue(at, `must be a regime label (${known}), got ${describe(v)}`);
      else if (!isRegimeLabel(v)) this.issue(at, `unknown regime "${v.slice(0, 40)}"; ${known}`);
    };
    if (!Array.isArray(value)) return label(path, value);
    if (value.length === 0 || value.length > REGIME_LABELS.length)
      return this.issue(path, `must be a label or a list of 1 to ${REGIME_LABELS.length} labels (${known})`);
    value.forEach((v: Json, i) => label(join(path, i), v));
  }

  private forBars(path: string, value: Json): void {
    if (typeof value === 'string') return void this.numberOperand(path, value, { int: true, min: 1 });
    if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_FOR_BARS))
      this.issue(path, `must be an integer from 1 to ${MAX_FOR_BARS} (bars) or a $parameter`);
  }

  private comparison(path: string, value: Json, paramsOnly: boolean): void {
    if (!isObject(value)) return this.issue(path, `must be a comparison object, got ${describe(value)}`);
    const ops = COMPARISONS.filter((op) => op in value);
    this.fields(path, value, ['series', ...COMPARISONS, ...(paramsOnly ? [] : ['for'])]);
    if (!('series' in value)) this.issue(join(path, 'series'), 'is required (the left side of the comparison)');
    if (ops.length !== 1)
      return this.issue(
        path,
        `needs exactly one operator of ${COMPARISONS.join(', ')}${ops.length > 1 ? ` (got ${ops.join(', ')})` : ''}`,
      );
    const op = ops[0]!;
    if (paramsOnly && !['above', 'below', 'atLeast', 'atMost'].includes(op))
      return this.issue(join(path, op), 'a constraint compares values: above, below, atLeast or atMost');
    if ('series' in value) this.operand(join(path, 'series'), value.series, paramsOnly);
    this.operand(join(path, op), value[op], paramsOnly);
  }

  private operand(path: string, value: Json, paramsOnly: boolean): OperandNode | undefined {
    if (typeof value !== 'string' && typeof value !== 'number')
      return void this.issue(path, `must be a series (text), a $parameter or a number, got ${describe(value)}`);
    const parsed = parseOperand(value, new Set(this.params.keys()));
    if ('error' in parsed) return void this.issue(path, parsed.error);
    const node = parsed.ok;
    if (paramsOnly && node.kind === 'series')
      return void this.issue(path, 'a constraint compares $parameters and numbers only');
    for (const name of operandParams(node, new Set()))
      if (this.params.get(name)?.type === 'bool') this.issue(path, `parameter "$${name}" is a bool, not a number`);
    for (const name of operandParams(node, new Set(), true))
      if (this.params.get(name)?.type === 'float')
        this.issue(path, `parameter "$${name}" is used as a period: it must be an int`);
    if (node.kind === 'series' && this.baseTimeframe === undefined && seriesReads(node.node, ANNUALISED))
      this.issue(
        path,
        'garch_vol and realized_vol are annualised by the bar length: the file must declare its own "timeframe"',
      );
    if (node.kind === 'series' && node.timeframe !== undefined) {
      const base = this.baseTimeframe;
      if (base === undefined)
        this.issue(path, `names timeframe ${node.timeframe}: the file must declare its own "timeframe"`);
      else {
        const higher = TIMEFRAME_MS[node.timeframe];
        const own = TIMEFRAME_MS[base as keyof typeof TIMEFRAME_MS];
        if (!(higher > own && higher % own === 0))
          this.issue(path, `timeframe ${node.timeframe} must be a whole multiple above the file's timeframe ${base}`);
      }
    }
    return node;
  }

  /** A number or $parameter (never a series), checked against `bounds` when it is a number. */
  private numberOperand(
    path: string,
    value: Json,
    bounds: { int?: boolean; min: number; max?: number; aboveMin?: boolean },
  ): void {
    const node = this.operand(path, value, true);
    if (node === undefined || node.kind !== 'constant') return;
    if (node.value.kind === 'param') {
      if (bounds.int && this.params.get(node.value.name)?.type !== 'int')
        this.issue(path, `parameter "$${node.value.name}" must be an int`);
      return;
    }
    const n = node.value.value;
    const low = bounds.aboveMin ? `> ${bounds.min}` : `>= ${bounds.min}`;
    const range = bounds.max === undefined ? low : `${low} and <= ${bounds.max}`;
    const tooLow = bounds.aboveMin ? n <= bounds.min : n < bounds.min;
    if ((bounds.int && !Number.isInteger(n)) || tooLow || (bounds.max !== undefined && n > bounds.max))
      this.issue(path, `must be ${bounds.int ? 'an integer' : 'a number'} ${range}, got ${n}`);
  }

  private protection(value: Json): void {
    const path = 'protection';
    if (!isObject(value)) return this.issue(path, `must be an object, got ${describe(value)}`);
    this.fields(path, value, ['sl', 'tp', 'trail', 'ladder', 'breakEven']);
    for (const key of ['sl', 'tp'] as const)
      if (value[key] !== undefined) this.numberOperand(join(path, key), value[key], { min: 0, max: 1000 });
    if (value.trail !== undefined) this.numberOperand(join(path, 'trail'), value.trail, { min: 0, max: 99 });
    if (value.ladder !== undefined) {
      const at = join(path, 'ladder');
      if (value.tp !== undefined) this.issue(at, 'give tp or ladder, not both');
      const ladder = value.ladder;
      if (!Array.isArray(ladder) || ladder.length === 0 || ladder.length > MAX_LADDER)
        return this.issue(at, `must be a list of 1 to ${MAX_LADDER} { tp, share }`);
      let total = 0;
      let literal = true;
      ladder.forEach((step: Json, i) => {
        const stepAt = join(at, i);
        if (!isObject(step)) return this.issue(stepAt, `must be { tp, share }, got ${describe(step)}`);
        this.fields(stepAt, step, ['tp', 'share']);
        this.numberOperand(join(stepAt, 'tp'), step.tp, { min: 0, max: 1000 });
        this.numberOperand(join(stepAt, 'share'), step.share, { min: 0, max: 100 });
        if (typeof step.share === 'number') total += step.share;
        else literal = false;
      });
      if (literal && Math.abs(total - 100) > 1e-9) this.issue(at, `shares must sum to 100, got ${total}`);
    }
    if (value.breakEven !== undefined && typeof value.breakEven !== 'boolean')
      this.issue(join(path, 'breakEven'), 'must be true or false');
  }

  private sizing(value: Json): void {
    const path = 'sizing';
    const kinds = ['percent', 'quote', 'contracts'];
    if (!isObject(value))
      return this.issue(path, `must be one of { percent }, { quote }, { contracts }, got ${describe(value)}`);
    this.fields(path, value, kinds);
    const given = kinds.filter((k) => k in value);
    if (given.length !== 1) return this.issue(path, 'must give exactly one of percent, quote, contracts');
    const kind = given[0]!;
    this.numberOperand(join(path, kind), value[kind], {
      min: 0,
      aboveMin: true,
      ...(kind === 'percent' && { max: 100 }),
    });
  }
}
