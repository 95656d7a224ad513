// The series grammar of rule files: a price ("close"), an indicator of a source
// ("sma(close,$fast)", "rsi(sma(close,3),14)"), one output of a multi-output indicator
// ("bb(close,20,2.5).lower"), a higher timeframe of the same symbol ("ema(close,50)@4h"), a
// parameter ("$oversold") or a number; the market's regime probability and volatilities
// ("regime_p", "garch_vol", "realized_vol(20)", shared/core/regimes). Parsed into a small tree the compiler instantiates; every
// message names the text it could not read.
import { isStrategyTimeframe, type StrategyTimeframe } from '../../domain/strategy-subscription';
import type { Operand } from './types';
import { InvalidArgumentError } from '../../errors';

export const PRICES = ['open', 'high', 'low', 'close', 'volume', 'hl2', 'hlc3', 'ohlc4'] as const;
export type PriceField = (typeof PRICES)[number];

/**
 * Series of the market's regime (docs/REGIMES.md), read as bare names: the probability of the
 * current regime (0..1) and the GARCH(1,1) volatility forecast (annualised from the file's
 * timeframe). The regime itself is a label, not a number: it is the condition `{ "regime": … }`.
 */
export const MARKET_SERIES = ['regime_p', 'garch_vol'] as const;
export type MarketField = (typeof MARKET_SERIES)[number];

// The first bar index each is defined on, with the regimes' defaults (compile.ts creates the
// streams with them): RegimeStream's first HMM fit needs min(window 500, 200) returns, and
// GarchVolStream's min(window 500, 250). Before the fit the regime comes from the ADX / ATR rules.
export const REGIME_FIRST_INDEX = 200;
export const GARCH_FIRST_INDEX = 250;

/** The series that are annualised by the bars' length, so need the file's "timeframe". */
export const ANNUALISED = new Set(['garch_vol', 'realized_vol']);

/** A number an indicator or comparison takes: written in the file or a parameter's value. */
export type NumberArg = { kind: 'number'; value: number } | { kind: 'param'; name: string };

export interface IndicatorSpec {
  /** takes a source series as its first argument (else it reads the bar's high, low and close) */
  source: boolean;
  /** the numeric arguments after the source, by name; `int`: a period (integer ≥ `min`, default 1) */
  args: readonly { name: string; int: boolean; min?: number }[];
  /** outputs; the first is the one read when none is named */
  outputs: readonly string[];
  /** the index of the first defined value of an output, counted from the source's first value */
  firstIndex(output: string, args: readonly number[]): number;
}

const period = (name: string) => ({ name, int: true });
const factor = (name: string) => ({ name, int: false });

/** The project's streaming indicators (shared/core/indicators), as the grammar names them. */
export const INDICATORS: Readonly<Record<string, IndicatorSpec>> = Object.freeze({
  sma: { source: true, args: [period('period')], outputs: ['value'], firstIndex: (_, [n]) => n! - 1 },
  ema: { source: true, args: [period('period')], outputs: ['value'], firstIndex: (_, [n]) => n! - 1 },
  rsi: { source: true, args: [period('period')], outputs: ['value'], firstIndex: (_, [n]) => n! },
  highest: { source: true, args: [period('period')], outputs: ['value'], firstIndex: (_, [n]) => n! - 1 },
  lowest: { source: true, args: [period('period')], outputs: ['value'], firstIndex: (_, [n]) => n! - 1 },
  bb: {
    source: true,
    args: [period('period'), factor('mult')],
    outputs: ['middle', 'upper', 'lower'],
    firstIndex: (_, [n]) => n! - 1,
  },
  macd: {
    source: true,
    args: [period('fast'), period('slow'), period('signal')],
    outputs: ['macd', 'signal', 'histogram'],
    firstIndex: (output, [fast, slow, signal]) => Math.max(fast!, slow!) - 1 + (output === 'macd' ? 0 : signal! - 1),
  },
  stoch: {
    source: false,
    args: [period('kPeriod'), period('kSmooth'), period('dPeriod')],
    outputs: ['k', 'd'],
    firstIndex: (output, [k, smooth, d]) => k! + smooth! - 2 + (output === 'd' ? d! - 1 : 0),
  },
  supertrend: {
    source: false,
    args: [period('period'), factor('mult')],
    outputs: ['value', 'direction'],
    firstIndex: (_, [n]) => n!,
  },
  atr: { source: false, args: [period('period')], outputs: ['value'], firstIndex: (_, [n]) => n! },
  adx: {
    source: false,
    args: [period('period')],
    outputs: ['adx', 'pdi', 'mdi'],
    firstIndex: (output, [n]) => (output === 'adx' ? 2 * n! - 1 : n!),
  },
  // the standard deviation of the last `window` log returns of the close, annualised
  realized_vol: {
    source: false,
    args: [{ name: 'window', int: true, min: 2 }],
    outputs: ['value'],
    firstIndex: (_, [n]) => n!,
  },
  ichimoku: {
    source: false,
    args: [period('tenkan'), period('kijun'), period('senkouB'), period('displacement')],
    outputs: ['tenkan', 'kijun', 'senkouA', 'senkouB'],
    firstIndex(output, [tenkan, kijun, senkouB, displacement]) {
      if (output === 'tenkan') return tenkan! - 1;
      if (output === 'kijun') return kijun! - 1;
      return (output === 'senkouA' ? Math.max(tenkan!, kijun!) : senkouB!) - 1 + displacement!;
    },
  },
} satisfies Record<string, IndicatorSpec>);

export type SeriesNode =
  | { kind: 'price'; field: PriceField }
  | { kind: 'market'; field: MarketField }
  | { kind: 'indicator'; name: string; source?: SeriesNode; args: NumberArg[]; output: string };

/** A parsed operand: a constant, or a series on the base timeframe or a higher one. */
export type OperandNode =
  { kind: 'constant'; value: NumberArg } | { kind: 'series'; node: SeriesNode; timeframe?: StrategyTimeframe };

export type OperandParse = { ok: OperandNode } | { error: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const PARAM = /^\$[A-Za-z_][A-Za-z0-9_]*$/;
const TOKEN = /\s*(\$?[A-Za-z_][A-Za-z0-9_]*|[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|[(),.]|\S)/giy;
const MAX_LENGTH = 200;

/** Caught in parseOperand and turned into its message: never leaves this module. */
class SeriesSyntaxError extends InvalidArgumentError {}

/** Reads one operand; `params` are the declared parameter names (a "$name" must be one of them). */
export function parseOperand(input: Operand, params: ReadonlySet<string>): OperandParse {
  if (typeof input === 'number')
    return Number.isFinite(input)
      ? { ok: { kind: 'constant', value: { kind: 'number', value: input } } }
      : { error: 'must be a finite number' };
  if (typeof input !== 'string') return { error: 'must be a series (text) or a number' };
  const text = input.trim();
  if (text.length === 0) return { error: 'must not be empty' };
  if (text.length > MAX_LENGTH) return { error: `must be at most ${MAX_LENGTH} characters` };
  if (NUMBER.test(text)) return { ok: { kind: 'constant', value: { kind: 'number', value: Number(text) } } };
  if (PARAM.test(text)) {
    const name = text.slice(1);
    return params.has(name)
      ? { ok: { kind: 'constant', value: { kind: 'param', name } } }
      : { error: unknownParam(text, name, params) };
  }
  // "…@4h": the whole expression on a higher timeframe (the suffix is not a token: "4h" would
  // read as a number).
  const at = text.lastIndexOf('@');
  let timeframe: StrategyTimeframe | undefined;
  if (at >= 0) {
    const name = text.slice(at + 1).trim();
    if (!isStrategyTimeframe(name))
      return { error: `unknown series "${text}": timeframe "${name}" must be one of 1m, 5m, 15m, 1h, 4h, 1d` };
    timeframe = name;
  }
  try {
    const operand = new Parser(at >= 0 ? text.slice(0, at) : text, params).operand();
    return { ok: timeframe === undefined ? operand : { ...operand, timeframe } };
  } catch (error) {
    if (error instanceof SeriesSyntaxError) return { error: `unknown series "${text}": ${error.message}` };
    throw error;
  }
}

const unknownParam = (text: string, name: string, params: ReadonlySet<string>): string =>
  `unknown parameter "$${name}" in "${text}"; declared: ${params.size === 0 ? 'none' : [...params].join(', ')}`;

class Parser {
  private readonly tokens: string[] = [];
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly params: ReadonlySet<string>,
  ) {
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) this.tokens.push(m[1]!);
  }

  operand(): { kind: 'series'; node: SeriesNode } {
    const node = this.series();
    if (this.at < this.tokens.length) throw new SeriesSyntaxError(`unexpected "${this.tokens[this.at]}"`);
    return { kind: 'series', node };
  }

  private series(): SeriesNode {
    const name = this.take('a price or an indicator');
    if (this.peek() !== '(') {
      if ((PRICES as readonly string[]).includes(name)) return { kind: 'price', field: name as PriceField };
      if ((MARKET_SERIES as readonly string[]).includes(name)) return { kind: 'market', field: name as MarketField };
      if (name === 'regime')
        throw new SeriesSyntaxError('the regime is a label, not a number: use the condition { "regime": "BULL" }');
      if (Object.hasOwn(INDICATORS, name)) throw new SeriesSyntaxError(`${name} takes ${signature(name)}`);
      throw new SeriesSyntaxError(
        `"${name}" is neither a price (${PRICES.join(', ')}), a market series (${MARKET_SERIES.join(', ')}) nor an indicator`,
      );
    }
    if ((MARKET_SERIES as readonly string[]).includes(name) || name === 'regime')
      throw new SeriesSyntaxError(`${name} takes no arguments`);
    const spec = Object.hasOwn(INDICATORS, name) ? INDICATORS[name] : undefined;
    if (spec === undefined)
      throw new SeriesSyntaxError(`no indicator "${name}"; known: ${Object.keys(INDICATORS).join(', ')}`);
    this.at++; // (
    let source: SeriesNode | undefined;
    const args: NumberArg[] = [];
    const expected = spec.args.length + (spec.source ? 1 : 0);
    for (let i = 0; this.peek() !== ')'; i++) {
      if (i > 0) this.expect(',', `"," or ")" in ${name}(…)`);
      if (i >= expected) throw new SeriesSyntaxError(`${name} takes ${signature(name)}`);
      if (spec.source && i === 0) {
        const first = this.peek() ?? '';
        if (NUMBER.test(first) || first.startsWith('$') || first === ')')
          throw new SeriesSyntaxError(`${name} takes ${signature(name)}: its first argument is a series, e.g. close`);
        source = this.series();
      } else args.push(this.number(name, spec.args[i - (spec.source ? 1 : 0)]!));
    }
    this.at++; // )
    if (args.length + (source ? 1 : 0) !== expected) throw new SeriesSyntaxError(`${name} takes ${signature(name)}`);
    let output = spec.outputs[0]!;
    if (this.peek() === '.') {
      this.at++;
      output = this.take(`an output of ${name}`);
      if (!spec.outputs.includes(output))
        throw new SeriesSyntaxError(`${name} has no output "${output}"; it has ${spec.outputs.join(', ')}`);
    }
    return { kind: 'indicator', name, ...(source && { source }), args, output };
  }

  private number(indicator: string, arg: { name: string; int: boolean; min?: number }): NumberArg {
    const token = this.take(`${indicator}'s ${arg.name}`);
    if (PARAM.test(token)) {
      const name = token.slice(1);
      if (!this.params.has(name)) throw new SeriesSyntaxError(unknownParam(this.text, name, this.params));
      return { kind: 'param', name };
    }
    if (!NUMBER.test(token))
      throw new SeriesSyntaxError(`${indicator}'s ${arg.name} must be a number or a $parameter, got "${token}"`);
    const value = Number(token);
    const min = arg.min ?? 1;
    if (arg.int ? !(Number.isInteger(value) && value >= min) : !(value > 0 && Number.isFinite(value)))
      throw new SeriesSyntaxError(
        `${indicator}'s ${arg.name} must be ${arg.int ? `an integer >= ${min}` : 'a number > 0'}, got ${token}`,
      );
    return { kind: 'number', value };
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private take(what: string): string {
    const token = this.tokens[this.at++];
    if (token === undefined) throw new SeriesSyntaxError(`expected ${what} at the end`);
    return token;
  }

  private expect(token: string, what: string): void {
    if (this.take(what) !== token) throw new SeriesSyntaxError(`expected ${what}`);
  }
}

/** "sma(source, period)": how an indicator is written. */
export function signature(name: string): string {
  const spec = INDICATORS[name]!;
  const args = [...(spec.source ? ['source'] : []), ...spec.args.map((a) => a.name)];
  return `(${args.join(', ')})${spec.outputs.length > 1 ? ` with outputs .${spec.outputs.join(', .')}` : ''}`;
}

/** Whether a series reads one of `names` (a market series or an indicator), itself or in its sources. */
export function seriesReads(node: SeriesNode, names: ReadonlySet<string>): boolean {
  if (node.kind === 'price') return false;
  if (node.kind === 'market') return names.has(node.field);
  return names.has(node.name) || (node.source !== undefined && seriesReads(node.source, names));
}

/** The parameters a parsed operand reads. */
export function operandParams(operand: OperandNode, out: Set<string>, periodsOnly = false): Set<string> {
  if (operand.kind === 'constant') {
    if (operand.value.kind === 'param' && !periodsOnly) out.add(operand.value.name);
    return out;
  }
  const walk = (node: SeriesNode): void => {
    if (node.kind !== 'indicator') return;
    const spec = INDICATORS[node.name]!;
    node.args.forEach((arg, i) => {
      if (arg.kind === 'param' && (!periodsOnly || spec.args[i]!.int)) out.add(arg.name);
    });
    if (node.source) walk(node.source);
  };
  walk(operand.node);
  return out;
}
