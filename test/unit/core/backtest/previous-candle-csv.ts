// The CSV candle parser as it was before the byte reader (commit 7e3528f), kept verbatim as the
// reference the new one must agree with on every input: same candles, or the same error.
import { CandleParseError } from '../../../../shared/core/backtest/candle-parsers';
import { epochMsFromText } from '../../../../shared/core/backtest/time-values';
import type { Candles } from '../../../../shared/core/backtest/types';

type Column = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume';
const PRICE_COLUMNS = ['open', 'high', 'low', 'close'] as const;

const ALIASES: Record<Column, readonly string[]> = {
  time: [
    'time',
    'date',
    'datetime',
    'date_time',
    'timestamp',
    'open_time',
    'opentime',
    'open_timestamp',
    'time_utc',
    'date_utc',
    'ts',
    'unix',
    't',
    'candle_begin_time',
    'start',
    'index',
  ],
  open: ['open', 'o', 'open_price'],
  high: ['high', 'h', 'high_price'],
  low: ['low', 'l', 'low_price'],
  close: ['close', 'c', 'close_price'],
  volume: ['volume', 'vol', 'v', 'base_volume', 'volume_base', 'volumefrom'],
};

const normaliseName = (name: string): string =>
  name
    .trim()
    .replace(/^"|"$/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

function columnFor(name: string): Column | undefined {
  const key = normaliseName(name);
  for (const column of Object.keys(ALIASES) as Column[]) if (ALIASES[column].includes(key)) return column;
  return undefined;
}

/** Accumulates rows, then sorts by time and drops later rows with an already seen time. */
class CandleBuilder {
  private readonly time: number[] = [];
  private readonly open: number[] = [];
  private readonly high: number[] = [];
  private readonly low: number[] = [];
  private readonly close: number[] = [];
  private readonly volume: number[] = [];

  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    this.time.push(time);
    this.open.push(open);
    this.high.push(high);
    this.low.push(low);
    this.close.push(close);
    this.volume.push(volume);
  }

  build(): Candles {
    const order = sortedUniqueOrder(this.time);
    const pick = (values: number[]): Float64Array => Float64Array.from(order, (i) => values[i]!);
    return {
      time: pick(this.time),
      open: pick(this.open),
      high: pick(this.high),
      low: pick(this.low),
      close: pick(this.close),
      volume: pick(this.volume),
    };
  }
}

/** Indexes in time order (stable), keeping the first row of each exact time. */
function sortedUniqueOrder(time: readonly number[]): number[] {
  let sorted = true;
  for (let i = 1; i < time.length && sorted; i++) if (time[i]! < time[i - 1]!) sorted = false;
  const order = Array.from(time, (_, i) => i);
  if (!sorted) order.sort((a, b) => time[a]! - time[b]! || a - b);
  const kept: number[] = [];
  for (const i of order) if (kept.length === 0 || time[kept[kept.length - 1]!] !== time[i]) kept.push(i);
  return kept;
}

function finite(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

// ---------------------------------------------------------------------------------------- CSV

/** CSV with a header (names in any case, an unnamed first column = the time) or without one (t,o,h,l,c[,v]). */
export function previousParseCandlesCsv(text: string, source = 'csv'): Candles {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) throw new CandleParseError(`${source}: no rows`, source);
  const delimiter = detectDelimiter(lines[first]!);
  const headerFields = splitCsvLine(lines[first]!, delimiter);
  const headerless = !Number.isNaN(epochMsFromText(headerFields[0] ?? '')) && Number.isFinite(finite(headerFields[1]));
  const index = headerless
    ? { time: 0, open: 1, high: 2, low: 3, close: 4, volume: headerFields.length > 5 ? 5 : -1 }
    : columnIndexes(headerFields, source);
  const builder = new CandleBuilder();
  for (let l = headerless ? first : first + 1; l < lines.length; l++) {
    const line = lines[l]!;
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line, delimiter);
    const name = (c: Column): string => (headerless ? c : (headerFields[index[c]] ?? c).trim() || c);
    const fail = (c: Column, why: string): never => {
      throw new CandleParseError(`${source}: row ${l + 1}, column ${name(c)}: ${why}`, source, l + 1, c);
    };
    const rawTime = fields[index.time];
    if (rawTime === undefined) fail('time', `missing (the row has ${fields.length} fields)`);
    const time = epochMsFromText(rawTime!);
    if (Number.isNaN(time)) fail('time', `${show(rawTime)} is not a date/time nor an epoch number`);
    const prices = PRICE_COLUMNS.map((c) => {
      const raw = fields[index[c]];
      const v = finite(raw);
      if (!Number.isFinite(v))
        fail(
          c,
          raw === undefined ? `missing (the row has ${fields.length} fields)` : `${show(raw)} is not a finite number`,
        );
      return v;
    }) as [number, number, number, number];
    const rawVolume = index.volume >= 0 ? fields[index.volume] : undefined;
    const volume = rawVolume === undefined || rawVolume.trim() === '' ? 0 : finite(rawVolume);
    if (!Number.isFinite(volume)) fail('volume', `${show(rawVolume)} is not a finite number`);
    builder.push(time, ...prices, volume);
  }
  return builder.build();
}

function columnIndexes(header: readonly string[], source: string): Record<Column, number> {
  const index: Record<Column, number> = { time: -1, open: -1, high: -1, low: -1, close: -1, volume: -1 };
  header.forEach((name, i) => {
    const column = columnFor(name);
    if (column !== undefined && index[column] < 0) index[column] = i;
  });
  // pandas writes the index (the date) as an unnamed first column: ",Open,High,Low,Close,Volume".
  if (index.time < 0 && normaliseName(header[0] ?? 'x') === '') index.time = 0;
  const missing = (['time', ...PRICE_COLUMNS] as const).filter((c) => index[c] < 0);
  if (missing.length > 0) {
    throw new CandleParseError(
      `${source}: header ${JSON.stringify(header.join(','))} lacks ${missing.join(', ')} (time may be time/date/datetime/timestamp/open_time or an unnamed first column)`,
      source,
      1,
      missing[0],
    );
  }
  return index;
}

function detectDelimiter(line: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, line.split(d).length] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

/** Splits one CSV line; double-quoted fields may hold the delimiter and "" for a quote. */
function splitCsvLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}
