// The regime of each bar as it closes, from that bar and earlier ones only. Every `refitEvery`
// bars the HMM is refitted on the trailing `window` of log returns (warm-started from the last
// fit, plus seeded restarts) and the filter re-run over that window; between refits only the new
// bar's return is filtered (O(K²) per bar). Until a first fit (and whenever a fit fails) the
// ADX / ATR-percentile rules answer instead. Either way the label probabilities pass through
// the hysteresis, so the regime changes only when the new one has held.
import { InvalidArgumentError } from '../errors';
import { fitHmm, HmmFilter, type GaussianHmm } from './hmm';
import { RegimeHysteresis, type HysteresisOptions } from './hysteresis';
import {
  labelIndex,
  labelProbabilities,
  labelStates,
  REGIME_LABELS,
  type RegimeLabel,
  type RegimeSource,
} from './labels';
import { RuleRegimeStream, type RuleRegimeOptions } from './rule-regime';

export interface RegimeStreamOptions {
  /** HMM states (default 3: BEAR, SIDEWAYS, BULL) */
  states?: number;
  /** trailing returns each fit sees (default 500) */
  window?: number;
  /** bars between refits (default 50) */
  refitEvery?: number;
  /** returns needed before the first fit (default min(window, 200)); the rules answer until then */
  minReturns?: number;
  /** seeded restarts per refit besides the warm start and the quantile start (default 2) */
  restarts?: number;
  /** EM iterations per start (default 150) */
  maxIterations?: number;
  seed?: number;
  hysteresis?: HysteresisOptions;
  rules?: RuleRegimeOptions;
}

export interface RegimeReading {
  /** the regime after hysteresis; undefined until one is confirmed */
  label: RegimeLabel | undefined;
  /** the most probable label this bar, before hysteresis */
  raw: RegimeLabel | undefined;
  source: RegimeSource;
  /** label probabilities (REGIME_LABELS order); one-hot for the rules */
  probabilities: Float64Array;
  /** bar index of the fit in use (−1 before the first) */
  fittedAt: number;
}

export interface Bar {
  high: number;
  low: number;
  close: number;
}

export class RegimeStream {
  /** the fitted model in use (canonical order), undefined before the first fit */
  model: GaussianHmm | undefined;
  private labels: RegimeLabel[] = [];
  private filter: HmmFilter | undefined;
  private readonly returns: Float64Array;
  private count = 0;
  private bar = -1;
  private previousClose = Number.NaN;
  private fittedAt = -1;
  private readonly rules: RuleRegimeStream;
  private readonly hysteresis: RegimeHysteresis;
  private readonly probabilities = new Float64Array(REGIME_LABELS.length);
  private readonly states: number;
  private readonly window: number;
  private readonly refitEvery: number;
  private readonly minReturns: number;

  constructor(private readonly options: RegimeStreamOptions = {}) {
    this.states = options.states ?? 3;
    this.window = options.window ?? 500;
    this.refitEvery = options.refitEvery ?? 50;
    this.minReturns = options.minReturns ?? Math.min(this.window, 200);
    for (const [field, value, min] of [
      ['window', this.window, 10 * this.states],
      ['refitEvery', this.refitEvery, 1],
      ['minReturns', this.minReturns, 10 * this.states],
    ] as const)
      if (!Number.isInteger(value) || value < min)
        throw new InvalidArgumentError(`${field} must be a whole number ≥ ${min}, not ${value}`);
    if (this.minReturns > this.window)
      throw new InvalidArgumentError(`minReturns (${this.minReturns}) must not exceed window (${this.window})`);
    this.returns = new Float64Array(this.window);
    this.rules = new RuleRegimeStream(options.rules);
    this.hysteresis = new RegimeHysteresis(options.hysteresis);
  }

  next({ high, low, close }: Bar): RegimeReading {
    for (const [field, value] of [
      ['high', high],
      ['low', low],
      ['close', close],
    ] as const)
      if (!(Number.isFinite(value) && value > 0))
        throw new InvalidArgumentError(`${field} must be a finite price > 0, not ${value}`);
    this.bar++;
    const ruleLabel = this.rules.next(high, low, close);
    if (Number.isFinite(this.previousClose)) {
      const r = Math.log(close / this.previousClose);
      this.returns[this.count % this.window] = r;
      this.count++;
      if (this.count >= this.minReturns && (this.fittedAt < 0 || this.bar - this.fittedAt >= this.refitEvery))
        this.refit();
      else this.filter?.next(r);
    }
    this.previousClose = close;

    let source: RegimeSource;
    if (this.filter) {
      labelProbabilities(this.filter.probabilities, this.labels, this.probabilities);
      source = 'hmm';
    } else {
      this.probabilities.fill(0);
      if (ruleLabel !== undefined) this.probabilities[labelIndex(ruleLabel)] = 1;
      source = 'rules';
    }
    let raw: RegimeLabel | undefined;
    let best = 0;
    for (let i = 0; i < REGIME_LABELS.length; i++)
      if (this.probabilities[i]! > best) {
        best = this.probabilities[i]!;
        raw = REGIME_LABELS[i];
      }
    const label = this.hysteresis.next(this.probabilities);
    return { label, raw, source, probabilities: Float64Array.from(this.probabilities), fittedAt: this.fittedAt };
  }

  /** The trailing returns, oldest first. */
  private trailing(): Float64Array {
    const n = Math.min(this.count, this.window);
    const out = new Float64Array(n);
    const start = this.count - n;
    for (let i = 0; i < n; i++) out[i] = this.returns[(start + i) % this.window]!;
    return out;
  }

  private refit(): void {
    const x = this.trailing();
    this.fittedAt = this.bar;
    try {
      const fit = fitHmm(x, {
        states: this.states,
        restarts: this.options.restarts ?? 2,
        maxIterations: this.options.maxIterations ?? 150,
        tolerance: 1e-8,
        // Each refit draws different restarts, from a seed fixed by the bar: reproducible.
        seed: (this.options.seed ?? 1) + this.bar,
        ...(this.model ? { warmStart: this.model } : {}),
      });
      this.model = fit.model;
      this.labels = labelStates(fit.model.variances);
      const filter = new HmmFilter(fit.model);
      for (const r of x) filter.next(r);
      this.filter = filter;
    } catch (error) {
      // A window the model cannot describe (every return equal): the rules answer until a refit works.
      if (!(error instanceof InvalidArgumentError)) throw error;
      this.model = undefined;
      this.filter = undefined;
    }
  }
}

/** The reading of every bar, each from that bar and earlier ones only. */
export function regimeSeries(
  candles: { high: ArrayLike<number>; low: ArrayLike<number>; close: ArrayLike<number> },
  options: RegimeStreamOptions = {},
): RegimeReading[] {
  const stream = new RegimeStream(options);
  const out: RegimeReading[] = [];
  for (let i = 0; i < candles.close.length; i++)
    out.push(stream.next({ high: candles.high[i]!, low: candles.low[i]!, close: candles.close[i]! }));
  return out;
}
