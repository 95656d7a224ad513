// Small inline-SVG chart kit for the backtest report: linear scales, readable UTC time and value
// ticks, and min/max downsampling so a line over 525k candles stays a few thousand points.

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Scale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain[0] === domain[1] ? [domain[0] - 1, domain[1] + 1] : domain;
  const k = (range[1] - range[0]) / (d1 - d0);
  const scale = ((v: number) => range[0] + (v - d0) * k) as Scale;
  scale.domain = [d0, d1];
  scale.range = range;
  return scale;
}

/** Indices of the points to draw: first, min, max and last of each of `buckets` buckets, in order. */
export function minMaxIndices(values: ArrayLike<number>, buckets: number): number[] {
  const n = values.length;
  if (n <= buckets * 2) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(n, Math.floor((b + 1) * size));
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (values[i]! < values[lo]!) lo = i;
      if (values[i]! > values[hi]!) hi = i;
    }
    for (const i of [start, Math.min(lo, hi), Math.max(lo, hi), end - 1]) if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

/** An SVG path through (x[i], y[i]) for the given indices; 1-decimal coordinates keep it small. */
export function linePath(indices: readonly number[], x: (i: number) => number, y: (i: number) => number): string {
  let d = '';
  for (const i of indices) d += `${d ? 'L' : 'M'}${round1(x(i))} ${round1(y(i))}`;
  return d;
}

export function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/** About `count` round values covering [min, max] (steps of 1, 2, 2.5 or 5 × 10^k). */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const step = niceStep((max - min) / Math.max(1, count));
  const first = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function niceStep(raw: number): number {
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const unit = raw / power;
  const nice = unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 2.5 ? 2.5 : unit <= 5 ? 5 : 10;
  return nice * power;
}

/** Decimals that tell ticks `step` apart. */
export function decimalsFor(step: number): number {
  if (!(step > 0)) return 2;
  const power = Math.floor(Math.log10(step) + 1e-9);
  // 2.5 × 10^k needs one digit more than 1, 2 or 5 × 10^k.
  const extra = Math.abs(step / Math.pow(10, power) - 2.5) < 1e-6 ? 1 : 0;
  return Math.max(0, Math.min(10, -power + extra));
}

export function formatNumber(v: number, decimals: number): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Candidate tick spacings; months and years are calendar steps (handled apart). */
const TIME_STEPS: Array<{ ms: number; months?: number }> = [
  { ms: MINUTE },
  { ms: 5 * MINUTE },
  { ms: 15 * MINUTE },
  { ms: 30 * MINUTE },
  { ms: HOUR },
  { ms: 3 * HOUR },
  { ms: 6 * HOUR },
  { ms: 12 * HOUR },
  { ms: DAY },
  { ms: 2 * DAY },
  { ms: 7 * DAY },
  { ms: 14 * DAY },
  { ms: 30 * DAY, months: 1 },
  { ms: 91 * DAY, months: 3 },
  { ms: 182 * DAY, months: 6 },
  { ms: 365 * DAY, months: 12 },
  { ms: 730 * DAY, months: 24 },
  { ms: 1826 * DAY, months: 60 },
];

export interface TimeTick {
  time: number;
  label: string;
}

/** At most `maxTicks` UTC time ticks on round boundaries, labelled for the span they cover. */
export function timeTicks(start: number, end: number, maxTicks: number): TimeTick[] {
  if (!(end > start)) return [{ time: start, label: formatUtc(start, 'minute') }];
  const step = TIME_STEPS.find((s) => (end - start) / s.ms <= maxTicks) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const ticks: number[] = [];
  if (step.months) {
    const d = new Date(start);
    const atMonthStart = start === Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    // Months counted from year 0, so quarters and years fall on January, April, …
    let month =
      Math.ceil((d.getUTCFullYear() * 12 + d.getUTCMonth() + (atMonthStart ? 0 : 1)) / step.months) * step.months;
    for (let t = monthStart(month); t <= end; month += step.months, t = monthStart(month)) ticks.push(t);
  } else {
    // Weeks start on Monday (1970-01-05 was one); other steps align on the epoch, which is midnight UTC.
    const origin = step.ms === 7 * DAY || step.ms === 14 * DAY ? 4 * DAY : 0;
    for (let t = Math.ceil((start - origin) / step.ms) * step.ms + origin; t <= end; t += step.ms) ticks.push(t);
  }
  const unit = step.months ? (step.months >= 12 ? 'year' : 'month') : step.ms >= DAY ? 'day' : 'minute';
  return ticks.map((time) => ({ time, label: formatUtc(time, unit) }));
}

function monthStart(monthsFromYearZero: number): number {
  return Date.UTC(Math.floor(monthsFromYearZero / 12), monthsFromYearZero % 12, 1);
}

export function formatUtc(ms: number, unit: 'year' | 'month' | 'day' | 'minute'): string {
  const iso = new Date(ms).toISOString();
  if (unit === 'year') return iso.slice(0, 4);
  if (unit === 'month') return iso.slice(0, 7);
  if (unit === 'day') return iso.slice(0, 10);
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Gridlines and labels of both axes, and the axis titles. */
export function axes(
  frame: Frame,
  x: Scale,
  y: Scale,
  options: { xTicks: TimeTick[]; yTicks: number[]; yFormat: (v: number) => string; yTitle: string; xTitle?: string },
): string {
  const { left, right, top, bottom, width, height } = frame;
  const plotRight = width - right;
  const plotBottom = height - bottom;
  const parts: string[] = [];
  for (const v of options.yTicks) {
    const py = round1(y(v));
    parts.push(`<line class="grid" x1="${left}" x2="${plotRight}" y1="${py}" y2="${py}"/>`);
    parts.push(
      `<text class="tick" x="${left - 6}" y="${py + 4}" text-anchor="end">${escapeXml(options.yFormat(v))}</text>`,
    );
  }
  for (const tick of options.xTicks) {
    const px = round1(x(tick.time));
    parts.push(`<line class="grid" x1="${px}" x2="${px}" y1="${top}" y2="${plotBottom}"/>`);
    parts.push(
      `<text class="tick" x="${px}" y="${plotBottom + 16}" text-anchor="middle">${escapeXml(tick.label)}</text>`,
    );
  }
  parts.push(`<rect class="plot" x="${left}" y="${top}" width="${plotRight - left}" height="${plotBottom - top}"/>`);
  parts.push(
    `<text class="axis-title" transform="translate(14 ${round1((top + plotBottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(options.yTitle)}</text>`,
  );
  if (options.xTitle)
    parts.push(
      `<text class="axis-title" x="${plotRight}" y="${height - 4}" text-anchor="end">${escapeXml(options.xTitle)}</text>`,
    );
  return parts.join('');
}

/** A row of legend entries above the plot. */
export function legend(frame: Frame, entries: ReadonlyArray<{ label: string; swatch: string }>): string {
  let x = frame.left;
  const y = frame.top - 10;
  return entries
    .map(({ label, swatch }) => {
      const item = `<g transform="translate(${x} ${y})">${swatch}<text class="legend" x="18" y="4">${escapeXml(label)}</text></g>`;
      x += 30 + label.length * 7;
      return item;
    })
    .join('');
}
