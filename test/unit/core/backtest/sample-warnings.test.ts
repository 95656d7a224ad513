// Backtests and Monte Carlo runs on too few trades carry a warning (human output, --json
// `warnings`, the HTML report); from FEW_TRADES trades on they carry none.
import { metricsLines, monteCarloLines } from '../../../../bin/backtest/human-output';
import type { MonteCarloReport } from '../../../../shared/core/backtest/monte-carlo';
import { backtestWarnings, FEW_TRADES, monteCarloWarnings } from '../../../../shared/core/backtest/sample-warnings';
import type { Metrics } from '../../../../shared/core/backtest/types';

describe('backtestWarnings', () => {
  it('names the count and the threshold below 30 trades, and is silent from 30 on', () => {
    expect(FEW_TRADES).toBe(30);
    expect(backtestWarnings(29)).toEqual([expect.stringMatching(/^only 29 trades \(fewer than 30\): win rate/)]);
    expect(backtestWarnings(1)[0]).toMatch(/^only 1 trade \(/);
    expect(backtestWarnings(0)).toEqual(['no trades: every metric describes an account that never traded']);
    expect(backtestWarnings(30)).toEqual([]);
  });
});

describe('monteCarloWarnings', () => {
  it('says what resampling few trades can and cannot show, per mode', () => {
    expect(monteCarloWarnings(12, 'bootstrap')[0]).toMatch(/only 12 trades .* redraw these few/);
    expect(monteCarloWarnings(12, 'shuffle')[0]).toMatch(/reorder these few/);
    expect(monteCarloWarnings(1, 'shuffle')).toEqual(['one trade: every run repeats it, so the spread says nothing']);
    expect(monteCarloWarnings(0, 'bootstrap')[0]).toMatch(/^no trades to resample/);
    expect(monteCarloWarnings(30, 'bootstrap')).toEqual([]);
  });
});

describe('the human output', () => {
  const zero = (keys: string): Record<string, number> => Object.fromEntries(keys.split(' ').map((k) => [k, 0]));
  const metrics = {
    ...zero(
      'finalEquity returnPct cagrPct annualReturnPct annualVolatilityPct sharpe sortino calmar maxDrawdownPct ' +
        'maxDrawdownDurationMs avgDrawdownPct winRatePct profitFactor expectancy avgWin avgLoss bestTradePct ' +
        'worstTradePct exposurePct sqn kelly buyHoldReturnPct totalFees totalFunding',
    ),
    trades: 7,
  } as unknown as Metrics;
  it('prints the warning right under the metrics', () => {
    const lines = metricsLines(metrics, 'USDT');
    expect(lines.at(-1)).toMatch(/^warning: only 7 trades \(fewer than 30\)/);
    expect(metricsLines({ ...metrics, trades: 40 }, 'USDT').some((l) => l.startsWith('warning:'))).toBe(false);
  });

  it('prints the Monte Carlo warning under its percentiles', () => {
    const p = { p5: 0, p25: 0, p50: 0, p75: 0, p95: 0 };
    const report: MonteCarloReport = {
      mode: 'bootstrap',
      runs: 100,
      seed: 1,
      trades: 5,
      compound: false,
      returnPct: p,
      maxDrawdownPct: p,
      probabilityOfLossPct: 0,
      original: { returnPct: 0, maxDrawdownPct: 0 },
    };
    expect(monteCarloLines(report).at(-1)).toMatch(/^warning: only 5 trades .* redraw these few/);
  });
});
