// The backtest report: one self-contained HTML file (inline CSS and SVG, no script, no external
// asset) with the price and trades, the equity curve against buy & hold, the underwater curve,
// the metrics with their units and the trade list. Long series are downsampled, so a year of
// one-minute candles still gives a small file.
import type { BacktestResult, BacktestTrade, Candles, ExitReason, Metrics } from '../../shared/core/backtest/types';
import { describeParams } from '../../shared/core/backtest/param-space';
import { backtestWarnings } from '../../shared/core/backtest/sample-warnings';
import { describeConfig, fmt, fmtDuration, fmtPrice, fmtTime } from './report-format';
import {
  axes,
  decimalsFor,
  escapeXml,
  formatNumber,
  legend,
  linePath,
  linearScale,
  minMaxIndices,
  niceStep,
  niceTicks,
  round1,
  timeTicks,
  type Frame,
  type Scale,
} from './svg-chart';

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

const WIDTH = 1200;
const BUCKETS = 900;
const MAX_MARKED_TRADES = 20_000;
const MAX_LISTED_TRADES = 1000;
/** Up to this many trades, entry and exit are joined by a line coloured by the outcome. */
const CONNECTED_TRADES = 150;
const CANDLESTICK_LIMIT = 400;

export function renderHtmlReport(result: BacktestResult, candles: Candles, meta: ReportMeta = {}): string {
  const quote = meta.quote ?? 'quote';
  const n = candles.time.length;
  const start = n ? candles.time[0]! : 0;
  const end = n ? lastCloseTime(candles.time) : 0;
  const paramText = describeParams(result.params);
  const title = meta.title ?? `${result.strategy}${paramText ? ` (${paramText})` : ''}`;
  const market = [meta.symbol, meta.timeframe].filter(Boolean).join(' ');
  const period = n ? `${fmtTime(start)} → ${fmtTime(end)} UTC · ${n.toLocaleString('en-US')} candles` : 'no candles';
  const x = linearScale([start, end], [FRAME_LEFT, WIDTH - FRAME_RIGHT]);
  const body = [
    `<header><h1>${escapeXml(title)}</h1>`,
    `<p class="sub">${escapeXml([market, period].filter(Boolean).join(' · '))}</p>`,
    `<p class="cfg">${escapeXml(describeConfig(result.config))}</p>`,
    ...(meta.source ? [`<p class="cfg">data: ${escapeXml(meta.source)}</p>`] : []),
    ...(meta.notes ?? []).map((note) => `<p class="cfg">${escapeXml(note)}</p>`),
    `</header>`,
    metricsSection(result.metrics, quote),
    `<section><h2>Price and trades</h2>${priceChart(candles, result.trades, x, quote)}</section>`,
    `<section><h2>Equity</h2>${equityChart(candles, result, x, quote)}</section>`,
    `<section><h2>Drawdown</h2>${drawdownChart(candles, result, x)}</section>`,
    ...(meta.tables ?? []).map(tableSection),
    tradeList(result.trades, quote),
    `<footer>Generated ${escapeXml(fmtTime(Date.now()))} UTC. Times are candle open times in UTC; equity is marked at each candle's close.</footer>`,
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(`Backtest: ${title}`)}</title>
<style>${CSS}</style></head>
<body>
${body}
</body></html>
`;
}

const FRAME_LEFT = 84;
const FRAME_RIGHT = 24;

const frame = (height: number): Frame => ({
  width: WIDTH,
  height,
  left: FRAME_LEFT,
  right: FRAME_RIGHT,
  top: 34,
  bottom: 30,
});

function svg(f: Frame, content: string, label: string): string {
  return `<svg viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="${escapeXml(label)}">${content}</svg>`;
}

function valueTicks(min: number, max: number, count: number): { ticks: number[]; format: (v: number) => string } {
  const ticks = niceTicks(min, max, count);
  const decimals = decimalsFor(
    ticks.length > 1 ? ticks[1]! - ticks[0]! : niceStep(Math.abs(max - min) || Math.abs(max) || 1),
  );
  return { ticks, format: (v) => formatNumber(v, decimals) };
}

function paddedDomain(min: number, max: number, pad = 0.04): [number, number] {
  const span = max - min || Math.abs(max) * 0.01 || 1;
  return [min - span * pad, max + span * pad];
}

function priceChart(candles: Candles, trades: readonly BacktestTrade[], x: Scale, quote: string): string {
  const f = frame(440);
  const n = candles.time.length;
  if (n === 0) return '<p>no candles</p>';
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, candles.low[i]!);
    hi = Math.max(hi, candles.high[i]!);
  }
  const y = linearScale(paddedDomain(lo, hi), [f.height - f.bottom, f.top]);
  const { ticks, format } = valueTicks(y.domain[0], y.domain[1], 7);
  const parts = [
    axes(f, x, y, {
      xTicks: timeTicks(x.domain[0], x.domain[1], 9),
      yTicks: ticks,
      yFormat: format,
      yTitle: `price (${quote})`,
      xTitle: 'time (UTC)',
    }),
  ];
  parts.push(n <= CANDLESTICK_LIMIT ? candlesticks(candles, x, y) : priceEnvelope(candles, x, y));
  // Markers sit at the middle of their candle, where its candlestick is drawn.
  const half = (x.range[1] - x.range[0]) / Math.max(1, n) / 2;
  const at = (ms: number) => x(ms) + half;
  const marked = trades.slice(0, MAX_MARKED_TRADES);
  const connect = marked.length <= CONNECTED_TRADES;
  const marks = connect
    ? marked.map((t) => tradeMarks(t, at, y)).join('')
    : compactMarks(marked, at, y, markerScale(marked.length));
  parts.push(`<g class="trades">${marks}</g>`);
  parts.push(legend(f, priceLegend(marked, connect)));
  const note =
    trades.length > MAX_MARKED_TRADES
      ? `<p class="note">Markers show the first ${MAX_MARKED_TRADES} of ${trades.length} trades.</p>`
      : '';
  return svg(f, parts.join(''), 'price with trade entries and exits') + note;
}

function candlesticks(c: Candles, x: Scale, y: Scale): string {
  const n = c.time.length;
  const slot = (x.range[1] - x.range[0]) / Math.max(1, n);
  const body = Math.max(1, slot * 0.6);
  let up = '';
  let down = '';
  for (let i = 0; i < n; i++) {
    const cx = round1(x(c.time[i]!) + slot / 2);
    const [o, cl] = [c.open[i]!, c.close[i]!];
    const top = round1(y(Math.max(o, cl)));
    const h = Math.max(0.8, round1(y(Math.min(o, cl)) - top));
    const shape = `<line x1="${cx}" x2="${cx}" y1="${round1(y(c.high[i]!))}" y2="${round1(y(c.low[i]!))}"/><rect x="${round1(cx - body / 2)}" y="${top}" width="${round1(body)}" height="${round1(h)}"/>`;
    if (cl >= o) up += shape;
    else down += shape;
  }
  return `<g class="candle up">${up}</g><g class="candle down">${down}</g>`;
}

/** Many candles: the high–low band per bucket and the close line through its extremes. */
function priceEnvelope(c: Candles, x: Scale, y: Scale): string {
  const n = c.time.length;
  const size = n / BUCKETS;
  const upper: string[] = [];
  const lower: string[] = [];
  for (let b = 0; b < BUCKETS; b++) {
    const s = Math.floor(b * size);
    const e = Math.min(n, Math.floor((b + 1) * size));
    if (e <= s) continue;
    let hi = -Infinity;
    let lo = Infinity;
    for (let i = s; i < e; i++) {
      hi = Math.max(hi, c.high[i]!);
      lo = Math.min(lo, c.low[i]!);
    }
    const px = round1(x(c.time[s]!));
    upper.push(`${px} ${round1(y(hi))}`);
    lower.push(`${px} ${round1(y(lo))}`);
  }
  const band = `<path class="band" d="M${upper.join('L')}L${lower.reverse().join('L')}Z"/>`;
  const line = `<path class="close" d="${linePath(
    minMaxIndices(c.close, BUCKETS),
    (i) => x(c.time[i]!),
    (i) => y(c.close[i]!),
  )}"/>`;
  return band + line;
}

const EXIT_LABEL: Record<ExitReason, string> = {
  signal: 'signal',
  reverse: 'reverse',
  stop_loss: 'stop-loss',
  take_profit: 'take-profit',
  trailing_stop: 'trailing stop',
  liquidation: 'liquidation',
  end_of_data: 'end of data',
};

type MarkerKind = 'e-long' | 'e-short' | 'x-sig' | 'x-sl' | 'x-trail' | 'x-tp' | 'x-liq' | 'x-end';

const EXIT_MARKER: Record<ExitReason, MarkerKind> = {
  signal: 'x-sig',
  reverse: 'x-sig',
  stop_loss: 'x-sl',
  take_profit: 'x-tp',
  trailing_stop: 'x-trail',
  liquidation: 'x-liq',
  end_of_data: 'x-end',
};

/** Path data of one marker centred on (px, py), scaled by k; shapes differ so exits read without colour. */
function markerPath(kind: MarkerKind, px: number, py: number, k: number): string {
  const r = (v: number) => round1(v * k);
  const [x, y] = [round1(px), round1(py)];
  switch (kind) {
    // The tip of the triangle sits on the fill price; long points up from below, short down from above.
    case 'e-long':
      return `M${x} ${y}l${-r(6)} ${r(10)}h${r(12)}z`;
    case 'e-short':
      return `M${x} ${y}l${-r(6)} ${-r(10)}h${r(12)}z`;
    case 'x-sl':
    case 'x-trail':
      return `M${x - r(5)} ${y - r(5)}l${r(10)} ${r(10)}m${-r(10)} 0l${r(10)} ${-r(10)}`;
    case 'x-tp':
      return `M${x} ${y - r(6)}l${r(6)} ${r(6)}l${-r(6)} ${r(6)}l${-r(6)} ${-r(6)}z`;
    case 'x-liq':
      return `M${x - r(5)} ${y - r(5)}h${r(10)}v${r(10)}h${-r(10)}z`;
    case 'x-end':
      return `M${x - r(4)} ${y - r(4)}h${r(8)}v${r(8)}h${-r(8)}z`;
    case 'x-sig':
      return `M${x - r(4.5)} ${y}a${r(4.5)} ${r(4.5)} 0 1 0 ${r(9)} 0a${r(4.5)} ${r(4.5)} 0 1 0 ${-r(9)} 0`;
  }
}

function marker(kind: MarkerKind, px: number, py: number, k = 1): string {
  return `<path class="${kind}" d="${markerPath(kind, px, py, k)}"/>`;
}

/** Marker size for `count` trades: full size up to CONNECTED_TRADES, then smaller as they crowd. */
function markerScale(count: number): number {
  return count <= CONNECTED_TRADES ? 1 : Math.max(0.4, Math.sqrt(CONNECTED_TRADES / count));
}

/** Many trades: one path per marker kind, no tooltips, so thousands of markers stay small. */
function compactMarks(trades: readonly BacktestTrade[], x: (ms: number) => number, y: Scale, k: number): string {
  const paths = new Map<MarkerKind, string>();
  const add = (kind: MarkerKind, px: number, py: number) =>
    paths.set(kind, (paths.get(kind) ?? '') + markerPath(kind, px, py, k));
  for (const t of trades) {
    add(t.side === 'long' ? 'e-long' : 'e-short', x(t.entryTime), y(t.entryPrice));
    add(EXIT_MARKER[t.exitReason], x(t.exitTime), y(t.exitPrice));
  }
  return [...paths].map(([kind, d]) => `<path class="${kind}" d="${d}"/>`).join('');
}

/** Few trades: full-size markers joined by a line coloured by the outcome, with a tooltip. */
function tradeMarks(t: BacktestTrade, x: (ms: number) => number, y: Scale): string {
  const [ex, ey, xx, xy] = [
    round1(x(t.entryTime)),
    round1(y(t.entryPrice)),
    round1(x(t.exitTime)),
    round1(y(t.exitPrice)),
  ];
  const tip = `${t.side} ${fmtTime(t.entryTime)} @ ${fmtPrice(t.entryPrice)} → ${fmtTime(t.exitTime)} @ ${fmtPrice(t.exitPrice)}, exit on ${EXIT_LABEL[t.exitReason]}, P&L ${fmt(t.pnl)} (${fmt(t.returnPct)}%)`;
  const hold = `<line class="${t.pnl >= 0 ? 'hold-win' : 'hold-loss'}" x1="${ex}" y1="${ey}" x2="${xx}" y2="${xy}"/>`;
  return `<g><title>${escapeXml(tip)}</title>${hold}${marker(t.side === 'long' ? 'e-long' : 'e-short', ex, ey)}${marker(EXIT_MARKER[t.exitReason], xx, xy)}</g>`;
}

/** Entries always; exit shapes only for the exit kinds these trades have. */
function priceLegend(trades: readonly BacktestTrade[], connect: boolean): Array<{ label: string; swatch: string }> {
  const reasons = new Set(trades.map((t) => (t.exitReason === 'reverse' ? 'signal' : t.exitReason)));
  const exits = (['signal', 'stop_loss', 'take_profit', 'trailing_stop', 'liquidation', 'end_of_data'] as const)
    .filter((r) => reasons.has(r))
    .map((r) => ({ label: `${EXIT_LABEL[r]} exit`, swatch: marker(EXIT_MARKER[r], 6, 0) }));
  return [
    { label: 'long entry', swatch: marker('e-long', 6, -6) },
    { label: 'short entry', swatch: marker('e-short', 6, 6) },
    ...exits,
    ...(connect
      ? [
          { label: 'winning trade', swatch: '<line class="hold-win" x1="0" x2="14" y1="0" y2="0"/>' },
          { label: 'losing trade', swatch: '<line class="hold-loss" x1="0" x2="14" y1="0" y2="0"/>' },
        ]
      : []),
  ];
}

function equityChart(c: Candles, result: BacktestResult, x: Scale, quote: string): string {
  const f = frame(300);
  const eq = result.equity;
  const n = Math.min(eq.length, c.time.length);
  if (n === 0) return '<p>no equity</p>';
  const cash = result.config.cash;
  const first = c.close[0]!;
  const hold = (i: number) => (first > 0 ? (cash * c.close[i]!) / first : cash);
  let lo = cash;
  let hi = cash;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, eq[i]!, hold(i));
    hi = Math.max(hi, eq[i]!, hold(i));
  }
  const y = linearScale(paddedDomain(lo, hi), [f.height - f.bottom, f.top]);
  const { ticks, format } = valueTicks(y.domain[0], y.domain[1], 6);
  const holdValues = Float64Array.from({ length: n }, (_, i) => hold(i));
  const cashY = round1(y(cash));
  return svg(
    f,
    [
      axes(f, x, y, {
        xTicks: timeTicks(x.domain[0], x.domain[1], 9),
        yTicks: ticks,
        yFormat: format,
        yTitle: `equity (${quote})`,
        xTitle: 'time (UTC)',
      }),
      `<line class="ref" x1="${f.left}" x2="${f.width - f.right}" y1="${cashY}" y2="${cashY}"/>`,
      `<path class="hold" d="${linePath(
        minMaxIndices(holdValues, BUCKETS),
        (i) => x(c.time[i]!),
        (i) => y(holdValues[i]!),
      )}"/>`,
      `<path class="equity" d="${linePath(
        minMaxIndices(eq.subarray(0, n), BUCKETS),
        (i) => x(c.time[i]!),
        (i) => y(eq[i]!),
      )}"/>`,
      legend(f, [
        {
          label: `strategy equity (final ${fmt(result.metrics.finalEquity)} ${quote})`,
          swatch: '<line class="equity" x1="0" x2="14" y1="0" y2="0"/>',
        },
        {
          label: `buy & hold (${fmt(result.metrics.buyHoldReturnPct)}%)`,
          swatch: '<line class="hold" x1="0" x2="14" y1="0" y2="0"/>',
        },
        { label: `starting cash ${fmt(cash)}`, swatch: '<line class="ref" x1="0" x2="14" y1="0" y2="0"/>' },
      ]),
    ].join(''),
    'equity curve',
  );
}

function drawdownChart(c: Candles, result: BacktestResult, x: Scale): string {
  const f = frame(220);
  const eq = result.equity;
  const n = Math.min(eq.length, c.time.length);
  if (n === 0) return '<p>no equity</p>';
  const dd = new Float64Array(n);
  let peak = result.config.cash;
  let worst = 0;
  let worstAt = 0;
  for (let i = 0; i < n; i++) {
    peak = Math.max(peak, eq[i]!);
    dd[i] = peak > 0 ? ((eq[i]! - peak) / peak) * 100 : -100;
    if (dd[i]! < worst) [worst, worstAt] = [dd[i]!, i];
  }
  const y = linearScale([Math.min(-1, worst * 1.1), 0], [f.height - f.bottom, f.top]);
  const { ticks, format } = valueTicks(y.domain[0], 0, 5);
  const indices = minMaxIndices(dd, BUCKETS);
  const zero = round1(y(0));
  const line = linePath(
    indices,
    (i) => x(c.time[i]!),
    (i) => y(dd[i]!),
  );
  const area = `M${round1(x(c.time[indices[0]!]!))} ${zero}${line.replace(/^M/, 'L')}L${round1(x(c.time[indices[indices.length - 1]!]!))} ${zero}Z`;
  const [wx, wy] = [round1(x(c.time[worstAt]!)), round1(y(worst))];
  const labelAnchor = wx > f.width - 200 ? 'end' : 'start';
  return svg(
    f,
    [
      axes(f, x, y, {
        xTicks: timeTicks(x.domain[0], x.domain[1], 9),
        yTicks: ticks,
        yFormat: (v) => `${format(v)}%`,
        yTitle: 'drawdown (%)',
        xTitle: 'time (UTC)',
      }),
      `<path class="dd-area" d="${area}"/><path class="dd-line" d="${line}"/>`,
      worst < 0
        ? `<circle class="dd-max" cx="${wx}" cy="${wy}" r="3.5"/><text class="dd-label" x="${labelAnchor === 'end' ? wx - 8 : wx + 8}" y="${wy + 4}" text-anchor="${labelAnchor}">max ${fmt(worst)}% at ${fmtTime(c.time[worstAt]!)}</text>`
        : '',
      legend(f, [
        {
          label: 'equity below its running peak',
          swatch: '<rect class="dd-area" x="0" y="-5" width="14" height="10"/>',
        },
      ]),
    ].join(''),
    'drawdown (underwater) curve',
  );
}

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
.warn{margin:4px 0 10px;padding:6px 10px;border-left:4px solid #d97706;background:#fffbeb;color:#78350f}
.note{color:var(--muted);font-size:12px}footer{margin-top:24px;color:var(--muted);font-size:12px}
`;
