// compileRules: a validated rule file → the StrategyDefinition every consumer of a strategy takes
// (backtest, optimise, walk-forward, Monte Carlo, paper, the live runner). The file is read and its
// expressions parsed once, here; `create(params)` then builds a runner of plain cells (a series'
// value on this bar and the one before) updated in dependency order by the project's streaming
// indicators, and conditions as closures over those cells: O(1) per bar, nothing allocated while
// it holds. A series on a higher timeframe is computed on bars aggregated from the base bars and
// read only once its higher bar has closed: no look-ahead. The market's regime and volatilities
// (shared/core/regimes) are streams of the same kind, created only when the file reads them.
import { TIMEFRAME_MS, type StrategyTimeframe } from '../../domain/strategy-subscription';
import { InvalidArgumentError } from '../../errors';
import { AdxStream } from '../../indicators/adx';
import { AtrStream } from '../../indicators/atr';
import { BollingerStream } from '../../indicators/bollinger';
import { EmaStream } from '../../indicators/ema';
import { IchimokuStream } from '../../indicators/ichimoku';
import { MacdStream } from '../../indicators/macd';
import { RollingHighLow } from '../../indicators/rolling-high-low';
import { RsiStream } from '../../indicators/rsi';
import { SmaStream } from '../../indicators/sma';
import { StochasticStream } from '../../indicators/stochastic';
import { SuperTrendStream } from '../../indicators/supertrend';
import { GarchVolStream } from '../../regimes/garch-stream';
import { labelIndex } from '../../regimes/labels';
import { MarketRegimeSeries } from '../../regimes/market-series';
import { barsPerYear, RealizedVolatility } from '../../regimes/volatility';
import type { SizeSpec, TakeProfitLevel } from '../../signal/types';
import { LONG_ONLY_PARAM, withLongOnly } from '../long-only';
import { signalSet, type SignalSet } from '../signals';
import type {
  Bar,
  HeldPosition,
  ParamSpec,
  StrategyDefinition,
  StrategyParams,
  StrategyRunner,
  StrategySignal,
} from '../types';
import { executionAlgo } from './execution';
import { formatRuleIssues, validateRuleFile } from './parse';
import {
  GARCH_FIRST_INDEX,
  INDICATORS,
  parseOperand,
  REGIME_FIRST_INDEX,
  type MarketField,
  type NumberArg,
  type OperandNode,
  type SeriesNode,
} from './series';
import { COMPARISONS, type ComparisonOp, type Condition, type Operand, type RuleFile } from './types';

// ---- the plan: the file's expressions, parsed once ----

type ConditionPlan =
  | { kind: 'compare'; op: ComparisonOp; left: OperandNode; right: OperandNode; for?: NumberArg }
  | { kind: 'all' | 'any'; of: ConditionPlan[]; for?: NumberArg }
  | { kind: 'not'; of: ConditionPlan; for?: NumberArg }
  /** `labels`: a bit per label, by its index in REGIME_LABELS */
  | { kind: 'regime'; labels: number; for?: NumberArg };

interface Plan {
  file: RuleFile;
  params: readonly ParamSpec[];
  constraints: ConditionPlan[];
  enterLong: ConditionPlan[];
  enterShort: ConditionPlan[];
  exitLong: ConditionPlan[];
  exitShort: ConditionPlan[];
}

const CROSSES: ReadonlySet<ComparisonOp> = new Set(['crossesAbove', 'crossesBelow', 'risesTo', 'fallsTo']);

function planOperand(value: Operand, params: ReadonlySet<string>): OperandNode {
  const parsed = parseOperand(value, params);
  // validateRuleFile passed: an operand that does not parse here is a bug, not input.
  if ('error' in parsed) throw new InvalidArgumentError(parsed.error);
  return parsed.ok;
}

function planCondition(c: Condition, params: ReadonlySet<string>): ConditionPlan {
  const forBars = c.for === undefined ? undefined : numberArg(planOperand(c.for, params));
  const withFor = <T extends object>(plan: T): T & { for?: NumberArg } =>
    forBars === undefined ? plan : { ...plan, for: forBars };
  if ('all' in c) return withFor({ kind: 'all', of: c.all.map((x) => planCondition(x, params)) });
  if ('any' in c) return withFor({ kind: 'any', of: c.any.map((x) => planCondition(x, params)) });
  if ('not' in c) return withFor({ kind: 'not', of: planCondition(c.not, params) });
  if ('regime' in c) {
    const labels = Array.isArray(c.regime) ? c.regime : [c.regime];
    return withFor({ kind: 'regime', labels: labels.reduce((mask, l) => mask | (1 << labelIndex(l)), 0) });
  }
  const op = COMPARISONS.find((o) => c[o] !== undefined)!;
  return withFor({
    kind: 'compare',
    op,
    left: planOperand(c.series, params),
    right: planOperand(c[op]!, params),
  });
}

function numberArg(operand: OperandNode): NumberArg {
  if (operand.kind !== 'constant') throw new InvalidArgumentError('expected a number or a $parameter');
  return operand.value;
}

// The file each compiled definition came from: a worker thread is sent the file (a definition's
// functions do not cross threads) and compiles its own copy.
const SOURCES = new WeakMap<StrategyDefinition, RuleFile>();

/** The rule file a definition was compiled from; undefined for a built-in. */
export const ruleFileOf = (definition: StrategyDefinition): RuleFile | undefined => SOURCES.get(definition);

/** Compiles a rule file once; throws InvalidArgumentError listing its problems when it is not valid. */
export function compileRules(file: RuleFile): StrategyDefinition {
  const definition = compileOnce(file);
  SOURCES.set(definition, file);
  return definition;
}

function compileOnce(file: RuleFile): StrategyDefinition {
  const checked = validateRuleFile(file);
  if (!checked.ok) throw new InvalidArgumentError(`rule file is not valid:\n${formatRuleIssues(checked.errors)}`);
  const names = new Set(Object.keys(file.params ?? {}));
  const plans = (list: Condition[] | undefined) => (list ?? []).map((c) => planCondition(c, names));
  const plan: Plan = {
    file,
    params: Object.entries(file.params ?? {}).map(([name, spec]) => ({
      name,
      type: spec.type,
      default: spec.default,
      ...(spec.min !== undefined && { min: spec.min }),
      ...(spec.max !== undefined && { max: spec.max }),
      ...(spec.step !== undefined && { step: spec.step }),
      description: spec.description ?? '',
    })),
    constraints: plans(file.constraints),
    enterLong: plans(file.rules.entry.long),
    enterShort: plans(file.rules.entry.short),
    exitLong: plans(file.rules.exit?.long),
    exitShort: plans(file.rules.exit?.short),
  };
  const definition = withLongOnly<StrategyParams>({
    id: file.id,
    description: file.description ?? '',
    params: plan.params,
    warmup: (params) => warmup(plan, params),
    create: (params) => new RuleRunner(plan, params),
  });
  if (file.longOnly === undefined) return definition;
  const longOnly: ParamSpec = { ...LONG_ONLY_PARAM, default: file.longOnly };
  return { ...definition, params: definition.params.map((p) => (p.name === longOnly.name ? longOnly : p)) };
}

// ---- parameters ----

function resolve(arg: NumberArg, params: StrategyParams): number {
  if (arg.kind === 'number') return arg.value;
  const value = params[arg.name];
  if (typeof value !== 'number')
    throw new InvalidArgumentError(`parameter "${arg.name}" must be a number, got ${String(value)}`);
  return value;
}

const OP_WORDS: Readonly<Record<ComparisonOp, string>> = {
  above: 'above',
  below: 'below',
  atLeast: 'at least',
  atMost: 'at most',
  crossesAbove: 'above',
  crossesBelow: 'below',
  risesTo: 'at least',
  fallsTo: 'at most',
};

const compareNow = (op: ComparisonOp, a: number, b: number): boolean => {
  switch (op) {
    case 'above':
    case 'crossesAbove':
      return a > b;
    case 'below':
    case 'crossesBelow':
      return a < b;
    case 'atLeast':
    case 'risesTo':
      return a >= b;
    case 'atMost':
    case 'fallsTo':
      return a <= b;
  }
};

/** Throws naming both sides when a parameter set breaks a constraint ("fast (30) must be below slow (20)"). */
function checkConstraints(plan: Plan, params: StrategyParams): void {
  for (const c of plan.constraints) {
    if (c.kind !== 'compare') continue;
    const side = (o: OperandNode) => {
      const arg = numberArg(o);
      const value = resolve(arg, params);
      return arg.kind === 'param' ? `${arg.name} (${value})` : String(value);
    };
    const a = resolve(numberArg(c.left), params);
    const b = resolve(numberArg(c.right), params);
    if (!compareNow(c.op, a, b))
      throw new InvalidArgumentError(`${side(c.left)} must be ${OP_WORDS[c.op]} ${side(c.right)}`);
  }
}

// ---- warm-up: the index of the first bar on which a condition can hold ----

function firstIndexOf(node: SeriesNode, params: StrategyParams): number {
  if (node.kind === 'price') return 0;
  if (node.kind === 'market') return node.field === 'garch_vol' ? GARCH_FIRST_INDEX : REGIME_FIRST_INDEX;
  const spec = INDICATORS[node.name]!;
  const args = node.args.map((a) => resolve(a, params));
  return (node.source ? firstIndexOf(node.source, params) : 0) + spec.firstIndex(node.output, args);
}

function operandFirstIndex(operand: OperandNode, plan: Plan, params: StrategyParams): number {
  if (operand.kind === 'constant') return 0;
  const first = firstIndexOf(operand.node, params);
  if (operand.timeframe === undefined) return first;
  const ratio = TIMEFRAME_MS[operand.timeframe] / TIMEFRAME_MS[plan.file.timeframe!];
  // Its (first + 1)-th higher bar closes at most (first + 2) × ratio − 1 base bars in, the base
  // bars starting anywhere inside a higher one.
  return (first + 2) * ratio - 1;
}

function conditionFirstIndex(c: ConditionPlan, plan: Plan, params: StrategyParams): number {
  let first: number;
  if (c.kind === 'compare')
    first =
      Math.max(operandFirstIndex(c.left, plan, params), operandFirstIndex(c.right, plan, params)) +
      (CROSSES.has(c.op) ? 1 : 0);
  else if (c.kind === 'regime') first = REGIME_FIRST_INDEX;
  else if (c.kind === 'not') first = conditionFirstIndex(c.of, plan, params);
  else {
    const each = c.of.map((x) => conditionFirstIndex(x, plan, params));
    first = c.kind === 'all' ? Math.max(...each) : Math.min(...each);
  }
  return c.for === undefined ? first : first + Math.max(0, resolve(c.for, params) - 1);
}

/** The latest of the first bars each non-empty rule list can hold on (a list is all of its conditions). */
function warmup(plan: Plan, params: StrategyParams): number {
  let latest = 0;
  for (const list of [plan.enterLong, plan.enterShort, plan.exitLong, plan.exitShort])
    for (const c of list) latest = Math.max(latest, conditionFirstIndex(c, plan, params));
  return latest;
}

// ---- the runner ----

/** A series' value on the current bar of its timeframe and on the one before. */
class Cell {
  cur = Number.NaN;
  prev = Number.NaN;
}

interface Step {
  update(bar: Bar): void;
}

/** The cells and update steps of one timeframe, shared by every expression that reads them. */
class Frame {
  readonly steps: Step[] = [];
  readonly cells = new Map<string, Cell>();
  /** the regime and GARCH streams of this timeframe, made when a series first reads them */
  market: MarketStep | undefined;

  /** `timeframe`: the length of its bars, for the annualised volatilities (undefined: not declared) */
  constructor(readonly timeframe: StrategyTimeframe | undefined) {}
}

type Reader = (bar: Bar) => number;

const PRICE_READERS: Readonly<Record<string, Reader>> = {
  open: (b) => b.open,
  high: (b) => b.high,
  low: (b) => b.low,
  close: (b) => b.close,
  volume: (b) => b.volume,
  hl2: (b) => (b.high + b.low) / 2,
  hlc3: (b) => (b.high + b.low + b.close) / 3,
  ohlc4: (b) => (b.open + b.high + b.low + b.close) / 4,
};

class PriceStep implements Step {
  constructor(
    private readonly cell: Cell,
    private readonly read: Reader,
  ) {}

  update(bar: Bar): void {
    this.cell.prev = this.cell.cur;
    this.cell.cur = this.read(bar);
  }
}

/** One indicator instance: feeds its stream, then copies each output read into its cell. */
class IndicatorStep implements Step {
  constructor(
    private readonly cells: readonly Cell[],
    private readonly feed: (bar: Bar, out: readonly Cell[]) => void,
  ) {}

  update(bar: Bar): void {
    const cells = this.cells;
    for (let i = 0; i < cells.length; i++) cells[i]!.prev = cells[i]!.cur;
    this.feed(bar, cells);
  }
}

type Feed = (bar: Bar, out: readonly Cell[]) => void;

/** Bars per year of a frame: the annualised volatilities need it (parse.ts refuses them without). */
function periodsPerYear(timeframe: StrategyTimeframe | undefined): number {
  if (timeframe === undefined)
    throw new InvalidArgumentError('garch_vol and realized_vol need the rule file\'s "timeframe"');
  return barsPerYear(TIMEFRAME_MS[timeframe]);
}

/**
 * The market's regime (its label's index in REGIME_LABELS, NaN until one is confirmed), the
 * regime's probability and the GARCH volatility of one frame. Its cells are all asked for while the
 * runner is built, so the streams are made on the first bar with only what is read: one
 * MarketRegimeSeries when the regime is (GARCH inside it when garch_vol is too), a GarchVolStream
 * alone when only garch_vol is — an HMM refit is the costliest thing a runner can do.
 */
class MarketStep implements Step {
  readonly regime = new Cell();
  readonly probability = new Cell();
  readonly garch = new Cell();
  private readsRegime = false;
  private readsGarch = false;
  private series: MarketRegimeSeries | undefined;
  private garchOnly: GarchVolStream | undefined;

  constructor(private readonly timeframe: StrategyTimeframe | undefined) {}

  cell(field: MarketField | 'regime'): Cell {
    if (field === 'garch_vol') {
      this.readsGarch = true;
      return this.garch;
    }
    this.readsRegime = true;
    return field === 'regime' ? this.regime : this.probability;
  }

  update(bar: Bar): void {
    this.regime.prev = this.regime.cur;
    this.probability.prev = this.probability.cur;
    this.garch.prev = this.garch.cur;
    if (this.series === undefined && this.garchOnly === undefined) this.start();
    if (this.series !== undefined) {
      const value = this.series.next(bar);
      this.regime.cur = value.regime === undefined ? Number.NaN : labelIndex(value.regime);
      this.probability.cur = value.probability;
      this.garch.cur = value.garchVol;
    } else this.garch.cur = this.garchOnly!.next(bar.close);
  }

  private start(): void {
    const garch = this.readsGarch ? { periodsPerYear: periodsPerYear(this.timeframe) } : undefined;
    if (this.readsRegime) this.series = new MarketRegimeSeries({ garch: garch ?? false });
    else this.garchOnly = new GarchVolStream(garch);
  }
}

/**
 * The feed of one indicator: `src` is its source's cell (for indicators of a series) — a source not
 * defined yet is not fed, as MACD's signal line waits for its MACD line. `out` follows spec.outputs.
 */
function indicatorFeed(
  name: string,
  args: readonly number[],
  src: Cell | undefined,
  timeframe: StrategyTimeframe | undefined,
): Feed {
  const a0 = args[0]!;
  const a1 = args[1]!;
  const a2 = args[2]!;
  const s = src!;
  switch (name) {
    case 'sma':
    case 'ema':
    case 'rsi': {
      const stream = name === 'sma' ? new SmaStream(a0) : name === 'ema' ? new EmaStream(a0) : new RsiStream(a0);
      return (_, out) => {
        if (s.cur === s.cur) out[0]!.cur = stream.next(s.cur);
      };
    }
    case 'highest':
    case 'lowest': {
      const window = new RollingHighLow(a0);
      const highest = name === 'highest';
      return (_, out) => {
        if (s.cur === s.cur && window.push(s.cur, s.cur)) out[0]!.cur = highest ? window.max : window.min;
      };
    }
    case 'bb': {
      const bands = new BollingerStream(a0, a1);
      return (_, out) => {
        if (s.cur !== s.cur) return;
        out[0]!.cur = bands.next(s.cur);
        out[1]!.cur = bands.upper;
        out[2]!.cur = bands.lower;
      };
    }
    case 'macd': {
      const macd = new MacdStream(a0, a1, a2);
      return (_, out) => {
        if (s.cur !== s.cur) return;
        macd.next(s.cur);
        out[0]!.cur = macd.macd;
        out[1]!.cur = macd.signal;
        out[2]!.cur = macd.histogram;
      };
    }
    case 'stoch': {
      const stoch = new StochasticStream(a0, a1, a2);
      return (bar, out) => {
        stoch.next(bar.high, bar.low, bar.close);
        out[0]!.cur = stoch.k;
        out[1]!.cur = stoch.d;
      };
    }
    case 'supertrend': {
      const trend = new SuperTrendStream(a0, a1);
      return (bar, out) => {
        trend.next(bar.high, bar.low, bar.close);
        out[0]!.cur = trend.value;
        out[1]!.cur = trend.direction;
      };
    }
    case 'atr': {
      const atr = new AtrStream(a0);
      return (bar, out) => {
        out[0]!.cur = atr.next(bar.high, bar.low, bar.close);
      };
    }
    case 'adx': {
      const adx = new AdxStream(a0);
      return (bar, out) => {
        out[0]!.cur = adx.next(bar.high, bar.low, bar.close);
        out[1]!.cur = adx.pdi;
        out[2]!.cur = adx.mdi;
      };
    }
    case 'realized_vol': {
      const vol = new RealizedVolatility(a0, periodsPerYear(timeframe));
      return (bar, out) => {
        out[0]!.cur = vol.next(bar.close);
      };
    }
    case 'ichimoku': {
      const cloud = new IchimokuStream(a0, a1, a2, args[3]!);
      return (bar, out) => {
        cloud.next(bar.high, bar.low);
        out[0]!.cur = cloud.tenkan;
        out[1]!.cur = cloud.kijun;
        out[2]!.cur = cloud.senkouA;
        out[3]!.cur = cloud.senkouB;
      };
    }
    default:
      throw new InvalidArgumentError(`no indicator "${name}"`);
  }
}

/**
 * A higher timeframe of the base bars: it aggregates them (UTC-aligned buckets) and runs its own
 * frame on each higher bar once that bar has closed — on the base bar that closes it, or, when the
 * data skips that bar, on the first base bar of a later bucket (before that bar is added).
 */
class HigherTimeframeStep implements Step {
  readonly frame: Frame;
  private readonly bar: Bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  private open = false;
  private lastTime = Number.NaN;

  constructor(
    private readonly timeframe: StrategyTimeframe,
    private readonly base: StrategyTimeframe,
  ) {
    this.frame = new Frame(timeframe);
  }

  update(base: Bar): void {
    const span = TIMEFRAME_MS[this.timeframe];
    const baseSpan = TIMEFRAME_MS[this.base];
    if (base.time - this.lastTime < baseSpan)
      throw new InvalidArgumentError(
        `the rule file is written for ${this.base} bars, but two bars open ${base.time - this.lastTime} ms apart: backtest it on ${this.base} candles`,
      );
    this.lastTime = base.time;
    const bucket = Math.floor(base.time / span) * span;
    const bar = this.bar;
    if (this.open && bar.time !== bucket) this.close();
    if (!this.open) {
      this.open = true;
      bar.time = bucket;
      bar.open = base.open;
      bar.high = base.high;
      bar.low = base.low;
      bar.volume = 0;
    } else {
      if (base.high > bar.high) bar.high = base.high;
      if (base.low < bar.low) bar.low = base.low;
    }
    bar.close = base.close;
    bar.volume += base.volume;
    if (base.time + baseSpan >= bucket + span) this.close();
  }

  private close(): void {
    this.open = false;
    const steps = this.frame.steps;
    for (let i = 0; i < steps.length; i++) steps[i]!.update(this.bar);
  }
}

/** Copies a higher-timeframe series (its last closed bar's value) into a base-timeframe cell. */
class MirrorStep implements Step {
  constructor(
    private readonly from: Cell,
    private readonly to: Cell,
  ) {}

  update(): void {
    this.to.prev = this.to.cur;
    this.to.cur = this.from.cur;
  }
}

/** `for` N bars: how many bars in a row its condition has held, updated on every bar. */
class Streak {
  count = 0;
  constructor(readonly holds: () => boolean) {}
}

type Test = () => boolean;

const ALWAYS_FALSE: Test = () => false;

class RuleRunner implements StrategyRunner {
  private readonly base: Frame;
  private readonly higher = new Map<StrategyTimeframe, HigherTimeframeStep>();
  private readonly streaks: Streak[] = [];
  private readonly signals: SignalSet;
  private readonly enterLong: Test;
  private readonly enterShort: Test;
  private readonly exitLong: Test;
  private readonly exitShort: Test;

  constructor(
    private readonly plan: Plan,
    private readonly params: StrategyParams,
  ) {
    checkConstraints(plan, params);
    this.base = new Frame(plan.file.timeframe);
    this.signals = ruleSignals(plan.file, params);
    const side = (list: ConditionPlan[]) =>
      list.length === 0 ? ALWAYS_FALSE : this.allOf(list.map((c) => this.condition(c)));
    this.enterLong = side(plan.enterLong);
    this.enterShort = side(plan.enterShort);
    this.exitLong = side(plan.exitLong);
    this.exitShort = side(plan.exitShort);
  }

  next(bar: Bar, position: HeldPosition): StrategySignal | undefined {
    const steps = this.base.steps;
    for (let i = 0; i < steps.length; i++) steps[i]!.update(bar);
    const streaks = this.streaks;
    for (let i = 0; i < streaks.length; i++) {
      const streak = streaks[i]!;
      streak.count = streak.holds() ? streak.count + 1 : 0;
    }
    // signals.ts's decide(), with each condition evaluated only when its answer can matter (they
    // have no side effects: the streaks were updated above).
    const signals = this.signals;
    if (position !== 'long' && this.enterLong()) return signals.long;
    if (position !== 'short' && this.enterShort()) return signals.short;
    if (position === 'long' && this.exitLong()) return signals.closeLong;
    if (position === 'short' && this.exitShort()) return signals.closeShort;
    return undefined;
  }

  private allOf(tests: Test[]): Test {
    if (tests.length === 1) return tests[0]!;
    const [a, b, c] = tests;
    if (tests.length === 2) return () => a!() && b!();
    if (tests.length === 3) return () => a!() && b!() && c!();
    return () => {
      for (let i = 0; i < tests.length; i++) if (!tests[i]!()) return false;
      return true;
    };
  }

  private anyOf(tests: Test[]): Test {
    if (tests.length === 1) return tests[0]!;
    const [a, b] = tests;
    if (tests.length === 2) return () => a!() || b!();
    return () => {
      for (let i = 0; i < tests.length; i++) if (tests[i]!()) return true;
      return false;
    };
  }

  /** The condition as a test; `read` collects the cells it reads (for `not`'s "defined yet"). */
  private condition(c: ConditionPlan, read: Cell[] = []): Test {
    let test: Test;
    if (c.kind === 'compare') test = this.comparison(c.op, this.operand(c.left), this.operand(c.right), read);
    else if (c.kind === 'regime') {
      const regime = this.market(this.base).cell('regime');
      const labels = c.labels;
      read.push(regime);
      // NaN (no regime yet) is no label's index: false, and under "not" false too
      test = () => regime.cur === regime.cur && (labels & (1 << regime.cur)) !== 0;
    } else if (c.kind === 'not') {
      const cells: Cell[] = [];
      const inner = this.condition(c.of, cells);
      read.push(...cells);
      // A comparison with a series not defined yet is false, so its negation would be true
      // during the warm-up: "not" holds only once everything it reads is defined.
      test = () => {
        for (let i = 0; i < cells.length; i++) if (cells[i]!.cur !== cells[i]!.cur) return false;
        return !inner();
      };
    } else {
      const tests = c.of.map((x) => this.condition(x, read));
      test = c.kind === 'all' ? this.allOf(tests) : this.anyOf(tests);
    }
    if (c.for === undefined) return test;
    const bars = resolve(c.for, this.params);
    if (!(Number.isInteger(bars) && bars >= 1))
      throw new InvalidArgumentError(`"for" must be an integer >= 1 (bars), got ${bars}`);
    const streak = new Streak(test);
    this.streaks.push(streak); // after the streaks inside it: they are updated first
    return () => streak.count >= bars;
  }

  private comparison(op: ComparisonOp, a: Cell, b: Cell, read: Cell[]): Test {
    read.push(a, b);
    switch (op) {
      case 'above':
        return () => a.cur > b.cur;
      case 'below':
        return () => a.cur < b.cur;
      case 'atLeast':
        return () => a.cur >= b.cur;
      case 'atMost':
        return () => a.cur <= b.cur;
      case 'crossesAbove':
        return () => a.prev <= b.prev && a.cur > b.cur;
      case 'crossesBelow':
        return () => a.prev >= b.prev && a.cur < b.cur;
      case 'risesTo':
        return () => a.prev < b.prev && a.cur >= b.cur;
      case 'fallsTo':
        return () => a.prev > b.prev && a.cur <= b.cur;
    }
  }

  private operand(operand: OperandNode): Cell {
    if (operand.kind === 'constant') {
      const cell = new Cell();
      cell.cur = cell.prev = resolve(operand.value, this.params);
      return cell;
    }
    if (operand.timeframe === undefined) return this.series(operand.node, this.base);
    const key = `${this.key(operand.node)}@${operand.timeframe}`;
    const known = this.base.cells.get(key);
    if (known) return known;
    let higher = this.higher.get(operand.timeframe);
    if (higher === undefined) {
      higher = new HigherTimeframeStep(operand.timeframe, this.plan.file.timeframe!);
      this.higher.set(operand.timeframe, higher);
      this.base.steps.push(higher);
    }
    const inner = this.series(operand.node, higher.frame);
    const cell = new Cell();
    this.base.cells.set(key, cell);
    this.base.steps.push(new MirrorStep(inner, cell));
    return cell;
  }

  /** The cell of a series in a frame, made once per distinct series (steps in dependency order). */
  private series(node: SeriesNode, frame: Frame): Cell {
    const key = this.key(node);
    const known = frame.cells.get(key);
    if (known) return known;
    if (node.kind === 'price') {
      const cell = new Cell();
      frame.cells.set(key, cell);
      frame.steps.push(new PriceStep(cell, PRICE_READERS[node.field]!));
      return cell;
    }
    if (node.kind === 'market') {
      const cell = this.market(frame).cell(node.field);
      frame.cells.set(key, cell);
      return cell;
    }
    const spec = INDICATORS[node.name]!;
    const src = node.source ? this.series(node.source, frame) : undefined;
    const stepKey = key.slice(0, key.lastIndexOf('.'));
    const cells = spec.outputs.map((output) => {
      const cell = new Cell();
      frame.cells.set(`${stepKey}.${output}`, cell);
      return cell;
    });
    const args = node.args.map((a) => resolve(a, this.params));
    frame.steps.push(new IndicatorStep(cells, indicatorFeed(node.name, args, src, frame.timeframe)));
    return cells[spec.outputs.indexOf(node.output)]!;
  }

  /** The frame's regime and GARCH streams, made (and stepped before what reads them) on first use. */
  private market(frame: Frame): MarketStep {
    if (frame.market === undefined) {
      frame.market = new MarketStep(frame.timeframe);
      frame.steps.push(frame.market);
    }
    return frame.market;
  }

  /** "bb(close,20,2.5).lower": one text per distinct series, with the parameters' values. */
  private key(node: SeriesNode): string {
    if (node.kind === 'price' || node.kind === 'market') return node.field;
    const args = node.args.map((a) => resolve(a, this.params));
    const inner = node.source ? [this.key(node.source), ...args] : args;
    return `${node.name}(${inner.join(',')}).${node.output}`;
  }
}

// ---- the entries' protection and size ----

function ruleSignals(file: RuleFile, params: StrategyParams): SignalSet {
  const p = file.protection ?? {};
  const number = (operand: Operand | undefined, fallback = 0): number =>
    operand === undefined ? fallback : resolve(numberArg(planOperand(operand, new Set(Object.keys(params)))), params);
  const base = signalSet(number(p.sl), number(p.tp));
  const extra: Partial<StrategySignal> = {};
  const trail = number(p.trail);
  if (!(trail >= 0 && trail < 100)) throw new InvalidArgumentError(`trail must be a percent in [0, 100), got ${trail}`);
  if (trail > 0) extra.trailPct = trail;
  if (p.ladder !== undefined) {
    const levels: TakeProfitLevel[] = p.ladder.map((step) => ({
      level: Object.freeze({ kind: 'percent', value: number(step.tp) }),
      sharePct: number(step.share),
    }));
    const total = levels.reduce((sum, l) => sum + l.sharePct, 0);
    if (Math.abs(total - 100) > 1e-9) throw new InvalidArgumentError(`ladder shares must sum to 100, got ${total}`);
    for (const l of levels)
      if (!(l.level.value > 0 && l.sharePct > 0))
        throw new InvalidArgumentError('every ladder step needs a take-profit > 0 and a share > 0');
    extra.tpLevels = Object.freeze(levels) as TakeProfitLevel[];
  }
  if (p.breakEven) extra.breakEven = true;
  if (file.sizing !== undefined) {
    const [kind, value] = Object.entries(file.sizing)[0] as [SizeSpec['kind'], Operand];
    const size = number(value);
    if (!(size > 0)) throw new InvalidArgumentError(`sizing.${kind} must be > 0, got ${size}`);
    extra.size = Object.freeze({ kind, value: size });
  }
  if (file.execution !== undefined) extra.algo = executionAlgo(file.execution);
  if (Object.keys(extra).length === 0) return base;
  const entry = (signal: StrategySignal): StrategySignal => Object.freeze({ ...signal, ...extra });
  return { ...base, long: entry(base.long), short: entry(base.short) };
}
