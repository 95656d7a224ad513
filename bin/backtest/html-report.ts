// The backtest report: one self-contained HTML file that works offline. The charts are TradingView's
// lightweight-charts (its standalone build inlined into the page): interactive candles with every
// trade's entry and exit as markers, the equity curve against buy & hold, and the drawdown. Their
// data sits in the page as one JSON block (#report-data), which tests read back. Long series are
// downsampled (candles merged k to one, lines kept at their extremes), so a year of one-minute
// candles still gives a small file. Metrics with their units and the trade list are plain HTML.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BacktestResult, BacktestTrade, Candles, ExitReason, Metrics } from '../../shared/core/backtest/types';
import { describeParams } from '../../shared/core/backtest/param-space';
import { backtestWarnings } from '../../shared/core/backtest/sample-warnings';
import { slicingLines } from './human-output';
import { describeConfig, fmt, fmtDuration, fmtPrice, fmtTime } from './report-format';
import { escapeXml, minMaxIndices } from './svg-chart';

export interface ReportTable {
  heading: string;
  columns: string[];
  rows: string[][];
}

export interface ReportMeta {
  /** replaces the default title (strategy and params) */
  title?: string;
  symbol?: string;
  timeframe?: string;
  /** the quote currency, for units; "quote" when unknown */
  quote?: string;
  /** where the candles came from (a file path) */
  source?: string;
  /** extra lines under the title */
  notes?: string[];
  /** extra tables after the metrics (walk-forward windows, …) */
  tables?: ReportTable[];
}

/** At most this many candles are drawn: more are merged k consecutive candles to one. */
const MAX_CANDLES = 4_000;
/** Line series keep the first, lowest, highest and last point of each of this many buckets. */
const LINE_BUCKETS = 1_000;
const MAX_MARKED_TRADES = 20_000;
const MAX_LISTED_TRADES = 1000;
/** Up to this many trades, each exit marker carries its P&L as text. */
const LABELLED_TRADES = 60;

export function renderHtmlReport(result: BacktestResult, candles: Candles, meta: ReportMeta = {}): string {
  const quote = meta.quote ?? 'quote';
  const n = candles.time.length;
  const start = n ? candles.time[0]! : 0;
  const end = n ? lastCloseTime(candles.time) : 0;
  const paramText = describeParams(result.params);
  const title = meta.title ?? `${result.strategy}${paramText ? ` (${paramText})` : ''}`;
  const market = [meta.symbol, meta.timeframe].filter(Boolean).join(' ');
  const period = n ? `${fmtTime(start)} → ${fmtTime(end)} UTC · ${n.toLocaleString('en-US')} candles` : 'no candles';
  const data = chartData(result, candles);
  const body = [
    `<header><h1>${escapeXml(title)}</h1>`,
    `<p class="sub">${escapeXml([market, period].filter(Boolean).join(' · '))}</p>`,
    `<p class="cfg">${escapeXml(describeConfig(result.config))}</p>`,
    ...(meta.source ? [`<p class="cfg">data: ${escapeXml(meta.source)}</p>`] : []),
    ...(meta.notes ?? []).map((note) => `<p class="cfg">${escapeXml(note)}</p>`),
    ...(result.slicing ? slicingLines(result.slicing).map((line) => `<p class="cfg">${escapeXml(line)}</p>`) : []),
    `</header>`,
    metricsSection(result.metrics, quote),
    `<section><h2>Price and trades <span class="unit">(${escapeXml(quote)})</span></h2>${priceNote(candles, data, result.trades)}<div class="chart" id="price-chart" role="img" aria-label="candles with trade entries and exits"></div>${priceLegend()}</section>`,
    `<section><h2>Equity <span class="unit">(${escapeXml(quote)})</span></h2><div class="chart short" id="equity-chart" role="img" aria-label="equity curve against buy and hold"></div><p class="legend"><span class="sw equity"></span>strategy equity (final ${escapeXml(fmt(result.metrics.finalEquity))} ${escapeXml(quote)}) <span class="sw hold"></span>buy &amp; hold (${escapeXml(fmt(result.metrics.buyHoldReturnPct))} %)</p></section>`,
    `<section><h2>Drawdown <span class="unit">(%)</span></h2><div class="chart shorter" id="drawdown-chart" role="img" aria-label="drawdown (underwater) curve"></div></section>`,
    ...(meta.tables ?? []).map(tableSection),
    tradeList(result.trades, quote),
    `<footer>Generated ${escapeXml(fmtTime(Date.now()))} UTC. Times are candle open times in UTC; equity is marked at each candle's close. Charts: TradingView Lightweight Charts™ (Apache-2.0), inlined.</footer>`,
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(`Backtest: ${title}`)}</title>
<style>${CSS}</style></head>
<body>
${body}
<script type="application/json" id="report-data">${scriptSafe(JSON.stringify(data))}</script>
<script>${scriptSafe(chartLibrary())}</script>
<script>${scriptSafe(DRAW)}</script>
</body></html>
`;
}

/** What the page's script draws: everything the charts show, in lightweight-charts' own shapes. */
export interface ChartData {
  /** candles merged this many to one (1: as traded) */
  merged: number;
  /** decimals of the price axis: enough for the market's price (0.0912 needs 4, 61,000 needs 2) */
  pricePrecision: number;
  cash: number;
  candles: Array<{ time: number; open: number; high: number; low: number; close: number }>;
  /** one entry and one exit per trade (of the first MAX_MARKED_TRADES), sorted by time */
  markers: ChartMarker[];
  equity: LinePoint[];
  hold: LinePoint[];
  drawdown: LinePoint[];
}

interface LinePoint {
  /** seconds since the epoch, UTC (lightweight-charts' UTCTimestamp) */
  time: number;
  value: number;
}

export interface ChartMarker {
  /** "t<trade index>-entry" or "t<trade index>-exit" */
  id: string;
  /** the (merged) candle the fill happened in, seconds */
  time: number;
  position: 'atPriceBottom' | 'atPriceTop' | 'atPriceMiddle';
  /** the fill price: the marker points at it */
  price: number;
  shape: 'arrowUp' | 'arrowDown' | 'circle';
  color: string;
  text?: string;
}

const COLOR = { long: '#16a34a', short: '#dc2626', won: '#16a34a', lost: '#dc2626', even: '#6b7280' } as const;

const EXIT_LABEL: Record<ExitReason, string> = {
  signal: 'signal',
  reverse: 'reverse',
  stop_loss: 'stop-loss',
  take_profit: 'take-profit',
  trailing_stop: 'trailing stop',
  liquidation: 'liquidation',
  end_of_data: 'end of data',
};

const EXIT_SHORT: Record<ExitReason, string> = {
  signal: 'exit',
  reverse: 'reverse',
  stop_loss: 'SL',
  take_profit: 'TP',
  trailing_stop: 'trail',
  liquidation: 'LIQ',
  end_of_data: 'end',
};

/** Ten significant digits: the chart cannot show more, and the page stays small. */
const short = (v: number): number => Number(v.toPrecision(10));
const seconds = (ms: number): number => ms / 1000;

export function chartData(result: BacktestResult, c: Candles): ChartData {
  const n = c.time.length;
  const k = Math.max(1, Math.ceil(n / MAX_CANDLES));
  const candles: ChartData['candles'] = [];
  for (let s = 0; s < n; s += k) {
    const e = Math.min(n, s + k);
    let high = -Infinity;
    let low = Infinity;
    for (let i = s; i < e; i++) {
      high = Math.max(high, c.high[i]!);
      low = Math.min(low, c.low[i]!);
    }
    candles.push({
      time: seconds(c.time[s]!),
      open: short(c.open[s]!),
      high: short(high),
      low: short(low),
      close: short(c.close[e - 1]!),
    });
  }
  /** The (merged) candle a time falls in: the last one opened at or before it. */
  const candleOf = (ms: number): number => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (c.time[mid]! <= ms) lo = mid;
      else hi = mid - 1;
    }
    return seconds(c.time[Math.floor(lo / k) * k]!);
  };
  const labelled = result.trades.length <= LABELLED_TRADES;
  const markers: ChartMarker[] = [];
  if (n > 0)
    result.trades.slice(0, MAX_MARKED_TRADES).forEach((t, i) => {
      const long = t.side === 'long';
      markers.push({
        id: `t${i}-entry`,
        time: candleOf(t.entryTime),
        position: long ? 'atPriceBottom' : 'atPriceTop',
        price: t.entryPrice,
        shape: long ? 'arrowUp' : 'arrowDown',
        color: long ? COLOR.long : COLOR.short,
        ...(labelled ? { text: long ? 'long' : 'short' } : {}),
      });
      markers.push({
        id: `t${i}-exit`,
        time: candleOf(t.exitTime),
        position: 'atPriceMiddle',
        price: t.exitPrice,
        shape: 'circle',
        color: t.pnl > 0 ? COLOR.won : t.pnl < 0 ? COLOR.lost : COLOR.even,
        ...(labelled ? { text: `${EXIT_SHORT[t.exitReason]} ${t.pnl > 0 ? '+' : ''}${fmt(t.pnl)}` } : {}),
      });
    });
  markers.sort((a, b) => a.time - b.time);

  const eq = result.equity;
  const m = Math.min(eq.length, n);
  const cash = result.config.cash;
  const first = c.close[0] ?? 0;
  const line = (value: (i: number) => number, values: ArrayLike<number>): LinePoint[] =>
    minMaxIndices(values, LINE_BUCKETS).map((i) => ({ time: seconds(c.time[i]!), value: short(value(i)) }));
  const equity = eq.subarray(0, m);
  const hold = Float64Array.from({ length: m }, (_, i) => (first > 0 ? (cash * c.close[i]!) / first : cash));
  const drawdown = new Float64Array(m);
  let peak = cash;
  for (let i = 0; i < m; i++) {
    peak = Math.max(peak, eq[i]!);
    drawdown[i] = peak > 0 ? ((eq[i]! - peak) / peak) * 100 : -100;
  }
  const typical = Math.abs(c.close[n - 1] ?? 1) || 1;
  return {
    merged: k,
    pricePrecision: Math.min(8, Math.max(2, 4 - Math.floor(Math.log10(typical)))),
    cash,
    candles,
    markers,
    equity: line((i) => equity[i]!, equity),
    hold: line((i) => hold[i]!, hold),
    drawdown: line((i) => drawdown[i]!, drawdown),
  };
}

function priceNote(c: Candles, data: ChartData, trades: readonly BacktestTrade[]): string {
  const notes: string[] = [];
  if (data.merged > 1)
    notes.push(
      `Each candle drawn merges ${data.merged} consecutive candles (${c.time.length.toLocaleString('en-US')} in all); a marker sits on the merged candle its fill fell in, at its fill price.`,
    );
  if (trades.length > MAX_MARKED_TRADES)
    notes.push(`Markers show the first ${MAX_MARKED_TRADES} of ${trades.length} trades.`);
  return notes.map((note) => `<p class="note">${escapeXml(note)}</p>`).join('');
}

function priceLegend(): string {
  return `<p class="legend"><span style="color:${COLOR.long}">▲</span> long entry <span style="color:${COLOR.short}">▼</span> short entry <span style="color:${COLOR.won}">●</span> exit, won <span style="color:${COLOR.lost}">●</span> exit, lost <span style="color:${COLOR.even}">●</span> exit, even · drag to scroll, wheel to zoom, double-click the price axis to reset</p>`;
}

let library: string | undefined;

/** TradingView's lightweight-charts, the standalone build (it defines window.LightweightCharts), read once. */
function chartLibrary(): string {
  if (library === undefined) {
    const pkg = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
    library = readFileSync(join(dirname(pkg), 'dist', 'lightweight-charts.standalone.production.js'), 'utf8');
  }
  return library;
}

/** Text inside a <script> element must not close it: "</" becomes "<\/" (the same to JS and JSON). */
function scriptSafe(text: string): string {
  return text.replace(/<\//g, '<\\/').replace(/<!--/g, '<\\!--');
}

/** The page's own script: the three charts from #report-data, their time axes kept together. */
const DRAW = `(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var L = window.LightweightCharts;
  var options = {
    autoSize: true,
    layout: { background: { color: '#ffffff' }, textColor: '#374151', fontSize: 12 },
    grid: { vertLines: { color: '#f1f2f4' }, horzLines: { color: '#eceef1' } },
    rightPriceScale: { borderColor: '#d1d5db' },
    // thin bars allowed, so fitContent shows the whole period however many candles it has
    timeScale: { borderColor: '#d1d5db', timeVisible: true, secondsVisible: false, minBarSpacing: 0.05 },
  };
  var price = L.createChart(document.getElementById('price-chart'), options);
  var candles = price.addSeries(L.CandlestickSeries, {
    upColor: '#10b981', downColor: '#ef4444', borderVisible: false, wickUpColor: '#059669', wickDownColor: '#b91c1c',
  });
  candles.applyOptions({
    priceFormat: { type: 'price', precision: data.pricePrecision, minMove: Math.pow(10, -data.pricePrecision) },
  });
  candles.setData(data.candles);
  L.createSeriesMarkers(candles, data.markers);
  var equity = L.createChart(document.getElementById('equity-chart'), options);
  var hold = equity.addSeries(L.LineSeries, { color: '#9ca3af', lineWidth: 1, lineStyle: 2, priceLineVisible: false });
  hold.setData(data.hold);
  var strategy = equity.addSeries(L.LineSeries, { color: '#2563eb', lineWidth: 2 });
  strategy.setData(data.equity);
  strategy.createPriceLine({ price: data.cash, color: '#6b7280', lineWidth: 1, lineStyle: 1, title: 'start' });
  var drawdown = L.createChart(document.getElementById('drawdown-chart'), options);
  var area = drawdown.addSeries(L.AreaSeries, {
    lineColor: '#b91c1c', lineWidth: 1, topColor: 'rgba(248,113,113,0.45)', bottomColor: 'rgba(248,113,113,0.45)',
    invertFilledArea: true, priceFormat: { type: 'custom', formatter: function (v) { return v.toFixed(2) + ' %'; } },
  });
  area.setData(data.drawdown);
  var charts = [price, equity, drawdown];
  charts.forEach(function (chart) { chart.timeScale().fitContent(); });
  // Scrolling or zooming one chart moves the others to the same time range.
  var syncing = false;
  charts.forEach(function (chart) {
    chart.timeScale().subscribeVisibleTimeRangeChange(function (range) {
      if (syncing || !range) return;
      syncing = true;
      charts.forEach(function (other) { if (other !== chart) other.timeScale().setVisibleRange(range); });
      syncing = false;
    });
  });
  document.body.setAttribute('data-charts', 'ready');
})();`;

function metricsSection(m: Metrics, quote: string): string {
  const groups: Array<[string, Array<[string, string]>]> = [
    [
      'Return',
      [
        ['Final equity', `${fmt(m.finalEquity)} ${quote}`],
        ['Total return', `${fmt(m.returnPct)} %`],
        ['CAGR', `${fmt(m.cagrPct)} %`],
        ['Buy & hold return', `${fmt(m.buyHoldReturnPct)} %`],
        ['Annual return (mean)', `${fmt(m.annualReturnPct)} %`],
        ['Annual volatility', `${fmt(m.annualVolatilityPct)} %`],
      ],
    ],
    [
      'Risk',
      [
        ['Max drawdown', `${fmt(m.maxDrawdownPct)} %`],
        ['Longest drawdown', fmtDuration(m.maxDrawdownDurationMs)],
        ['Average drawdown', `${fmt(m.avgDrawdownPct)} %`],
        ['Sharpe (annualised)', fmt(m.sharpe)],
        ['Sortino (annualised)', fmt(m.sortino)],
        ['Calmar', fmt(m.calmar)],
      ],
    ],
    [
      'Trades',
      [
        ['Trades', String(m.trades)],
        ['Win rate', `${fmt(m.winRatePct)} %`],
        ['Profit factor', fmt(m.profitFactor)],
        ['Expectancy', `${fmt(m.expectancy)} ${quote} / trade`],
        ['Avg win / loss', `${fmt(m.avgWin)} / ${fmt(m.avgLoss)} ${quote}`],
        ['Best / worst', `${fmt(m.bestTradePct)} % / ${fmt(m.worstTradePct)} %`],
      ],
    ],
    [
      'Exposure and costs',
      [
        ['Time in market', `${fmt(m.exposurePct)} %`],
        ['SQN', fmt(m.sqn)],
        ['Kelly fraction', fmt(m.kelly, 3)],
        ['Fees paid', `${fmt(m.totalFees)} ${quote}`],
        ['Funding paid', `${fmt(m.totalFunding)} ${quote}`],
      ],
    ],
  ];
  const tables = groups
    .map(
      ([heading, rows]) =>
        `<table class="metrics"><caption>${heading}</caption>${rows.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('')}</table>`,
    )
    .join('');
  // Next to the metrics they qualify, so nobody reads a ratio of three trades as a result.
  const warnings = backtestWarnings(m.trades)
    .map((w) => `<p class="warn" role="note">Warning: ${escapeXml(w)}</p>`)
    .join('');
  return `<section><h2>Metrics</h2>${warnings}<div class="metric-grid">${tables}</div></section>`;
}

function tableSection(t: ReportTable): string {
  return `<section><h2>${escapeXml(t.heading)}</h2><div class="scroll"><table class="list"><thead><tr>${t.columns.map((c) => `<th>${escapeXml(c)}</th>`).join('')}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((v) => `<td>${escapeXml(v)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div></section>`;
}

function tradeList(trades: readonly BacktestTrade[], quote: string): string {
  const rows = trades
    .slice(0, MAX_LISTED_TRADES)
    .map((t, i) => [
      String(i + 1),
      t.side,
      fmtTime(t.entryTime),
      fmtPrice(t.entryPrice),
      fmtTime(t.exitTime),
      fmtPrice(t.exitPrice),
      fmt(t.quantity, 4),
      fmt(t.pnl),
      fmt(t.returnPct),
      fmt(t.fees),
      fmt(t.funding),
      EXIT_LABEL[t.exitReason],
      String(t.barsHeld),
    ]);
  const table = tableSection({
    heading: `Trades (${trades.length})`,
    columns: [
      '#',
      'side',
      'entry (UTC)',
      'entry price',
      'exit (UTC)',
      'exit price',
      'qty (base)',
      `P&L (${quote})`,
      'return % of margin',
      `fees (${quote})`,
      `funding (${quote})`,
      'exit on',
      'candles',
    ],
    rows,
  });
  const colored = table.replace(/<tr><td>(\d+)<\/td><td>(long|short)<\/td>/g, '<tr><td>$1</td><td class="$2">$2</td>');
  return trades.length > MAX_LISTED_TRADES
    ? colored + `<p class="note">The first ${MAX_LISTED_TRADES} of ${trades.length} trades are listed.</p>`
    : colored;
}

function lastCloseTime(time: Float64Array): number {
  const n = time.length;
  return n >= 2 ? time[n - 1]! + (time[n - 1]! - time[n - 2]!) : time[n - 1]!;
}

const CSS = `
:root{--fg:#111827;--muted:#6b7280;--grid:#e5e7eb;--long:#16a34a;--short:#dc2626}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);margin:0 auto;padding:20px 24px;max-width:1280px;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:22px 0 6px}
.sub{margin:0;color:#374151;font-weight:600}.cfg{margin:2px 0;color:var(--muted);font-size:13px}
svg{width:100%;height:auto;display:block;font-size:12px}
.grid{stroke:var(--grid);stroke-width:1}.plot{fill:none;stroke:#9ca3af}
.tick{fill:#4b5563}.axis-title{fill:#374151;font-weight:600}.legend{fill:#374151}
.candle line{stroke-width:1}.candle.up line,.candle.up rect{stroke:#059669;fill:#10b981}.candle.down line,.candle.down rect{stroke:#b91c1c;fill:#ef4444}
.band{fill:#cbd5e1;opacity:.55}.close{fill:none;stroke:#334155;stroke-width:1}
.e-long{fill:var(--long);stroke:#fff;stroke-width:.8}.e-short{fill:var(--short);stroke:#fff;stroke-width:.8}
.x-sig{fill:#fff;stroke:var(--fg);stroke-width:1.6}.x-sl{stroke:#ea580c;stroke-width:2.6;fill:none}.x-trail{stroke:#7c3aed;stroke-width:2.6;fill:none}
.x-tp{fill:#2563eb;stroke:#fff;stroke-width:.8}.x-liq{fill:#000}.x-end{fill:#fff;stroke:var(--muted);stroke-width:1.5}
.hold-win{stroke:var(--long);stroke-width:1.2;stroke-dasharray:4 3;opacity:.8}.hold-loss{stroke:var(--short);stroke-width:1.2;stroke-dasharray:4 3;opacity:.8}
.equity{fill:none;stroke:#2563eb;stroke-width:1.8}.hold{fill:none;stroke:#9ca3af;stroke-width:1.3;stroke-dasharray:5 4}.ref{stroke:#6b7280;stroke-width:1;stroke-dasharray:2 3}
.dd-area{fill:#fca5a5;opacity:.7}.dd-line{fill:none;stroke:#b91c1c;stroke-width:1}.dd-max{fill:#b91c1c}.dd-label{fill:#7f1d1d;font-weight:600}
.metric-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(270px,1fr));gap:12px}
table{border-collapse:collapse}caption{text-align:left;font-weight:700;padding:4px 0}
.metrics{width:100%}.metrics th{text-align:left;font-weight:400;color:#374151;padding:3px 8px 3px 0;border-bottom:1px solid var(--grid)}
.metrics td{text-align:right;font-variant-numeric:tabular-nums;padding:3px 0;border-bottom:1px solid var(--grid);white-space:nowrap}
.scroll{max-height:560px;overflow:auto;border:1px solid var(--grid)}
.list{width:100%;font-size:12px}.list th{position:sticky;top:0;background:#f3f4f6;text-align:right;padding:4px 6px;white-space:nowrap}
.list td{text-align:right;padding:3px 6px;border-top:1px solid var(--grid);font-variant-numeric:tabular-nums;white-space:nowrap}
td.long{color:var(--long);font-weight:600}td.short{color:var(--short);font-weight:600}
.chart{height:440px;margin:4px 0;border:1px solid var(--grid)}.chart.short{height:300px}.chart.shorter{height:200px}
.legend{margin:4px 0;color:#374151;font-size:13px}.unit{color:var(--muted);font-weight:400}
.sw{display:inline-block;width:18px;height:0;margin:0 6px 3px 10px;vertical-align:middle;border-top:2px solid}.sw.equity{border-color:#2563eb}.sw.hold{border-top:1px dashed #9ca3af}
.warn{margin:4px 0 10px;padding:6px 10px;border-left:4px solid #d97706;background:#fffbeb;color:#78350f}
.note{color:var(--muted);font-size:12px}footer{margin-top:24px;color:var(--muted);font-size:12px}
`;
