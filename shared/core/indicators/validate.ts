import { InvalidArgumentError } from '../errors';
// Argument checks shared by the indicators: a bad period or multiplier is a programming error,
// so it fails at construction with the parameter's name rather than producing NaN later.

export function assertPeriod(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError(`${name} must be an integer >= 1, got ${value}`);
}

export function assertPositive(value: number, name: string): void {
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(`${name} must be a finite number > 0, got ${value}`);
}

export function assertSameLength(...series: readonly Float64Array[]): void {
  const first = series[0];
  if (first === undefined) return;
  for (const s of series) {
    if (s.length !== first.length)
      throw new InvalidArgumentError(`input series differ in length (${first.length} vs ${s.length})`);
  }
}

/** A new series of `length` values, all NaN (undefined until written). */
export function nanSeries(length: number): Float64Array {
  return new Float64Array(length).fill(Number.NaN);
}
