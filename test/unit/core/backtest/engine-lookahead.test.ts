// runBacktest cannot look ahead: rewriting every candle after i (a crash, other volumes) changes
// nothing that was decided by candle i — the bars the strategy saw, the trades closed by then and
// the equity curve up to i.
import { runBacktest } from '../../../../shared/core/backtest/engine';
import type { BacktestConfig, BacktestResult, Candles, FundingSeries } from '../../../../shared/core/backtest/types';
import type { StrategyDefinition } from '../../../../shared/core/strategies/types';
import { HOUR, T0, config, momentum, randomWalk, type Seen } from './helpers';

const N = 400;

function crashAfter(c: Candles, i: number): Candles {
  const scale = (a: Float64Array, f: number) => a.map((v, k) => (k > i ? v * f : v));
  return {
    time: c.time,
    open: scale(c.open, 0.5),
    high: scale(c.high, 0.55),
    low: scale(c.low, 0.4),
    close: scale(c.close, 0.45),
    volume: scale(c.volume, 3),
  };
}

/** Funding every 8 hours over the run, alternating sign. */
const funding: FundingSeries = {
  time: Float64Array.from({ length: N / 8 }, (_, k) => T0 + k * 8 * HOUR),
  rate: Float64Array.from({ length: N / 8 }, (_, k) => (k % 2 === 0 ? 0.0001 : -0.00005)),
};

const settings: [string, BacktestConfig][] = [
  [
    'next-open fills, fees, slippage, trailing stop',
    config({
      cash: 10_000,
      takerFee: 0.0005,
      makerFee: 0.0002,
      slippageBps: 3,
      lotStep: 0.01,
      trailingPct: 4,
      size: { kind: 'percent', value: 50 },
    }),
  ],
  [
    'close fills, 5× leverage with liquidation, volume slippage, funding',
    config({
      cash: 10_000,
      takerFee: 0.0005,
      makerFee: 0.0002,
      slippageBps: 3,
      lotStep: 0.01,
      fillOn: 'close',
      leverage: 5,
      maintenanceMarginRate: 0.01,
      volumeSlippageBpsPerPct: 1,
      funding,
    }),
  ],
];

function decidedBy(result: BacktestResult, candles: Candles, i: number) {
  return {
    trades: result.trades.filter((t) => t.exitTime <= candles.time[i]!),
    equity: Array.from(result.equity.subarray(0, i + 1)),
  };
}

/** The momentum test strategy, recording copies of the bars and positions it is shown. */
function recording(seen: Seen): StrategyDefinition {
  const def = momentum(5);
  return {
    ...def,
    create: (params) => {
      const inner = def.create(params);
      return {
        next(bar, position) {
          seen.bars.push({ ...bar });
          seen.positions.push(position);
          return inner.next(bar, position);
        },
      };
    },
  };
}

describe.each(settings)('no look-ahead (%s)', (_name, cfg) => {
  const original = randomWalk(N, 11);
  const seenOriginal: Seen = { bars: [], positions: [] };
  const base = runBacktest(original, recording(seenOriginal), {}, cfg);

  it('the reference run trades, so the comparison means something', () => {
    expect(base.trades.length).toBeGreaterThan(10);
  });

  // 96 and 200 hold a funding time (every 8th candle), so funding's price is covered too
  it.each([50, 96, 137, 200, 250, 398])(
    'candles after %i changed: trades closed and equity up to it are identical',
    (i) => {
      const changed = crashAfter(original, i);
      const seen: Seen = { bars: [], positions: [] };

      const rerun = runBacktest(changed, recording(seen), {}, cfg);

      expect(decidedBy(rerun, changed, i)).toEqual(decidedBy(base, original, i));
      expect(seen.bars.slice(0, i + 1)).toEqual(seenOriginal.bars.slice(0, i + 1));
      expect(seen.positions.slice(0, i + 1)).toEqual(seenOriginal.positions.slice(0, i + 1));
      // and the change after i does show: the test would catch an engine that ignored the data
      expect(Array.from(rerun.equity)).not.toEqual(Array.from(base.equity));
    },
  );
});
