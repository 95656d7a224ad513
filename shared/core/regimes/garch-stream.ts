// GARCH volatility as a series a strategy can read bar by bar ("garch_vol"): every `refitEvery`
// bars GARCH(1,1) is refitted on the trailing `window` of log returns; between refits the fitted
// recursion takes the new return only (O(1)). The value at bar t is the volatility forecast for the
// return of bar t + 1, from bars ≤ t.
import { InvalidArgumentError } from '../errors';
import { fitGarch, GarchFilter } from './garch';

export interface GarchVolOptions {
  /** trailing returns each fit sees (default 500) */
  window?: number;
  /** bars between refits (default 50) */
  refitEvery?: number;
  /** returns needed before the first fit (default min(window, 250)) */
  minReturns?: number;
  /** scale by √periodsPerYear (annualised); per bar when absent */
  periodsPerYear?: number;
}

export class GarchVolStream {
  /** the latest forecast, NaN before the first fit (or after a fit the window could not support) */
  value = Number.NaN;
  private filter: GarchFilter | undefined;
  private readonly returns: Float64Array;
  private count = 0;
  private bar = -1;
  private fittedAt = -1;
  private previousClose = Number.NaN;
  private readonly refitEvery: number;
  private readonly minReturns: number;
  private readonly scale: number;

  constructor(options: GarchVolOptions = {}) {
    const window = options.window ?? 500;
    this.refitEvery = options.refitEvery ?? 50;
    this.minReturns = options.minReturns ?? Math.min(window, 250);
    for (const [field, value, min] of [
      ['window', window, 50],
      ['refitEvery', this.refitEvery, 1],
      ['minReturns', this.minReturns, 50],
    ] as const)
      if (!Number.isInteger(value) || value < min)
        throw new InvalidArgumentError(`${field} must be a whole number ≥ ${min}, not ${value}`);
    if (this.minReturns > window)
      throw new InvalidArgumentError(`minReturns (${this.minReturns}) must not exceed window (${window})`);
    if (options.periodsPerYear !== undefined && !(options.periodsPerYear > 0))
      throw new InvalidArgumentError(`periodsPerYear must be > 0, not ${options.periodsPerYear}`);
    this.returns = new Float64Array(window);
    this.scale = Math.sqrt(options.periodsPerYear ?? 1);
  }

  /** Feeds a closed bar's close; returns the forecast volatility of the next bar's return. */
  next(close: number): number {
    if (!(Number.isFinite(close) && close > 0))
      throw new InvalidArgumentError(`close must be a finite price > 0, not ${close}`);
    this.bar++;
    const previous = this.previousClose;
    this.previousClose = close;
    if (!Number.isFinite(previous)) return this.value;
    const r = Math.log(close / previous);
    const window = this.returns.length;
    this.returns[this.count % window] = r;
    this.count++;
    if (this.count >= this.minReturns && (this.fittedAt < 0 || this.bar - this.fittedAt >= this.refitEvery)) {
      this.fittedAt = this.bar;
      const n = Math.min(this.count, window);
      const x = Float64Array.from({ length: n }, (_, i) => this.returns[(this.count - n + i) % window]!);
      try {
        const fit = fitGarch(x);
        this.filter = new GarchFilter(fit, fit.nextVariance);
      } catch (error) {
        if (!(error instanceof InvalidArgumentError)) throw error;
        this.filter = undefined; // a window without variation: no forecast until a refit has one
      }
    } else this.filter?.next(r);
    this.value = this.filter ? Math.sqrt(this.filter.variance) * this.scale : Number.NaN;
    return this.value;
  }
}
