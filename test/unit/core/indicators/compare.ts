// Series comparison for the indicator tests: "equal to 1e-9 relative" on every index both series
// define, and the same indices defined. Values far smaller than the series' typical magnitude
// (an oscillator at 0, a MACD crossing zero) are compared against that magnitude × 1e-6 instead of
// themselves, since a relative error of a value at 0 means nothing.

// Bound once: global lookups are slow inside jest's vm sandbox, and these run per value.
const { abs, max } = Math;
const isNaNNumber = Number.isNaN;
const TINY = Number.MIN_VALUE;

export interface SeriesDiff {
  /** indices where exactly one of the two series is NaN */
  definedMismatches: number[];
  definedCount: number;
  maxRelativeError: number;
  worstIndex: number;
}

function typicalMagnitude(series: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (const v of series) {
    if (!isNaNNumber(v)) {
      sum += abs(v);
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}

export function diffSeries(actual: Float64Array, expected: Float64Array): SeriesDiff {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  const floor = typicalMagnitude(expected) * 1e-6;
  const diff: SeriesDiff = { definedMismatches: [], definedCount: 0, maxRelativeError: 0, worstIndex: -1 };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (isNaNNumber(a) !== isNaNNumber(e)) {
      diff.definedMismatches.push(i);
      continue;
    }
    if (isNaNNumber(e)) continue;
    diff.definedCount++;
    const error = abs(a - e) / max(abs(a), abs(e), floor, TINY);
    if (error > diff.maxRelativeError) {
      diff.maxRelativeError = error;
      diff.worstIndex = i;
    }
  }
  return diff;
}

/** Asserts the two series define the same indices and agree to `tolerance` relative there. */
export function expectSameSeries(actual: Float64Array, expected: Float64Array, tolerance = 1e-9): SeriesDiff {
  const diff = diffSeries(actual, expected);
  expect(diff.definedMismatches).toEqual([]);
  expect(diff.definedCount).toBeGreaterThan(0);
  expect(diff.maxRelativeError).toBeLessThanOrEqual(tolerance);
  return diff;
}

/** Index of the first defined value, -1 when none. */
export const firstDefined = (series: Float64Array): number => series.findIndex((v) => !isNaNNumber(v));
