// Our batch indicators against @ixjb94/indicators (a dev dependency of this bench only), in the
// same process on the same synthetic candles: ours/theirs time per indicator (below 1 = ours is
// faster), each the median of RUNS timed samples taken alternately (ours, theirs, ours, …, so the
// machine's load falls on both alike) after warm-ups. Theirs is its IndicatorsSync class (the
// async class runs the same code inside promises, slower) given whichever input it runs faster
// on here: the Float64Arrays ours get, or plain number[] copies made before timing.
// Two sizes: the bench's million candles, and 10,000 (in cache: a strategy's own batch), where
// each sample repeats the call to cover a million candles too.
// Run alone: `node --import tsx bench/indicators-vs-ixjb94.ts` prints a table and one JSON line.
import { IndicatorsSync } from '@ixjb94/indicators';
import { pathToFileURL } from 'node:url';
import { adx, atr, bollinger, ema, macd, rsi, sma, stochastic } from '../shared/core/indicators/index';
import type { Candles } from '../shared/core/backtest/types';
import { syntheticCandles } from '../test/fixtures/synthetic-candles';
import { percentile, round } from './stats';

const RUNS = 9;
const WARM_UPS = 3;

interface Inputs {
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
}

type Theirs = (t: IndicatorsSync, c: Inputs) => unknown;

const their = new IndicatorsSync();
// Their signatures say number[]; they only index and read length, which a Float64Array has.
const arr = (x: ArrayLike<number>): number[] => x as number[];

/** The same indicator and parameters on both sides. */
const PAIRS: Record<string, { ours: (c: Candles) => unknown; theirs: Theirs }> = {
  sma: { ours: (c) => sma(c.close, 20), theirs: (t, c) => t.sma(arr(c.close), 20) },
  ema: { ours: (c) => ema(c.close, 20), theirs: (t, c) => t.ema(arr(c.close), 20) },
  rsi: { ours: (c) => rsi(c.close, 14), theirs: (t, c) => t.rsi(arr(c.close), 14) },
  macd: { ours: (c) => macd(c.close, 12, 26, 9), theirs: (t, c) => t.macd(arr(c.close), 12, 26, 9) },
  bollinger: { ours: (c) => bollinger(c.close, 20, 2), theirs: (t, c) => t.bbands(arr(c.close), 20, 2) },
  stochastic: {
    ours: (c) => stochastic(c.high, c.low, c.close, 14, 3, 3),
    theirs: (t, c) => t.stoch(arr(c.high), arr(c.low), arr(c.close), 14, 3, 3),
  },
  atr: {
    ours: (c) => atr(c.high, c.low, c.close, 14),
    theirs: (t, c) => t.atr(arr(c.high), arr(c.low), arr(c.close), 14),
  },
  // Theirs (Tulip's) takes no close and returns the ADX line only; ours also gives +DI and −DI.
  adx: { ours: (c) => adx(c.high, c.low, c.close, 14), theirs: (t, c) => t.adx(arr(c.high), arr(c.low), 14) },
};

export interface Ratio {
  /** median ms of ours per million candles */
  oursMs: number;
  /** median ms of theirs per million candles */
  theirsMs: number;
  /** ours / theirs: below 1, ours is faster */
  ratio: number;
}

function sample(run: () => unknown, reps: number): number {
  const started = performance.now();
  for (let r = 0; r < reps; r++) run();
  return performance.now() - started;
}

/** ours/theirs for every pair over `candles` candles (each sample covers ≥ 1M candles). */
export function benchRatios(candles: number, runs = RUNS): Record<string, Ratio> {
  const c = syntheticCandles(candles, { seed: 5 });
  const plain: Inputs = { high: Array.from(c.high), low: Array.from(c.low), close: Array.from(c.close) };
  const reps = Math.max(1, Math.round(1_000_000 / candles));
  const perMillion = (ms: number) => (ms / (reps * candles)) * 1e6;
  const figures: Record<string, Ratio> = {};
  for (const [name, { ours, theirs }] of Object.entries(PAIRS)) {
    // Their faster input on this machine, chosen after warming both up.
    const onTyped = () => theirs(their, c);
    const onPlain = () => theirs(their, plain);
    for (let w = 0; w < WARM_UPS; w++) [ours, onTyped, onPlain].forEach((f) => sample(() => f(c), reps));
    const theirsRun = sample(onTyped, reps) <= sample(onPlain, reps) ? onTyped : onPlain;
    const oursTimes: number[] = [];
    const theirsTimes: number[] = [];
    for (let r = 0; r < runs; r++) {
      oursTimes.push(sample(() => ours(c), reps));
      theirsTimes.push(sample(theirsRun, reps));
    }
    const oursMs = perMillion(percentile(oursTimes, 50));
    const theirsMs = perMillion(percentile(theirsTimes, 50));
    figures[name] = { oursMs: round(oursMs, 1), theirsMs: round(theirsMs, 1), ratio: round(oursMs / theirsMs, 2) };
  }
  return figures;
}

export function ratioLines(label: string, figures: Record<string, Ratio>): string[] {
  return [
    `${label}: ours/theirs time (< 1: ours faster), ms per 1M candles`,
    ...Object.entries(figures).map(
      ([name, f]) =>
        `  ${name.padEnd(12)} ${f.ratio.toFixed(2).padStart(5)}×  (ours ${f.oursMs} ms, theirs ${f.theirsMs} ms)`,
    ),
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const large = benchRatios(1_000_000);
  const cached = benchRatios(10_000);
  for (const line of [...ratioLines('1,000,000 candles', large), ...ratioLines('10,000 candles', cached)])
    console.log(line);
  console.log(JSON.stringify({ vsIxjb94: { candles1M: large, candles10k: cached } }));
}
