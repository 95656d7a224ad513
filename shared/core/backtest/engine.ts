// runBacktest: feeds closed candles one at a time to a strategy (it can never see a later one) and
// lets the Simulation fill its signals; returns the trades, the equity curve and the metrics.
import type { Bar, StrategyDefinition, StrategyParams } from '../strategies/types';
import { computeMetrics } from './metrics';
import { Simulation } from './simulation';
import { assertAlgoSpec, summariseSlicing } from './slicing';
import type { BacktestConfig, BacktestResult, Candles } from './types';
import { InvalidArgumentError } from '../errors';

export type ProgressListener = (done: number, total: number) => void;

export function runBacktest(
  candles: Candles,
  strategy: StrategyDefinition,
  params: StrategyParams,
  config: BacktestConfig,
  onProgress?: ProgressListener,
): BacktestResult {
  assertConfig(config);
  assertCandles(candles);
  const n = candles.time.length;
  const { time, open, high, low, close, volume } = candles;
  const runner = strategy.create(params);
  const sim = new Simulation(candles, config);
  const equity = new Float64Array(n);
  // One Bar for the whole run: the hold path allocates nothing (the contract says: copy what you keep).
  const bar: Bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const progressStep = Math.max(1, Math.ceil(n / 100));
  let nextProgress = progressStep;

  for (let i = 0; i < n; i++) {
    sim.beginCandle(i);
    bar.time = time[i]!;
    bar.open = open[i]!;
    bar.high = high[i]!;
    bar.low = low[i]!;
    bar.close = close[i]!;
    bar.volume = volume[i]!;
    const signal = runner.next(bar, sim.held());
    if (signal !== undefined) sim.onSignal(signal, i);
    equity[i] = sim.equityAt(bar.close);
    if (i + 1 === nextProgress) {
      nextProgress += progressStep;
      if (onProgress !== undefined && i + 1 < n) onProgress(i + 1, n);
    }
  }
  sim.finish();
  if (n > 0) equity[n - 1] = sim.cash;
  onProgress?.(n, n);

  const metrics = computeMetrics(candles, equity, sim.trades, config, sim.exposureBars);
  const slicing = summariseSlicing(sim.trades);
  return {
    strategy: strategy.id,
    params,
    config,
    trades: sim.trades,
    equity,
    metrics,
    skipped: sim.skipped,
    exposureBars: sim.exposureBars,
    ...(slicing !== undefined ? { slicing } : {}),
  };
}

function assertConfig(c: BacktestConfig): void {
  const bad = (field: string, why: string): never => {
    throw new InvalidArgumentError(`backtest config: ${field} ${why}`);
  };
  if (!(c.cash > 0)) bad('cash', `must be > 0 (got ${c.cash})`);
  if (!(c.leverage > 0)) bad('leverage', `must be > 0 (got ${c.leverage})`);
  if (!(c.lotStep > 0)) bad('lotStep', `must be > 0 (got ${c.lotStep})`);
  if (!(c.takerFee >= 0 && c.takerFee < 1)) bad('takerFee', `must be a fraction in [0, 1) (got ${c.takerFee})`);
  // A negative maker fee is a rebate, which some exchanges pay.
  if (!(c.makerFee > -1 && c.makerFee < 1)) bad('makerFee', `must be a fraction in (−1, 1) (got ${c.makerFee})`);
  if (!(c.slippageBps >= 0)) bad('slippageBps', `must be ≥ 0 (got ${c.slippageBps})`);
  if (!(c.maintenanceMarginRate >= 0)) bad('maintenanceMarginRate', `must be ≥ 0 (got ${c.maintenanceMarginRate})`);
  if (!(c.size.value > 0)) bad('size', `must be > 0 (got ${c.size.value})`);
  if (c.trailingPct !== undefined && !(c.trailingPct > 0 && c.trailingPct < 100))
    bad('trailingPct', `must be in (0, 100) (got ${c.trailingPct})`);
  if (c.volumeSlippageBpsPerPct !== undefined && !(c.volumeSlippageBpsPerPct >= 0))
    bad('volumeSlippageBpsPerPct', 'must be ≥ 0');
  if (c.algo !== undefined) assertAlgoSpec(c.algo, 'backtest config: algo');
  if (c.sliceAboveQuote !== undefined) {
    if (c.algo === undefined) bad('sliceAboveQuote', 'applies with algo only');
    if (!(c.sliceAboveQuote > 0)) bad('sliceAboveQuote', `must be > 0 (got ${c.sliceAboveQuote})`);
  }
  if (c.participationPct !== undefined && !(c.participationPct > 0 && c.participationPct <= 100))
    bad('participationPct', `must be in (0, 100] (got ${c.participationPct})`);
  if (c.funding !== undefined) {
    const { time, rate } = c.funding;
    if (time.length !== rate.length) bad('funding', 'time and rate differ in length');
    // The engine walks the funding times with one pointer: they must be in order.
    for (let k = 1; k < time.length; k++)
      if (!(time[k]! >= time[k - 1]!)) bad('funding', `times are not sorted at index ${k}`);
  }
}

function assertCandles(c: Candles): void {
  const n = c.time.length;
  for (const column of ['open', 'high', 'low', 'close', 'volume'] as const) {
    if (c[column].length !== n)
      throw new InvalidArgumentError(`candles: column ${column} has ${c[column].length} values, time has ${n}`);
  }
}
