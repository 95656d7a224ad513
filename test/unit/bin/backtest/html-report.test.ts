// The HTML report: one self-contained file (the chart library inlined, no external src or href),
// chart data that matches the candles and the trades (read back from the page's #report-data),
// the metrics with units, and a small file for a year of minute candles.
import { readFileSync } from 'node:fs';
import { renderHtmlReport, type ChartData } from '../../../../bin/backtest/html-report';
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

describe('renderHtmlReport of sliced entries', () => {
  test('the config line names the algo and the header says how the sliced entries went', () => {
    const candles = candlesOf(120);
    const sliced = {
      ...resultFor(candles, [trade(0, 'long', 'signal', candles)]),
      config: {
        ...config,
        algo: { kind: 'adaptive' as const, horizonMs: 4 * 3_600_000, intervalMs: 30_000, maxSlippageBps: 12 },
      },
      slicing: { sliced: 2, completed: 1, cancelled: 1, capped: 0, avgCostBps: 3.5 },
    };
    const html = renderHtmlReport(sliced, candles);

    expect(html).toContain(
      'entries adaptive over 4h every 30s (≤ 10% of a candle&#39;s volume a slice, ≤ 12 bps volume slippage)',
    );
    expect(html).toContain(
      'sliced entries 2 (completed 1, cancelled by an exit 1, capped 0)  average entry vs. an unsliced fill at the first open 3.50 bps (positive: dearer)',
    );
    expect(renderHtmlReport(resultFor(candles, []), candles)).not.toContain('sliced entries');
  });
});

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

  test('one self-contained file: no external src or href, no stylesheet link, the library inlined', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // every element attribute that could fetch something
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    const library = readFileSync(
      'node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js',
      'utf8',
    );
    // the page's own markup and script (the library's inline logo refers to its own SVG: url(#a))
    // inlined as script text: "</" escaped as "<\/", the same to JavaScript
    const inlined = library.replace(/<\//g, '<\\/').replace(/<!--/g, '<\\!--');
    expect(html.replace(inlined, '')).not.toMatch(/<link|<img|<iframe|@import|url\(|https?:\/\//i);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts).toEqual([' type="application/json" id="report-data"', '', '']);
    // TradingView's standalone build, whole (its licence header included)
    expect(html).toContain(inlined);
    expect(html).toContain('TradingView Lightweight Charts™ v5.3.0');
  });

  test('price, equity and drawdown charts, each with its container and unit', () => {
    for (const id of ['price-chart', 'equity-chart', 'drawdown-chart'])
      expect(html).toMatch(new RegExp(`<div class="chart[^"]*" id="${id}" role="img"`));
    expect(html).toContain('id="price-chart" role="img" aria-label="candles with trade entries and exits"');
    // the page's script draws each of them, from the data block
    for (const id of ['price-chart', 'equity-chart', 'drawdown-chart'])
      expect(html).toContain(`L.createChart(document.getElementById('${id}')`);
    expect(html).toContain('<h2>Price and trades <span class="unit">(USDT)</span></h2>');
    expect(html).toContain('<h2>Drawdown <span class="unit">(%)</span></h2>');
  });

  test('the chart data matches the candles, and each trade has its entry and exit marker at its fill', () => {
    const data = dataOf(html);
    expect(data.merged).toBe(1);
    expect(data.candles).toHaveLength(candles.time.length);
    expect(data.candles[7]).toEqual({
      time: candles.time[7]! / 1000,
      open: ten(candles.open[7]!),
      high: ten(candles.high[7]!),
      low: ten(candles.low[7]!),
      close: ten(candles.close[7]!),
    });
    expect(data.markers).toHaveLength(2 * trades.length);
    trades.forEach((t, i) => {
      const entry = data.markers.find((m) => m.id === `t${i}-entry`)!;
      const exit = data.markers.find((m) => m.id === `t${i}-exit`)!;
      expect(entry).toMatchObject({
        time: t.entryTime / 1000,
        price: t.entryPrice,
        shape: t.side === 'long' ? 'arrowUp' : 'arrowDown',
      });
      expect(exit).toMatchObject({ time: t.exitTime / 1000, price: t.exitPrice, shape: 'circle' });
      // won green, lost red; the label names the exit and the P&L
      expect(exit.color).toBe(t.pnl > 0 ? '#16a34a' : '#dc2626');
      expect(exit.text).toContain(t.pnl > 0 ? '+12.50' : '−8.25');
    });
    expect(data.markers.find((m) => m.id === 't1-exit')!.text).toBe('SL +12.50');
    // lightweight-charts wants markers in time order
    const times = data.markers.map((m) => m.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // the equity line is the result's equity; the drawdown is its fall from the running peak
    expect(data.equity[5]).toEqual({ time: candles.time[5]! / 1000, value: ten(10_000 + 150 * Math.sin(5 / 40)) });
    const eq = Array.from({ length: 120 }, (_, i) => 10_000 + 150 * Math.sin(i / 40));
    const peak = Math.max(10_000, ...eq.slice(0, 101));
    expect(data.drawdown[100]!.value).toBeCloseTo(((eq[100]! - peak) / peak) * 100, 6);
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

  test('a year of minute candles is merged into a small file; markers sit on the merged candle of their fill', () => {
    const big = candlesOf(525_600);
    const many = Array.from({ length: 3000 }, (_, i) => trade(i, i % 2 ? 'short' : 'long', 'signal', big));
    const out = renderHtmlReport(resultFor(big, many), big);
    // ≈ 2 MB: 4,000 candles, 6,000 markers, three lines of ≤ 4,000 points, and the library's 199 KB
    expect(out.length).toBeLessThan(2_500_000);
    const data = dataOf(out);
    expect(data.merged).toBe(132);
    expect(data.candles.length).toBeLessThanOrEqual(4_000);
    // a merged candle spans its candles: first open, highest high, lowest low, last close
    const c = data.candles[3]!;
    expect(c.time).toBe(big.time[3 * 132]! / 1000);
    expect(c.open).toBe(ten(big.open[3 * 132]!));
    expect(c.close).toBe(ten(big.close[4 * 132 - 1]!));
    expect(c.high).toBe(ten(Math.max(...big.high.subarray(3 * 132, 4 * 132))));
    expect(c.low).toBe(ten(Math.min(...big.low.subarray(3 * 132, 4 * 132))));
    const t = many[2000]!;
    const entry = data.markers.find((m) => m.id === 't2000-entry')!;
    const index = Math.floor(big.time.indexOf(t.entryTime) / 132) * 132;
    expect(entry.time).toBe(big.time[index]! / 1000);
    expect(entry.price).toBe(t.entryPrice);
    expect(data.equity.length).toBeLessThanOrEqual(4_000);
    expect(out).toContain('Each candle drawn merges 132 consecutive candles (525,600 in all)');
    expect(out).toContain('The first 1000 of 3000 trades are listed.');
  });
});

/** Chart values keep ten significant digits (what a chart can show). */
const ten = (v: number): number => Number(v.toPrecision(10));

/** The chart data the page draws, read back from its JSON block. */
function dataOf(page: string): ChartData {
  const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page)![1]!;
  return JSON.parse(json.replace(/<\\\//g, '</')) as ChartData;
}
