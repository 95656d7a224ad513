// Indicator throughput on synthetic candles: candles per second for each batch kernel (median of
// several runs after a warm-up run), and for the streaming forms fed one bar at a time.
// Goal (issue "Indicators, strategies, backtesting…"): ≥ 25M candles/s per indicator in batch form.
// `benchIndicators` is called by `npm run bench:backtest`; run alone with
// `node --import tsx bench/indicators.ts [candles]`, it prints a table and, as its last stdout
// line, one JSON object { candles, batch, stream }.
import { pathToFileURL } from 'node:url';
import type { Candles } from '../shared/core/backtest/types';
import {
  AdxStream,
  AtrStream,
  BollingerStream,
  EmaStream,
  IchimokuStream,
  MacdStream,
  RsiStream,
  SmaStream,
  StochasticStream,
  SuperTrendStream,
  adx,
  atr,
  bollinger,
  ema,
  ichimoku,
  macd,
  rsi,
  sma,
  stochastic,
  supertrend,
} from '../shared/core/indicators/index';
import { syntheticCandles } from '../test/fixtures/synthetic-candles';
import { percentile, round } from './stats';

const RUNS = 7;

type Kernel = (c: Candles) => unknown;

const BATCH: Record<string, Kernel> = {
  sma: (c) => sma(c.close, 20),
  ema: (c) => ema(c.close, 20),
  rsi: (c) => rsi(c.close, 14),
  macd: (c) => macd(c.close, 12, 26, 9),
  bollinger: (c) => bollinger(c.close, 20, 2),
  stochastic: (c) => stochastic(c.high, c.low, c.close, 14, 3, 3),
  atr: (c) => atr(c.high, c.low, c.close, 14),
  supertrend: (c) => supertrend(c.high, c.low, c.close, 10, 3),
  ichimoku: (c) => ichimoku(c.high, c.low, c.close, 9, 26, 52),
  adx: (c) => adx(c.high, c.low, c.close, 14),
};

/** Each stream kernel feeds every bar and sums the outputs, so the work cannot be optimised away. */
const STREAM: Record<string, Kernel> = {
  sma: (c) => feedCloses(c, new SmaStream(20)),
  ema: (c) => feedCloses(c, new EmaStream(20)),
  rsi: (c) => feedCloses(c, new RsiStream(14)),
  macd: (c) => feedCloses(c, new MacdStream(12, 26, 9)),
  bollinger: (c) => feedCloses(c, new BollingerStream(20, 2)),
  stochastic: (c) => feedBars(c, new StochasticStream(14, 3, 3)),
  atr: (c) => feedBars(c, new AtrStream(14)),
  supertrend: (c) => feedBars(c, new SuperTrendStream(10, 3)),
  ichimoku: (c) => feedBars(c, new IchimokuStream(9, 26, 52)),
  adx: (c) => feedBars(c, new AdxStream(14)),
};

function feedCloses(c: Candles, stream: { next(x: number): number }): number {
  let acc = 0;
  for (let i = 0; i < c.close.length; i++) acc += stream.next(c.close[i]!) || 0;
  return acc;
}

function feedBars(c: Candles, stream: { next(high: number, low: number, close: number): number }): number {
  let acc = 0;
  for (let i = 0; i < c.close.length; i++) acc += stream.next(c.high[i]!, c.low[i]!, c.close[i]!) || 0;
  return acc;
}

function measure(kernels: Record<string, Kernel>, candles: Candles, runs: number): Record<string, number> {
  const n = candles.close.length;
  const figures: Record<string, number> = {};
  for (const [name, kernel] of Object.entries(kernels)) {
    kernel(candles); // warm-up: let the JIT compile the kernel before timing it
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) {
      const started = performance.now();
      kernel(candles);
      rates.push(n / ((performance.now() - started) / 1000));
    }
    figures[name] = Math.round(percentile(rates, 50));
  }
  return figures;
}

/** Batch throughput per indicator, candles/s (median of `runs` ≥ 5 runs). */
export function benchIndicators(candles: number, runs = RUNS): Record<string, number> {
  return measure(BATCH, syntheticCandles(candles), Math.max(5, runs));
}

/** Streaming throughput per indicator, candles/s (median of `runs` ≥ 5 runs). */
export function benchIndicatorStreams(candles: number, runs = RUNS): Record<string, number> {
  return measure(STREAM, syntheticCandles(candles), Math.max(5, runs));
}

async function main(): Promise<void> {
  const candles = Number(process.argv[2] ?? 1_000_000);
  const batch = benchIndicators(candles);
  const stream = benchIndicatorStreams(candles);
  console.log(
    `indicators over ${candles.toLocaleString('en-US')} synthetic candles, median of ${RUNS} runs (M candles/s)`,
  );
  console.log(`${'indicator'.padEnd(12)} ${'batch'.padStart(8)} ${'stream'.padStart(8)}`);
  for (const name of Object.keys(batch)) {
    console.log(
      `${name.padEnd(12)} ${String(round((batch[name] ?? 0) / 1e6, 1)).padStart(8)} ${String(round((stream[name] ?? 0) / 1e6, 1)).padStart(8)}`,
    );
  }
  console.log(JSON.stringify({ candles, batch, stream }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
