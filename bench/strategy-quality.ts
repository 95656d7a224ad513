// `node --import tsx bench/strategy-quality.ts`: what a quality report costs beside a compare, per
// strategy, over the console's bound (MAX_COMPARE_CANDLES candles, the warm-up included) on a
// random walk: the compare's one backtest against the quality's backtest plus its walk-forward (3
// windows, each in-sample choosing among the subscription's params and their neighbours). Both read
// the candles from memory (no exchange), no memo: the figures are CPU. Median of 5 runs each,
// alternated. Figures on stderr; the last stdout line is one JSON object.
import type { Candles } from '../shared/core/backtest/types';
import { DEFAULT_ACCOUNT_SETTINGS, DEFAULT_PAPER_SETTINGS, type Account } from '../shared/core/domain/account';
import { MAX_COMPARE_CANDLES } from '../shared/core/performance/console-reads';
import type { CandleSource } from '../shared/core/ports/candles';
import { backtestForCompare, type StrategyCompareInput } from '../shared/core/reporting/strategy-compare';
import { backtestForQuality, neighbourParamSets } from '../shared/core/reporting/strategy-quality';
import { STRATEGIES } from '../shared/core/strategies/registry';
import { candlesNeeded } from '../shared/core/strategies/run-strategies';
import { randomWalkMinutes } from './backtest-engine';
import { percentile, round } from './stats';

const MINUTE = 60_000;
const RUNS = 5;
const walk = randomWalkMinutes(20_000);
const end = walk.time[walk.time.length - 1]! + MINUTE;

const source: CandleSource = {
  spanMs: () => MINUTE,
  async closedCandles(_symbol, _timeframe, limit, now): Promise<Candles> {
    let last = walk.time.length;
    while (last > 0 && walk.time[last - 1]! + MINUTE > now) last--;
    const first = Math.max(0, last - limit);
    const cut = (column: Float64Array) => column.slice(first, last);
    return {
      time: cut(walk.time),
      open: cut(walk.open),
      high: cut(walk.high),
      low: cut(walk.low),
      close: cut(walk.close),
      volume: cut(walk.volume),
    };
  },
};

const account: Account = {
  accountId: 'acc-bench',
  name: 'bench',
  exchange: 'paper',
  testnet: false,
  status: 'active',
  webhookTokenHash: 'x'.repeat(64),
  settings: { ...DEFAULT_ACCOUNT_SETTINGS, paper: { ...DEFAULT_PAPER_SETTINGS, initialBalance: '10000' } },
  createdAt: 0,
  updatedAt: 0,
};

const median = (xs: number[]) => percentile(xs, 50);
const results: Record<string, { candles: number; paramSets: number; compareMs: number; qualityMs: number }> = {};
for (const definition of Object.values(STRATEGIES)) {
  const params = Object.fromEntries(definition.params.map((p) => [p.name, p.default]));
  // as many candles as the console's bound leaves after the warm-up
  const candles = MAX_COMPARE_CANDLES - candlesNeeded(definition.warmup(params));
  const input: StrategyCompareInput = {
    account,
    definition,
    params,
    symbol: 'BTC/USDT:USDT',
    timeframe: '1m',
    from: end - candles * MINUTE,
    to: end,
    cash: 10_000,
    maxCandles: MAX_COMPARE_CANDLES,
  };
  const compare: number[] = [];
  const quality: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    await backtestForCompare(source, input);
    compare.push(performance.now() - t);
    t = performance.now();
    await backtestForQuality(source, input);
    quality.push(performance.now() - t);
  }
  results[definition.id] = {
    candles,
    paramSets: neighbourParamSets(definition, params).length,
    compareMs: round(median(compare), 1),
    qualityMs: round(median(quality), 1),
  };
  const r = results[definition.id]!;
  process.stderr.write(
    `${definition.id.padEnd(14)} ${r.candles} candles, ${r.paramSets} param sets: compare ${r.compareMs} ms, quality ${r.qualityMs} ms\n`,
  );
}
console.log(JSON.stringify(results));
