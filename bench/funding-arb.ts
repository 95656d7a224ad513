// Cost of the funding-arbitrage backtest (exact Big money on every settlement and fill) on seeded
// synthetic series: four years of 1 h candles with 8 h funding, always-in and decision-driven; then
// the two-perpetual variant against a second seeded 4 h funding series (the hedge priced on the same
// candles).
// CPU time on this machine; figures, not assertions.
// Run: node --import tsx bench/funding-arb.ts
import { mulberry32 } from '../shared/core/backtest/prng';
import type { Candles, FundingSeries } from '../shared/core/backtest/types';
import { FUNDING_ARB_DEFAULTS, runFundingArbBacktest } from '../shared/core/funding/funding-arb-backtest';
import { runTwoPerpBacktest } from '../shared/core/funding/two-perp-backtest';

const HOUR = 3_600_000;

function series(hours: number, seed: number): { candles: Candles; funding: FundingSeries } {
  const random = mulberry32(seed);
  const time = new Float64Array(hours);
  const open = new Float64Array(hours);
  let price = 1;
  for (let i = 0; i < hours; i++) {
    time[i] = 1_600_000_000_000 + i * HOUR;
    open[i] = price;
    price *= 1 + (random() - 0.5) * 0.01;
  }
  const close = Float64Array.from(open, (_v, i) => (i + 1 < hours ? open[i + 1]! : price));
  const settlements = Math.floor(hours / 8);
  // Mostly the 0.01 % floor with bursts up to 0.1 %, the shape of the shipped XRP series.
  const rate = Float64Array.from({ length: settlements }, () => (random() < 0.8 ? 0.0001 : random() * 0.001));
  return {
    candles: { time, open, high: close, low: close, close, volume: new Float64Array(hours) },
    funding: { time: Float64Array.from({ length: settlements }, (_v, k) => time[0]! + k * 8 * HOUR), rate },
  };
}

const hours = 4 * 365 * 24;
const { candles, funding } = series(hours, 7);
for (const mode of ['always-in', 'decision'] as const) {
  const runs = 5;
  const started = process.hrtime.bigint();
  let report = runFundingArbBacktest(candles, funding, {
    ...FUNDING_ARB_DEFAULTS,
    mode,
    perpFeeBps: '2',
    spotFeeBps: '2',
    slippageBps: '1',
  });
  for (let r = 1; r < runs; r++)
    report = runFundingArbBacktest(candles, funding, {
      ...FUNDING_ARB_DEFAULTS,
      mode,
      perpFeeBps: '2',
      spotFeeBps: '2',
      slippageBps: '1',
    });
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  console.log(
    `${mode.padEnd(9)} ${hours} candles, ${funding.time.length} settlements: ${ms.toFixed(1)} ms per run ` +
      `(${((ms * 1000) / hours).toFixed(2)} µs per candle); ${report.roundTrips} round trips, net ${Number(report.netPnl).toFixed(2)}`,
  );
}

// The hedge: a second venue settling every 4 h, its rate around half the first's with negative spells.
const hedgeRandom = mulberry32(11);
const hedgeCount = Math.floor(hours / 4);
const hedgeFunding: FundingSeries = {
  time: Float64Array.from({ length: hedgeCount }, (_v, k) => candles.time[0]! + k * 4 * HOUR),
  rate: Float64Array.from({ length: hedgeCount }, () => (hedgeRandom() < 0.85 ? 0.00005 : -hedgeRandom() * 0.0005)),
};
for (const mode of ['always-in', 'decision'] as const) {
  const runs = 5;
  const config = {
    ...FUNDING_ARB_DEFAULTS,
    mode,
    perpFeeBps: '2',
    hedgeFeeBps: '2',
    slippageBps: '1',
    hedgeFundingIntervalMs: 4 * HOUR,
  };
  const started = process.hrtime.bigint();
  let report = runTwoPerpBacktest(candles, funding, hedgeFunding, config);
  for (let r = 1; r < runs; r++) report = runTwoPerpBacktest(candles, funding, hedgeFunding, config);
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  console.log(
    `two-perp ${mode.padEnd(9)} ${hours} candles, ${funding.time.length}+${hedgeCount} settlements: ${ms.toFixed(1)} ms per run ` +
      `(${((ms * 1000) / hours).toFixed(2)} µs per candle); ${report.roundTrips} round trips, net ${Number(report.netPnl).toFixed(2)}`,
  );
}
