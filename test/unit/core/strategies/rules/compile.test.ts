// compileRules: the runner of a rule file follows the documented semantics of each primitive
// (checked against signals written independently of the compiler), reads a higher timeframe only
// from its closed bars, and refuses parameter sets that break the file's constraints.
import type { Candles } from '../../../../../shared/core/backtest/types';
import { sma } from '../../../../../shared/core/indicators/sma';
import { compileRules, type RuleFile } from '../../../../../shared/core/strategies/rules';
import type { StrategyDefinition, StrategyParams } from '../../../../../shared/core/strategies/types';
import { actions, candlesFromCloses, crossUp, defaultsOf, expectedSignals, runStrategy } from '../harness';

const HOUR = 3_600_000;

function rules(entryLong: RuleFile['rules']['entry']['long'], extra: Partial<RuleFile> = {}): StrategyDefinition {
  return compileRules({
    format: 'strategy-rules/1',
    id: 'test-rules',
    rules: { entry: { long: entryLong }, exit: { long: [{ series: 'close', below: 97 }] } },
    ...extra,
  });
}

const run = (def: StrategyDefinition, candles: Candles, params: StrategyParams = defaultsOf(def)) =>
  actions(runStrategy(def, params, candles));

/** A deterministic zig-zag of closes around 100, so every kind of cross happens. */
const closes = Array.from({ length: 240 }, (_, i) => 100 + 10 * Math.sin(i / 5) + 3 * Math.sin(i * 1.7));
const candles = candlesFromCloses(closes);

describe('compileRules: primitives', () => {
  it('"for" N bars: the condition held on this bar and the N - 1 before it', () => {
    const def = rules([{ series: 'close', above: 105, for: 3 }]);
    const above = (i: number) => closes[i]! > 105;
    expect(run(def, candles)).toEqual(
      expectedSignals(closes.length, {
        enterLong: (i) => i >= 2 && above(i) && above(i - 1) && above(i - 2),
        enterShort: () => false,
        exitLong: (i) => closes[i]! < 97,
        exitShort: () => false,
      }),
    );
    expect(run(def, candles).length).toBeGreaterThan(1);
  });

  it('risesTo: below on the previous bar, at or above now (rsi-ema’s "leaves oversold")', () => {
    const def = rules([{ series: 'close', risesTo: 100 }]);
    expect(run(def, candles)).toEqual(
      expectedSignals(closes.length, {
        enterLong: (i) => i > 0 && closes[i - 1]! < 100 && closes[i]! >= 100,
        enterShort: () => false,
        exitLong: (i) => closes[i]! < 97,
        exitShort: () => false,
      }),
    );
  });

  it('"not" holds only once what it reads is defined (a NaN comparison is false, its negation is not true)', () => {
    const def = rules([{ not: { series: 'close', below: 'sma(close,20)' } }]);
    const signals = run(def, candles);
    expect(signals[0]![0]).toBeGreaterThanOrEqual(19);
    expect(def.warmup(defaultsOf(def))).toBe(19);
  });

  it('any / all combine, and a series of a series feeds the outer indicator once the inner is defined', () => {
    const def = rules([
      {
        any: [
          { series: 'close', crossesAbove: 'sma(close,10)' },
          { series: 'close', above: 109 },
        ],
      },
      { series: 'sma(sma(close,3),4)', above: 90 },
    ]);
    const s10 = sma(Float64Array.from(closes), 10);
    const s3 = sma(Float64Array.from(closes), 3);
    const s3x4 = Float64Array.from(closes, (_, i) =>
      i >= 5 ? (s3[i]! + s3[i - 1]! + s3[i - 2]! + s3[i - 3]!) / 4 : NaN,
    );
    const c = Float64Array.from(closes);
    expect(run(def, candles)).toEqual(
      expectedSignals(closes.length, {
        enterLong: (i) => (crossUp(c, s10, i) || c[i]! > 109) && s3x4[i]! > 90,
        enterShort: () => false,
        exitLong: (i) => closes[i]! < 97,
        exitShort: () => false,
      }),
    );
    expect(def.warmup(defaultsOf(def))).toBe(5);
  });

  it('carries the protection of the file on its entries, parameters resolved', () => {
    const def = rules([{ series: 'close', above: 105 }], {
      params: { trail: { type: 'float', default: 1.5, min: 0.5, max: 5, step: 0.5 } },
      protection: {
        sl: 2,
        ladder: [
          { tp: 2, share: 50 },
          { tp: 5, share: 50 },
        ],
        breakEven: true,
        trail: '$trail',
      },
      sizing: { percent: 5 },
    });
    const [first] = runStrategy(def, defaultsOf(def), candles);
    expect(first!.signal).toEqual({
      action: 'long',
      sl: { kind: 'percent', value: 2 },
      tpLevels: [
        { level: { kind: 'percent', value: 2 }, sharePct: 50 },
        { level: { kind: 'percent', value: 5 }, sharePct: 50 },
      ],
      breakEven: true,
      trailPct: 1.5,
      size: { kind: 'percent', value: 5 },
    });
  });

  it('refuses a parameter set that breaks a constraint, naming both, and an invalid file', () => {
    const def = rules([{ series: 'sma(close,$fast)', crossesAbove: 'sma(close,$slow)' }], {
      params: { fast: { type: 'int', default: 10 }, slow: { type: 'int', default: 30 } },
      constraints: [{ series: '$fast', below: '$slow' }],
    });
    expect(() => def.create({ fast: 30, slow: 20, longOnly: false })).toThrow('fast (30) must be below slow (20)');
    expect(() => rules([{ series: 'close', above: 'rsi(0)' }])).toThrow(
      /rules\.entry\.long\[0\]\.above: unknown series "rsi\(0\)"/,
    );
  });
});

describe('compileRules: a higher timeframe of the same symbol', () => {
  // 1h bars from 2024-01-01 00:00 UTC: four make one 4h bar (UTC-aligned).
  const htf = (extra: Partial<RuleFile>) =>
    rules([{ series: 'close', crossesAbove: 'sma(close,3)@4h' }], { timeframe: '1h', ...extra });

  /** The 4h closes, and per 1h bar the SMA(3) of the 4h bars closed by then (computed here, not by the compiler). */
  function expectedHigher(c: readonly number[]): Float64Array {
    const fourHourCloses: number[] = [];
    const out = new Float64Array(c.length).fill(NaN);
    for (let i = 0; i < c.length; i++) {
      if (i % 4 === 3) fourHourCloses.push(c[i]!);
      const n = fourHourCloses.length;
      if (n >= 3) out[i] = (fourHourCloses[n - 1]! + fourHourCloses[n - 2]! + fourHourCloses[n - 3]!) / 3;
    }
    return out;
  }

  it('reads a 4h SMA of the closed 4h bars only, on the 1h bar that closes each', () => {
    const def = htf({});
    const c = Float64Array.from(closes);
    const higher = expectedHigher(closes);
    const expected = expectedSignals(closes.length, {
      enterLong: (i) => crossUp(c, higher, i),
      enterShort: () => false,
      exitLong: (i) => closes[i]! < 97,
      exitShort: () => false,
    });
    expect(expected.length).toBeGreaterThan(3);
    expect(run(def, candles)).toEqual(expected);
  });

  it('never looks ahead: changing the bars after i never changes a signal at or before i', () => {
    const def = htf({});
    const base = run(def, candles);
    for (const cut of [37, 38, 39, 40, 41, 101, 150]) {
      const changed = closes.map((x, i) => (i > cut ? 200 - x * 1.5 : x));
      const after = run(def, candlesFromCloses(changed));
      expect(after.filter(([i]) => i <= cut)).toEqual(base.filter(([i]) => i <= cut));
    }
  });

  it('closes a 4h bar whose last 1h bar is missing on the next bar that exists, before adding it', () => {
    const def = compileRules({
      format: 'strategy-rules/1',
      id: 'gap',
      timeframe: '1h',
      rules: { entry: { long: [{ series: 'close@4h', crossesAbove: 150 }] } },
    });
    // 1h bars 0..11: the first 4h bar closes at 100, the second at 200 on its third bar (hour 6);
    // its last bar (hour 7) is missing.
    const full = candlesFromCloses([100, 100, 100, 100, 100, 100, 200, 100, 100, 100, 100, 100]);
    const keep = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11];
    const pick = (series: Float64Array) => Float64Array.from(keep, (i) => series[i]!);
    const gapped: Candles = {
      time: pick(full.time),
      open: pick(full.open),
      high: pick(full.high),
      low: pick(full.low),
      close: pick(full.close),
      volume: pick(full.volume),
    };
    const hourOf = (c: Candles, signals: ReturnType<typeof run>) =>
      signals.map(([i, a]) => [(c.time[i]! - c.time[0]!) / HOUR, a]);
    // Complete: the second 4h bar closes with its 1h bar of hour 7 (at 100: no cross).
    expect(hourOf(full, run(def, full))).toEqual([]);
    // Gapped: it closes at 200 when the next bar (hour 8) arrives, before hour 8 is added to anything.
    expect(hourOf(gapped, run(def, gapped))).toEqual([[8, 'long']]);
  });

  it('refuses bars closer together than the file’s timeframe, instead of aggregating wrongly', () => {
    const def = htf({});
    const fast = candlesFromCloses(closes.slice(0, 20));
    fast.time = Float64Array.from(fast.time, (_, i) => Date.UTC(2024, 0, 1) + i * 15 * 60_000);
    expect(() => run(def, fast)).toThrow(/written for 1h bars, but two bars open 900000 ms apart/);
  });
});
