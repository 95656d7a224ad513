// Drives strategy runners the way the engine does (one closed candle at a time, one reused Bar
// object) and books their signals into a held position at once, so tests can read which signal
// came on which candle.
import type { Candles } from '../../../../shared/core/backtest/types';
import type {
  Bar,
  HeldPosition,
  StrategyDefinition,
  StrategyParams,
  StrategyRunner,
  StrategySignal,
} from '../../../../shared/core/strategies/types';
import { positionAfter as positionAfterAction } from '../../../../shared/core/strategies/last-candle-signal';

export interface EmittedSignal {
  index: number;
  signal: StrategySignal;
  /** the position the runner was told about on that candle */
  heldBefore: HeldPosition;
}

/** The runner's own position rule (shared/core/strategies/last-candle-signal.ts); no signal holds. */
export function positionAfter(position: HeldPosition, signal: StrategySignal | undefined): HeldPosition {
  return signal ? positionAfterAction(position, signal.action) : position;
}

export interface RunOptions {
  /** force the held position on some candles, e.g. a stop-loss that flattened it */
  override?: (index: number, position: HeldPosition) => HeldPosition;
}

/** A stepper over one candle series: next() feeds the following candle to the runner. */
export class Feed {
  readonly signals: EmittedSignal[] = [];
  private index = 0;
  private position: HeldPosition = 'flat';
  private readonly bar: Bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };

  constructor(
    private readonly candles: Candles,
    private readonly runner: StrategyRunner,
    private readonly options: RunOptions = {},
  ) {}

  get done(): boolean {
    return this.index >= this.candles.close.length;
  }

  next(): void {
    const i = this.index++;
    const c = this.candles;
    // One Bar object, rewritten per candle, as the engine does: runners must copy what they keep.
    this.bar.time = c.time[i]!;
    this.bar.open = c.open[i]!;
    this.bar.high = c.high[i]!;
    this.bar.low = c.low[i]!;
    this.bar.close = c.close[i]!;
    this.bar.volume = c.volume[i]!;
    const held = this.options.override ? this.options.override(i, this.position) : this.position;
    const signal = this.runner.next(this.bar, held);
    if (signal !== undefined) this.signals.push({ index: i, signal, heldBefore: held });
    this.position = positionAfter(held, signal);
  }
}

export function runStrategy<P extends StrategyParams>(
  def: StrategyDefinition<P>,
  params: P,
  candles: Candles,
  options: RunOptions = {},
): EmittedSignal[] {
  const feed = new Feed(candles, def.create(params), options);
  while (!feed.done) feed.next();
  return feed.signals;
}

export const defaultsOf = <P extends StrategyParams>(def: StrategyDefinition<P>): P =>
  Object.fromEntries(def.params.map((s) => [s.name, s.default])) as P;

/** Candles from closes: open = previous close, high/low `spread` around the body. */
export function candlesFromCloses(closes: readonly number[], spread = 0.5): Candles {
  const n = closes.length;
  const candles: Candles = {
    time: Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000),
    open: Float64Array.from(closes, (c, i) => (i === 0 ? c : closes[i - 1]!)),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: Float64Array.from(closes),
    volume: new Float64Array(n).fill(1),
  };
  for (let i = 0; i < n; i++) {
    candles.high[i] = Math.max(candles.open[i]!, closes[i]!) + spread;
    candles.low[i] = Math.min(candles.open[i]!, closes[i]!) - spread;
  }
  return candles;
}

export const actions = (signals: readonly EmittedSignal[]) => signals.map((s) => [s.index, s.signal.action] as const);

export interface Conditions {
  enterLong: (i: number) => boolean;
  enterShort: (i: number) => boolean;
  exitLong: (i: number) => boolean;
  exitShort: (i: number) => boolean;
}

/**
 * The signals a strategy's documented rule gives on `count` candles, written independently of the
 * runners: entries win over exits, an entry for the side held is skipped, an exit needs that side.
 */
export function expectedSignals(count: number, rule: Conditions): [number, string][] {
  const out: [number, string][] = [];
  let position: HeldPosition = 'flat';
  for (let i = 0; i < count; i++) {
    let action: StrategySignal['action'] | undefined;
    if (rule.enterLong(i) && position !== 'long') action = 'long';
    else if (rule.enterShort(i) && position !== 'short') action = 'short';
    else if (rule.exitLong(i) && position === 'long') action = 'close_long';
    else if (rule.exitShort(i) && position === 'short') action = 'close_short';
    if (action === undefined) continue;
    out.push([i, action]);
    position = positionAfter(position, { action });
  }
  return out;
}

/** x crossed above y at i: x ≤ y on the candle before, x > y now (false while either is NaN). */
export const crossUp = (x: Float64Array, y: Float64Array, i: number) =>
  i > 0 && x[i - 1]! <= y[i - 1]! && x[i]! > y[i]!;
export const crossDown = (x: Float64Array, y: Float64Array, i: number) =>
  i > 0 && x[i - 1]! >= y[i - 1]! && x[i]! < y[i]!;
