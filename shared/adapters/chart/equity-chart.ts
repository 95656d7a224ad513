// The report's equity chart as a PNG, drawn in pure JavaScript (pureimage: no canvas, no browser,
// no native module), so it renders inside Lambda: ≈ 30 ms for 800 × 400 once the font is loaded.
// It shows the equity line, the fall below the running peak shaded red, a dot per trade exit
// (green won, red lost, grey even), 2–5 round-number equity ticks in the quote currency, and times
// in the account's time zone (HH:MM over up to 36 h; beyond, local midnights as MM-DD). pureimage
// writes the text and encodes the PNG; lines, dots and fills are drawn here on its bitmap (see
// Painter). Fewer than two readings (or all at one instant) give a chart that says "no equity data".
//
// Text needs a TrueType font file: assets/fonts/DejaVuSans.ttf (licence beside it). It is looked
// up, unless `fontPath` says where it is, at
//   1. <process.cwd()>/assets/fonts/DejaVuSans.ttf   — running from the sources (tsx, jest)
//   2. <LAMBDA_TASK_ROOT>/assets/fonts/DejaVuSans.ttf — a Lambda bundle shipping the folder
//   3. <LAMBDA_TASK_ROOT>/DejaVuSans.ttf              — a Lambda bundle with the file beside it
// (Lambda starts in LAMBDA_TASK_ROOT, so 1 and 2 coincide there.) The font is parsed once per
// process (≈ 70 ms) and kept.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import * as PImage from 'pureimage';
import { tradingDay } from '../../core/risk/trading-day';
import { ConfigError, InvalidArgumentError } from '../../core/errors';

type Bitmap = ReturnType<typeof PImage.make>;
type Context = ReturnType<Bitmap['getContext']>;

export const FONT_FILE = 'DejaVuSans.ttf';

export interface EquityChartPoint {
  /** epoch ms UTC */
  at: number;
  /** quote currency */
  equity: number;
}

/** A point or a trade exit as the report gives it: amounts as exact decimal text (or numbers). */
export interface EquityChartInput {
  at: number;
  equity: number | string;
}

export interface EquityChartOptions {
  title: string;
  /** pixels; default 800 */
  width?: number;
  /** pixels; default 400 */
  height?: number;
  /** IANA zone of the date labels; default UTC */
  timeZone?: string;
  /** trade exits to mark on the line: green when pnl > 0, red when < 0, grey at 0 */
  trades?: ReadonlyArray<{ at: number; pnl: number | string }>;
  /** the currency of the equity axis; default USDT */
  quote?: string;
  /** the TrueType font to draw text with; default: FONT_FILE looked up as the header says */
  fontPath?: string;
}

/** Where the font is looked for, in order, when no fontPath is given. */
export function fontCandidates(
  cwd: string = process.cwd(),
  taskRoot: string | undefined = process.env.LAMBDA_TASK_ROOT,
): string[] {
  const candidates = [path.resolve(cwd, 'assets', 'fonts', FONT_FILE)];
  if (taskRoot)
    candidates.push(path.resolve(taskRoot, 'assets', 'fonts', FONT_FILE), path.resolve(taskRoot, FONT_FILE));
  return [...new Set(candidates)];
}

/** The font file to use: `fontPath` when given (it must exist), else the first candidate found. */
export function resolveFontPath(fontPath?: string): string {
  if (fontPath !== undefined) {
    if (!existsSync(fontPath)) throw new ConfigError(`equity chart: font file not found at ${fontPath}`);
    return path.resolve(fontPath);
  }
  const candidates = fontCandidates();
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found)
    throw new ConfigError(
      `equity chart: font ${FONT_FILE} not found; looked at ${candidates.join(', ')} (pass fontPath, or ship assets/fonts/${FONT_FILE} with the bundle)`,
    );
  return found;
}

/** pureimage keeps fonts in a process-wide registry by family name: one family per file. */
const families = new Map<string, string>();

function fontFamily(fontPath: string): string {
  let family = families.get(fontPath);
  if (!family) {
    family = `equity-chart-${families.size}`;
    PImage.registerFont(fontPath, family).loadSync();
    families.set(fontPath, family);
  }
  return family;
}

type Rgb = readonly [number, number, number];

const rgb = (hex: string): Rgb => [
  parseInt(hex.slice(1, 3), 16),
  parseInt(hex.slice(3, 5), 16),
  parseInt(hex.slice(5, 7), 16),
];
const css = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;

const COLORS = {
  background: rgb('#ffffff'),
  title: rgb('#111827'),
  text: rgb('#4b5563'),
  muted: rgb('#9ca3af'),
  grid: rgb('#e5e7eb'),
  axis: rgb('#9ca3af'),
  line: rgb('#2563eb'),
  win: rgb('#16a34a'),
  loss: rgb('#dc2626'),
  even: rgb('#6b7280'),
  drawdown: rgb('#dc2626'),
} as const;
/** opacity of the drawdown shade */
const DRAWDOWN_ALPHA = 0.2;

const TITLE_SIZE = 15;
const LABEL_SIZE = 11;
const LINE_WIDTH = 2;

export async function renderEquityChartPng(
  points: ReadonlyArray<EquityChartInput>,
  options: EquityChartOptions,
): Promise<Uint8Array> {
  const width = Math.round(options.width ?? 800);
  const height = Math.round(options.height ?? 400);
  if (!(width >= 200 && height >= 120))
    throw new InvalidArgumentError(`equity chart: ${width}×${height} is too small (at least 200×120)`);
  const family = fontFamily(resolveFontPath(options.fontPath));
  const timeZone = options.timeZone ?? 'UTC';
  const quote = options.quote ?? 'USDT';

  const bitmap = PImage.make(width, height);
  const paint = new Painter(bitmap);
  paint.rect(0, 0, width, height, COLORS.background);
  const text = new Text(bitmap.getContext('2d'), family);
  text.draw(fitText(text, options.title, TITLE_SIZE, width - 24), 12, 22, { size: TITLE_SIZE, color: COLORS.title });

  // Pixels are floats: the report's exact amounts become numbers here, for the drawing only.
  const curve = points
    .map((p) => ({ at: p.at, equity: Number(p.equity) }))
    .filter((p) => Number.isFinite(p.at) && Number.isFinite(p.equity))
    .sort((a, b) => a.at - b.at);
  const trades = (options.trades ?? []).map((t) => ({ at: t.at, pnl: Number(t.pnl) }));
  const layout = { width, height, timeZone, quote };
  if (curve.length < 2 || curve[0]!.at === curve[curve.length - 1]!.at) drawNoData(paint, text, curve, layout);
  else drawChart(paint, text, curve, trades, layout);
  return encodePng(bitmap);
}

interface Layout {
  width: number;
  height: number;
  timeZone: string;
  quote: string;
}

function drawNoData(paint: Painter, text: Text, curve: readonly EquityChartPoint[], layout: Layout): void {
  const { width, height } = layout;
  paint.frame(12, 40, width - 24, height - 52, COLORS.grid);
  const middle = Math.round((40 + height - 12) / 2);
  text.draw('no equity data', width / 2, middle, { size: 14, color: COLORS.text, align: 'center' });
  const only = curve[curve.length - 1];
  if (only) {
    const when = formatLocal(only.at, layout.timeZone);
    text.draw(
      `one reading: ${formatNumber(only.equity, 2)} ${layout.quote} at ${when.day} ${when.time}`,
      width / 2,
      middle + 20,
      { size: LABEL_SIZE, color: COLORS.muted, align: 'center' },
    );
  }
}

function drawChart(
  paint: Painter,
  text: Text,
  curve: readonly EquityChartPoint[],
  trades: ReadonlyArray<{ at: number; pnl: number }>,
  layout: Layout,
): void {
  const { width, height, timeZone, quote } = layout;
  let min = Infinity;
  let max = -Infinity;
  for (const p of curve) {
    min = Math.min(min, p.equity);
    max = Math.max(max, p.equity);
  }
  // The plot (pixel columns left…right − 1, rows top…bottom − 1): right of the equity labels,
  // under the title row and the unit, above the dates. Equity labels stay 18 px apart or more.
  const top = 46;
  const bottom = height - 30;
  const axis = equityAxis(min, max, Math.min(5, Math.max(2, Math.floor((bottom - top) / 18) + 1)));
  const labels = axis.ticks.map((v) => formatNumber(v, axis.decimals));
  const labelWidth = Math.max(0, ...labels.map((l) => text.width(l, LABEL_SIZE)));
  const plot = { left: Math.ceil(12 + labelWidth + 8), right: width - 18, top, bottom };
  const t0 = curve[0]!.at;
  const t1 = curve[curve.length - 1]!.at;
  const x = (t: number) => plot.left + ((t - t0) / (t1 - t0)) * (plot.right - plot.left);
  const y = (v: number) => plot.bottom - ((v - axis.low) / (axis.high - axis.low)) * (plot.bottom - plot.top);

  // Unit above the equity labels, legend on the right of the same row.
  text.draw(quote, 12, 38, { size: LABEL_SIZE, color: COLORS.muted });
  const shown = trades.filter((trade) => trade.at >= t0 && trade.at <= t1 && Number.isFinite(trade.pnl));
  drawLegend(paint, text, Math.ceil(12 + text.width(quote, LABEL_SIZE) + 16), width - 18, 38, {
    won: shown.some((t) => t.pnl > 0),
    lost: shown.some((t) => t.pnl < 0),
    even: shown.some((t) => t.pnl === 0),
  });

  // Grid and equity ticks.
  axis.ticks.forEach((value, i) => {
    const row = Math.floor(y(value));
    paint.rect(plot.left, row, plot.right - plot.left, 1, COLORS.grid);
    text.draw(labels[i]!, plot.left - 8, row + 4, { size: LABEL_SIZE, color: COLORS.text, align: 'right' });
  });

  // Date ticks, thinned until their labels keep apart.
  const ticks = timeTicks(t0, t1, timeZone);
  const widest = Math.max(0, ...ticks.map((tick) => text.width(tick.label, LABEL_SIZE)));
  const every = Math.max(1, Math.ceil((widest + 12) / Math.max(1, minGap(ticks.map((tick) => x(tick.at))))));
  ticks.forEach((tick, i) => {
    if (i % every !== 0) return;
    const column = Math.min(Math.floor(x(tick.at)), plot.right - 1);
    paint.rect(column, plot.bottom, 1, 5, COLORS.axis);
    // Labels stay inside the image at either end.
    const w = text.width(tick.label, LABEL_SIZE);
    const cx = Math.min(Math.max(column + 0.5, 4 + w / 2), width - 4 - w / 2);
    text.draw(tick.label, cx, plot.bottom + 18, { size: LABEL_SIZE, color: COLORS.text, align: 'center' });
  });

  shadeDrawdowns(paint, curve, x, y, plot);

  // Axes: the column left of the plot and the row under it.
  paint.rect(plot.left - 1, plot.top, 1, plot.bottom - plot.top + 1, COLORS.axis);
  paint.rect(plot.left - 1, plot.bottom, plot.right - plot.left + 1, 1, COLORS.axis);

  // The equity line, min/max-thinned to a few points per pixel column.
  paint.polyline(
    thin(curve, x).map((p) => [x(p.at), y(p.equity)] as const),
    LINE_WIDTH,
    COLORS.line,
  );

  // Exits, on the line at their time; those outside the curve's span are left out.
  for (const trade of shown) {
    const px = x(trade.at);
    const py = y(equityAt(curve, trade.at));
    paint.disc(px, py, 5.5, COLORS.background);
    paint.disc(px, py, 4, trade.pnl > 0 ? COLORS.win : trade.pnl < 0 ? COLORS.loss : COLORS.even);
  }
}

/** The legend, right-aligned at `right`; without the exit dots, or not at all, when it would reach `left`. */
function drawLegend(
  paint: Painter,
  text: Text,
  left: number,
  right: number,
  baseline: number,
  exits: { won: boolean; lost: boolean; even: boolean },
): void {
  const lineItems: LegendItem[] = [
    {
      label: 'equity',
      mark: (x) =>
        paint.polyline(
          [
            [x, baseline - 4],
            [x + 14, baseline - 4],
          ],
          LINE_WIDTH,
          COLORS.line,
        ),
    },
    { label: 'drawdown', mark: (x) => paint.rect(x, baseline - 9, 14, 10, COLORS.drawdown, DRAWDOWN_ALPHA) },
  ];
  const dot = (label: string, color: Rgb): LegendItem => ({
    label,
    mark: (x) => paint.disc(x + 7, baseline - 4, 4, color),
  });
  const tradeItems: LegendItem[] = [
    ...(exits.won ? [dot('won', COLORS.win)] : []),
    ...(exits.lost ? [dot('lost', COLORS.loss)] : []),
    ...(exits.even ? [dot('even', COLORS.even)] : []),
  ];
  // Each item: its mark (14 px), 4 px, its label, 12 px before the next.
  const widthOf = (items: LegendItem[]) =>
    items.reduce((sum, item) => sum + Math.ceil(text.width(item.label, LABEL_SIZE)) + 18 + 12, -12);
  const items = [[...lineItems, ...tradeItems], lineItems].find((candidate) => widthOf(candidate) <= right - left);
  if (!items) return;
  let x = right;
  for (const item of [...items].reverse()) {
    x -= Math.ceil(text.width(item.label, LABEL_SIZE));
    text.draw(item.label, x, baseline, { size: LABEL_SIZE, color: COLORS.text });
    x -= 18;
    item.mark(x);
    x -= 12;
  }
}

interface LegendItem {
  label: string;
  /** draws the mark with its left edge at x */
  mark: (x: number) => void;
}

/**
 * The equity axis: the data's range padded by 6 % of it on both sides (so the line never runs on
 * the frame), and the most round values inside it (1, 2, 2.5, 5 × 10^k apart), at most `maxTicks`.
 */
export function equityAxis(
  min: number,
  max: number,
  maxTicks = 5,
): { ticks: number[]; low: number; high: number; decimals: number } {
  // A flat curve still gets an axis: ±1 % around it (±1 at zero).
  const span = max - min || Math.abs(max) * 0.02 || 2;
  const low = max === min ? min - span / 2 : min - span * 0.06;
  const high = max === min ? max + span / 2 : max + span * 0.06;
  let step = niceStep((high - low) / 5);
  for (;;) {
    const first = Math.ceil(low / step - 1e-9);
    const last = Math.floor(high / step + 1e-9);
    if (last - first + 1 <= maxTicks) {
      const ticks = Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toPrecision(12)));
      return { ticks, low, high, decimals: decimalsFor(step) };
    }
    step = niceStep(step * 1.01);
  }
}

/** The round step at or above `raw`: 1, 2, 2.5 or 5 × 10^k. */
function niceStep(raw: number): number {
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const unit = raw / power;
  const nice = unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 2.5 ? 2.5 : unit <= 5 ? 5 : 10;
  return nice * power;
}

/** Decimals that tell ticks `step` apart (2.5 × 10^k needs one more than 1, 2 or 5 × 10^k). */
function decimalsFor(step: number): number {
  const power = Math.floor(Math.log10(step) + 1e-9);
  const extra = Math.abs(step / Math.pow(10, power) - 2.5) < 1e-6 ? 1 : 0;
  return Math.max(0, Math.min(8, -power + extra));
}

const numberFormats = new Map<number, Intl.NumberFormat>();
function formatNumber(value: number, decimals: number): string {
  let format = numberFormats.get(decimals);
  if (!format)
    numberFormats.set(
      decimals,
      (format = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })),
    );
  return format.format(value);
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface TimeTick {
  at: number;
  label: string;
}

/**
 * About 8 ticks or fewer, in the zone. Up to 36 h: on round hours (every 1, 2, 3, 4, 6 or 12 h),
 * labelled HH:MM. Up to 4 days: the same, with local midnights labelled MM-DD. Longer: local
 * midnights only (every 1, 2, 7, 14 or 28 days), MM-DD.
 */
export function timeTicks(start: number, end: number, timeZone: string): TimeTick[] {
  const span = end - start;
  if (span <= 4 * DAY) {
    const dated = span > 36 * HOUR;
    const hours = [1, 2, 3, 4, 6, 12].find((h) => span / (h * HOUR) <= 8) ?? 12;
    const ticks: TimeTick[] = [];
    // Every quarter hour, so zones with :30 and :45 offsets find their round hours too.
    const quarter = 15 * 60_000;
    for (let t = Math.ceil(start / quarter) * quarter; t <= end; t += quarter) {
      const local = formatLocal(t, timeZone);
      if (local.minute !== 0 || local.hour % hours !== 0) continue;
      ticks.push({ at: t, label: dated && local.hour === 0 ? local.day : local.time });
    }
    return ticks;
  }
  const days = [1, 2, 7, 14, 28].find((d) => span / (d * DAY) <= 8) ?? Math.ceil(span / (8 * DAY));
  const midnights: number[] = [];
  let day = tradingDay(start, timeZone);
  if (day.start < start) day = tradingDay(day.next, timeZone);
  while (day.start <= end) {
    midnights.push(day.start);
    day = tradingDay(day.next, timeZone);
  }
  return midnights.filter((_, i) => i % days === 0).map((at) => ({ at, label: formatLocal(at, timeZone).day }));
}

const localFormats = new Map<string, Intl.DateTimeFormat>();
function formatLocal(at: number, timeZone: string): { day: string; time: string; hour: number; minute: number } {
  let format = localFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    localFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  const { month = '??', day = '??', hour = '??', minute = '??' } = parts;
  return { day: `${month}-${day}`, time: `${hour}:${minute}`, hour: Number(hour), minute: Number(minute) };
}

function minGap(xs: readonly number[]): number {
  let gap = Infinity;
  for (let i = 1; i < xs.length; i++) gap = Math.min(gap, xs[i]! - xs[i - 1]!);
  return gap;
}

/** First, lowest, highest and last point of each pixel column, in time order. */
function thin(curve: readonly EquityChartPoint[], x: (t: number) => number): EquityChartPoint[] {
  const out: EquityChartPoint[] = [];
  let column = NaN;
  let bucket: EquityChartPoint[] = [];
  const flush = () => {
    if (bucket.length === 0) return;
    let lo = bucket[0]!;
    let hi = bucket[0]!;
    for (const p of bucket) {
      if (p.equity < lo.equity) lo = p;
      if (p.equity > hi.equity) hi = p;
    }
    const picked = [bucket[0]!, ...(lo.at <= hi.at ? [lo, hi] : [hi, lo]), bucket[bucket.length - 1]!];
    for (const p of picked) if (out[out.length - 1] !== p) out.push(p);
    bucket = [];
  };
  for (const p of curve) {
    const c = Math.floor(x(p.at));
    if (c !== column) {
      flush();
      column = c;
    }
    bucket.push(p);
  }
  flush();
  return out;
}

/** The curve's equity at `at`, linear between its points. */
function equityAt(curve: readonly EquityChartPoint[], at: number): number {
  let lo = 0;
  let hi = curve.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (curve[mid]!.at <= at) lo = mid;
    else hi = mid;
  }
  const a = curve[lo]!;
  const b = curve[hi]!;
  if (at <= a.at || b.at === a.at) return a.equity;
  if (at >= b.at) return b.equity;
  return a.equity + ((b.equity - a.equity) * (at - a.at)) / (b.at - a.at);
}

/**
 * The area between the running peak and the line (linear between points), pixel column by pixel
 * column: each column spans from the highest peak reached by its end to the lowest equity in it.
 */
function shadeDrawdowns(
  paint: Painter,
  curve: readonly EquityChartPoint[],
  x: (t: number) => number,
  y: (v: number) => number,
  plot: { left: number; right: number },
): void {
  const first = plot.left;
  const columns = plot.right - plot.left;
  const low = new Float64Array(columns).fill(Infinity);
  const high = new Float64Array(columns).fill(-Infinity);
  const touch = (column: number, v: number) => {
    const i = Math.min(columns - 1, Math.max(0, column - first));
    if (v < low[i]!) low[i] = v;
    if (v > high[i]!) high[i] = v;
  };
  for (let k = 0; k < curve.length; k++) {
    const a = curve[k]!;
    const xa = x(a.at);
    touch(Math.floor(xa), a.equity);
    const b = curve[k + 1];
    if (!b) break;
    const xb = x(b.at);
    // Where the segment crosses a column boundary, the value there belongs to both columns.
    for (let boundary = Math.floor(xa) + 1; boundary <= xb; boundary++) {
      const v = a.equity + ((b.equity - a.equity) * (boundary - xa)) / (xb - xa);
      touch(boundary - 1, v);
      touch(boundary, v);
    }
  }
  let peak = -Infinity;
  for (let i = 0; i < columns; i++) {
    if (low[i] === Infinity) continue;
    peak = Math.max(peak, high[i]!);
    if (!(low[i]! < peak)) continue;
    const top = Math.round(y(peak));
    paint.rect(first + i, top, 1, Math.round(y(low[i]!)) - top, COLORS.drawdown, DRAWDOWN_ALPHA);
  }
}

/**
 * Direct drawing on the bitmap's RGBA bytes, for what pureimage draws poorly or slowly: its
 * polygon fill is even-odd, so a thick line that crosses itself (a dense equity curve) gets holes.
 * Here a line is the union of round-capped segments, anti-aliased by the distance of each pixel's
 * centre to the nearest segment, blended once.
 */
class Painter {
  private readonly data: Uint8Array;
  private readonly width: number;
  private readonly height: number;

  constructor(bitmap: Bitmap) {
    this.data = bitmap.data;
    this.width = bitmap.width;
    this.height = bitmap.height;
  }

  /** Blends `color` at `alpha` over the pixel (px, py), if inside. */
  private blend(px: number, py: number, [r, g, b]: Rgb, alpha: number): void {
    if (px < 0 || py < 0 || px >= this.width || py >= this.height || alpha <= 0) return;
    const i = (py * this.width + px) * 4;
    const d = this.data;
    d[i] = Math.round(d[i]! + (r - d[i]!) * alpha);
    d[i + 1] = Math.round(d[i + 1]! + (g - d[i + 1]!) * alpha);
    d[i + 2] = Math.round(d[i + 2]! + (b - d[i + 2]!) * alpha);
    d[i + 3] = 255;
  }

  /** Pixel columns x…x+w−1, rows y…y+h−1 (rounded). */
  rect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
    const [x0, y0, x1, y1] = [Math.round(x), Math.round(y), Math.round(x + w), Math.round(y + h)];
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.blend(px, py, color, alpha);
  }

  /** A one-pixel outline around columns x…x+w−1, rows y…y+h−1. */
  frame(x: number, y: number, w: number, h: number, color: Rgb): void {
    this.rect(x, y, w, 1, color);
    this.rect(x, y + h - 1, w, 1, color);
    this.rect(x, y + 1, 1, h - 2, color);
    this.rect(x + w - 1, y + 1, 1, h - 2, color);
  }

  disc(cx: number, cy: number, radius: number, color: Rgb): void {
    this.coverage([[cx, cy]], radius, color);
  }

  polyline(points: ReadonlyArray<readonly [number, number]>, lineWidth: number, color: Rgb): void {
    this.coverage(points, lineWidth / 2, color);
  }

  /** Everything within `radius` of the path through `points` (one point: a disc). */
  private coverage(points: ReadonlyArray<readonly [number, number]>, radius: number, color: Rgb): void {
    if (points.length === 0) return;
    const reach = radius + 1;
    // The coverage of the pixels in the path's bounding box, the most any segment gives each.
    let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [px, py] of points) {
      left = Math.min(left, px);
      right = Math.max(right, px);
      top = Math.min(top, py);
      bottom = Math.max(bottom, py);
    }
    const bx0 = Math.max(0, Math.floor(left - reach));
    const by0 = Math.max(0, Math.floor(top - reach));
    const bx1 = Math.min(this.width - 1, Math.ceil(right + reach));
    const by1 = Math.min(this.height - 1, Math.ceil(bottom + reach));
    if (bx1 < bx0 || by1 < by0) return;
    const boxWidth = bx1 - bx0 + 1;
    const cover = new Float32Array(boxWidth * (by1 - by0 + 1));
    for (let k = 0; k < Math.max(1, points.length - 1); k++) {
      const [ax, ay] = points[k]!;
      const [bx, by] = points[k + 1] ?? points[k]!;
      const dx = bx - ax;
      const dy = by - ay;
      const length2 = dx * dx + dy * dy;
      const x0 = Math.max(bx0, Math.floor(Math.min(ax, bx) - reach));
      const x1 = Math.min(bx1, Math.ceil(Math.max(ax, bx) + reach));
      const y0 = Math.max(by0, Math.floor(Math.min(ay, by) - reach));
      const y1 = Math.min(by1, Math.ceil(Math.max(ay, by) + reach));
      for (let py = y0; py <= y1; py++) {
        const cy = py + 0.5;
        for (let px = x0; px <= x1; px++) {
          const cx = px + 0.5;
          const t = length2 > 0 ? Math.min(1, Math.max(0, ((cx - ax) * dx + (cy - ay) * dy) / length2)) : 0;
          const ex = ax + t * dx - cx;
          const ey = ay + t * dy - cy;
          const c = Math.min(1, radius + 0.5 - Math.sqrt(ex * ex + ey * ey));
          const i = (py - by0) * boxWidth + (px - bx0);
          if (c > cover[i]!) cover[i] = c;
        }
      }
    }
    for (let i = 0; i < cover.length; i++) {
      if (cover[i]! > 0) this.blend(bx0 + (i % boxWidth), by0 + Math.floor(i / boxWidth), color, cover[i]!);
    }
  }
}

/** Text in the registered family, measured and drawn at a size. */
class Text {
  constructor(
    private readonly ctx: Context,
    private readonly family: string,
  ) {}

  width(text: string, size: number): number {
    this.ctx.font = `${size}px ${this.family}`;
    return this.ctx.measureText(text).width;
  }

  /** `y` is the baseline. */
  draw(
    text: string,
    x: number,
    y: number,
    style: { size: number; color: Rgb; align?: 'left' | 'center' | 'right' },
  ): void {
    this.ctx.font = `${style.size}px ${this.family}`;
    this.ctx.fillStyle = css(style.color);
    this.ctx.textAlign = style.align ?? 'left';
    this.ctx.textBaseline = 'alphabetic';
    this.ctx.fillText(text, x, y);
  }
}

/** `text`, cut with an ellipsis until it fits `maxWidth`. */
function fitText(text: Text, value: string, size: number, maxWidth: number): string {
  if (text.width(value, size) <= maxWidth) return value;
  let cut = value;
  while (cut.length > 1 && text.width(`${cut}…`, size) > maxWidth) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

async function encodePng(bitmap: Bitmap): Promise<Uint8Array> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  // Level 6 instead of pureimage's 9: the same size within a few percent, in less time.
  await PImage.encodePNGToStream(bitmap, sink, { deflateLevel: 6 });
  await ended;
  const png = Buffer.concat(chunks);
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
