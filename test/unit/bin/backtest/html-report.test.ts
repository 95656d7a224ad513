// The HTML report: self-contained (no external URL, no script), the three charts and the metrics
// with units present, trade markers per exit kind, and a small file for a year of minute candles.
import { renderHtmlReport } from '../../../../bin/backtest/html-report';
import type {
  BacktestConfig,
  BacktestResult,
  BacktestTrade,
  Candles,
  ExitReason,
  Metrics,
} from '../../../../shared/core/backtest/types';

const MINUTE = 60_000;
const config: BacktestConfig = {
  cash: 10_000,
  takerFee: 0.0004,
  makerFee: 0.0002,
  slippageBps: 2,
  fillOn: 'next_open',
  size: { kind: 'percent', value: 100 },
  leverage: 2,
  lotStep: 0.001,
  maintenanceMarginRate: 0.004,
  longOnly: false,
};

function candlesOf(n: number): Candles {
  const t0 = Date.UTC(2024, 0, 1);
  const close = Float64Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin(i / 500) + (i % 7) * 0.1);
  return {
    time: Float64Array.from({ length: n }, (_, i) => t0 + i * MINUTE),
    open: close.map((c, i) => (i ? close[i - 1]! : c)),
    high: close.map((c) => c + 0.5),
    low: close.map((c) => c - 0.5),
    close,
    volume: new Float64Array(n).fill(1),
  };
}

function trade(i: number, side: 'long' | 'short', exitReason: ExitReason, candles: Candles): BacktestTrade {
  const entry = 10 + i * 20;
  const exit = entry + 10;
  return {
    side,
    entryTime: candles.time[entry]!,
    entryPrice: candles.open[entry]!,
    exitTime: candles.time[exit]!,
    exitPrice: candles.close[exit]!,
    quantity: 1.5,
    fees: 0.12,
    funding: 0,
    pnl: i % 2 ? 12.5 : -8.25,
    returnPct: i % 2 ? 1.25 : -0.83,
    exitReason,
    barsHeld: 10,
  };
}

const metrics: Metrics = {
  trades: 4,
  finalEquity: 10_123.45,
  returnPct: 1.2345,
  cagrPct: 15.5,
  annualReturnPct: 14,
  annualVolatilityPct: 20,
  sharpe: 1.37,
  sortino: 2.1,
  calmar: 3.3,
  maxDrawdownPct: 4.56,
  maxDrawdownDurationMs: 3 * 86_400_000 + 4 * 3_600_000,
  avgDrawdownPct: 1.1,
  winRatePct: 50,
  profitFactor: Infinity,
  expectancy: 2.1,
  avgWin: 12.5,
  avgLoss: -8.25,
  bestTradePct: 1.25,
  worstTradePct: -0.83,
  exposurePct: 33.3,
  sqn: 0.9,
  kelly: 0.2,
  buyHoldReturnPct: -2.5,
  totalFees: 0.48,
  totalFunding: 0,
};

function resultFor(candles: Candles, trades: BacktestTrade[]): BacktestResult {
  const n = candles.time.length;
  return {
    strategy: 'sma-cross',
    params: { fast: 10, slow: 30 },
    config,
    trades,
    equity: Float64Array.from({ length: n }, (_, i) => 10_000 + 150 * Math.sin(i / 40)),
    metrics,
  };
}

describe('renderHtmlReport', () => {
  const candles = candlesOf(120);
  const trades = [
    trade(0, 'long', 'signal', candles),
    trade(1, 'short', 'stop_loss', candles),
    trade(2, 'long', 'take_profit', candles),
    trade(3, 'short', 'end_of_data', candles),
  ];
  const html = renderHtmlReport(resultFor(candles, trades), candles, {
    symbol: 'BTC/USDT:USDT',
    timeframe: '1m',
    quote: 'USDT',
    source: 'data/x.csv',
  });

  test('one self-contained document: no external URL, no script, no external stylesheet', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
  });

  test('price, equity and drawdown charts as inline SVG', () => {
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('aria-label="price with trade entries and exits"');
    expect(html).toContain('aria-label="equity curve"');
    expect(html).toContain('aria-label="drawdown (underwater) curve"');
    expect(html).toContain('price (USDT)');
    expect(html).toContain('equity (USDT)');
    expect(html).toContain('drawdown (%)');
    expect(html).toContain('time (UTC)');
  });

  test('the title names strategy, params, market and period in UTC', () => {
    expect(html).toContain('<h1>sma-cross (fast=10 slow=30)</h1>');
    expect(html).toContain('BTC/USDT:USDT 1m · 2024-01-01 00:00 → 2024-01-01 02:00 UTC · 120 candles');
  });

  test('metrics carry their units; an infinite profit factor reads ∞', () => {
    expect(html).toContain('<th>Final equity</th><td>10,123.45 USDT</td>');
    expect(html).toContain('<th>Total return</th><td>1.23 %</td>');
    expect(html).toContain('<th>Max drawdown</th><td>4.56 %</td>');
    expect(html).toContain('<th>Longest drawdown</th><td>3d 4h</td>');
    expect(html).toContain('<th>Profit factor</th><td>∞</td>');
    expect(html).toContain('<th>Sharpe (annualised)</th><td>1.37</td>');
  });

  test('entries by side and each exit kind get their own marker, with a legend', () => {
    for (const cls of ['e-long', 'e-short', 'x-sig', 'x-sl', 'x-tp', 'x-end']) expect(html).toContain(`class="${cls}"`);
    expect(html).not.toContain('class="x-liq"');
    expect(html).toContain('stop-loss exit');
    expect(html).toContain('take-profit exit');
    expect(html).not.toContain('liquidation exit');
  });

  test('the trade list has a row per trade', () => {
    expect(html).toContain('<h2>Trades (4)</h2>');
    expect(html).toMatch(/<td>2<\/td><td class="short">short<\/td><td>2024-01-01 00:30<\/td>/);
    expect(html).toContain('<td>stop-loss</td>');
  });

  test('a result of few trades says so above the metrics; one of 30 or more does not', () => {
    expect(html).toMatch(
      /<h2>Metrics<\/h2><p class="warn" role="note">Warning: only 4 trades \(fewer than 30\): win rate, profit factor, Sharpe/,
    );
    const enough = renderHtmlReport({ ...resultFor(candles, trades), metrics: { ...metrics, trades: 30 } }, candles);
    expect(enough).not.toContain('class="warn"');
  });

  test('text from the caller is escaped', () => {
    const out = renderHtmlReport(resultFor(candles, []), candles, { title: '<b>x</b> & "y"', notes: ['a<b'] });
    expect(out).toContain('&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;');
    expect(out).toContain('a&lt;b');
  });

  test('a year of minute candles is downsampled into a small file', () => {
    const big = candlesOf(525_600);
    const many = Array.from({ length: 3000 }, (_, i) => trade(i, i % 2 ? 'short' : 'long', 'signal', big));
    const out = renderHtmlReport(resultFor(big, many), big);
    expect(out.length).toBeLessThan(800_000);
    // Each line path keeps a few points per bucket, not one per candle.
    const equityPath = /<path class="equity" d="([^"]*)"/.exec(out)![1]!;
    const points = equityPath.split(/[ML]/).length - 1;
    expect(points).toBeGreaterThan(500);
    expect(points).toBeLessThan(4000);
    expect(out).toContain('The first 1000 of 3000 trades are listed.');
  });
});
