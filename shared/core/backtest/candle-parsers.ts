// Pure parsers from the candle and funding formats we meet (CSV with any common header, freqtrade
// and ccxt OHLCV arrays, objects with named keys) to sorted, de-duplicated column arrays.
import { InvalidArgumentError } from '../errors';
import { readDecimal, readTime } from './csv-values';
import { epochMs, epochMsFromText } from './time-values';
import type { Candles, FundingSeries } from './types';

/** A row or field that cannot be read; names the source, the row and the field. */
export class CandleParseError extends InvalidArgumentError {
  constructor(
    message: string,
    readonly source: string,
    readonly row?: number,
    readonly field?: string,
  ) {
    super(message, 'CANDLE_PARSE');
    this.name = 'CandleParseError';
  }
}

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

/** Accumulates rows in growing typed arrays, then sorts by time and drops later rows with an already seen time. */
class CandleBuilder {
  private length = 0;
  private time: Float64Array;
  private open: Float64Array;
  private high: Float64Array;
  private low: Float64Array;
  private close: Float64Array;
  private volume: Float64Array;

  constructor(capacity = 1024) {
    const size = Math.max(16, Math.ceil(capacity));
    this.time = new Float64Array(size);
    this.open = new Float64Array(size);
    this.high = new Float64Array(size);
    this.low = new Float64Array(size);
    this.close = new Float64Array(size);
    this.volume = new Float64Array(size);
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    const i = this.length++;
    if (i === this.time.length) this.grow();
    this.time[i] = time;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
  }

  private grow(): void {
    const larger = (values: Float64Array): Float64Array => {
      const next = new Float64Array(values.length * 2);
      next.set(values);
      return next;
    };
    this.time = larger(this.time);
    this.open = larger(this.open);
    this.high = larger(this.high);
    this.low = larger(this.low);
    this.close = larger(this.close);
    this.volume = larger(this.volume);
  }

  build(): Candles {
    const n = this.length;
    const time = this.time.subarray(0, n);
    // Files are nearly always in order without repeats: then every row is kept as it is.
    let increasing = true;
    for (let i = 1; i < n && increasing; i++) if (!(time[i]! > time[i - 1]!)) increasing = false;
    if (increasing) {
      const cut = (values: Float64Array): Float64Array => values.slice(0, n);
      return {
        time: cut(this.time),
        open: cut(this.open),
        high: cut(this.high),
        low: cut(this.low),
        close: cut(this.close),
        volume: cut(this.volume),
      };
    }
    const order = sortedUniqueOrder(time);
    const pick = (values: Float64Array): Float64Array => Float64Array.from(order, (i) => values[i]!);
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
function sortedUniqueOrder(time: ArrayLike<number>): number[] {
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

const NEWLINE = 10;
const RETURN = 13;
const QUOTE = 34;
const utf8 = new TextDecoder();

// Column codes in the row loop, in the order the builder takes them.
const TIME = 0;
const OPEN = 1;
const HIGH = 2;
const LOW = 3;
const CLOSE = 4;
const VOLUME = 5;
const COLUMN_CODE: Record<Column, number> = {
  time: TIME,
  open: OPEN,
  high: HIGH,
  low: LOW,
  close: CLOSE,
  volume: VOLUME,
};
const REQUIRED = (1 << TIME) | (1 << OPEN) | (1 << HIGH) | (1 << LOW) | (1 << CLOSE);

/** CSV with a header (names in any case, an unnamed first column = the time) or without one (t,o,h,l,c[,v]). */
export function parseCandlesCsv(text: string, source = 'csv'): Candles {
  return parseCandlesCsvBytes(new TextEncoder().encode(text), source);
}

/**
 * parseCandlesCsv on the file's UTF-8 bytes, as read: no string is made of the whole file.
 *
 * Speed (a million-row file in a fraction of a second, where splitting lines and fields took
 * seconds): one pass over the bytes; fields are read in place by csv-values.ts (plain decimals,
 * integer epochs, `YYYY-MM-DD[ HH:MM:SS]`) and rows go straight into typed arrays. A line the fast
 * readers do not take whole (quotes, blanks, exponents, a short row, a bad value, non-ASCII…) is
 * decoded and read again by the general reader (`csvRowReader`), which gives the value or the
 * error naming the line and the column: the fast path never decides anything the general one
 * would decide otherwise.
 */
export function parseCandlesCsvBytes(input: Uint8Array, source = 'csv'): Candles {
  // One element kind for the hot loop, whether a Buffer or a plain Uint8Array came in.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const size = bytes.length;
  const bom = size >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  // The first line that is not blank holds the header (or the first row); l counts lines from 0.
  let pos = bom ? 3 : 0;
  let l = 0;
  let headerStart = pos;
  let headerLine: string | undefined;
  while (pos <= size) {
    headerStart = pos;
    const end = lineEnd(bytes, pos);
    const line = utf8.decode(bytes.subarray(pos, contentEnd(bytes, pos, end)));
    pos = end + 1;
    if (line.trim() !== '') {
      headerLine = line;
      break;
    }
    l++;
  }
  if (headerLine === undefined) throw new CandleParseError(`${source}: no rows`, source);
  const delimiter = detectDelimiter(headerLine);
  const headerFields = splitCsvLine(headerLine, delimiter);
  const headerless = !Number.isNaN(epochMsFromText(headerFields[0] ?? '')) && Number.isFinite(finite(headerFields[1]));
  const index = headerless
    ? { time: 0, open: 1, high: 2, low: 3, close: 4, volume: headerFields.length > 5 ? 5 : -1 }
    : columnIndexes(headerFields, source);
  if (headerless) pos = headerStart;
  else l++;
  const readRow = csvRowReader(headerless ? undefined : headerFields, index, delimiter, source);

  // Field position → column code (or -1: a column we do not read).
  const width = Math.max(...Object.values(index)) + 1;
  const columnAt = new Int8Array(width).fill(-1);
  for (const column of Object.keys(index) as Column[])
    if (index[column] >= 0) columnAt[index[column]] = COLUMN_CODE[column];
  const delimiterCode = delimiter.charCodeAt(0);

  const builder = new CandleBuilder((size - pos) / Math.max(16, headerLine.length));
  const row = new Float64Array(6);
  let nextQuote = bytes.indexOf(QUOTE, pos);
  for (; pos <= size; l++) {
    const start = pos;
    const end = lineEnd(bytes, start);
    const stop = contentEnd(bytes, start, end);
    pos = end + 1;
    if (stop === start) continue;
    if (nextQuote >= 0 && nextQuote < start) nextQuote = bytes.indexOf(QUOTE, start);
    // A line with quotes, or starting with a blank (perhaps all blank), goes to the general reader.
    let seen = (nextQuote >= 0 && nextQuote < stop) || bytes[start]! <= 32 ? -1 : 0;
    row[VOLUME] = 0;
    for (let field = 0, from = start; seen >= 0 && field < width; field++) {
      // A plain loop: indexOf per field costs more in calls than it saves in scanning.
      let to = from;
      while (to < stop && bytes[to] !== delimiterCode) to++;
      const column = columnAt[field]!;
      if (column >= 0) {
        const value =
          column === TIME
            ? readTime(bytes, from, to)
            : column === VOLUME && to === from
              ? 0
              : readDecimal(bytes, from, to);
        if (Number.isNaN(value)) seen = -1;
        else {
          row[column] = value;
          seen |= 1 << column;
        }
      }
      if (to === stop) break;
      from = to + 1;
    }
    if (seen >= 0 && (seen & REQUIRED) === REQUIRED)
      builder.push(row[TIME]!, row[OPEN]!, row[HIGH]!, row[LOW]!, row[CLOSE]!, row[VOLUME]!);
    else readRow(utf8.decode(bytes.subarray(start, stop)), l, builder);
  }
  return builder.build();
}

/** The index of the '\n' ending the line that starts at `start`, or the end of the bytes. */
function lineEnd(bytes: Uint8Array, start: number): number {
  const end = bytes.indexOf(NEWLINE, start);
  return end < 0 ? bytes.length : end;
}

/** The line's end without the '\r' of a CRLF (a lone '\r' at the very end stays, as split(/\r?\n/) leaves it). */
function contentEnd(bytes: Uint8Array, start: number, end: number): number {
  return end > start && end < bytes.length && bytes[end - 1] === RETURN ? end - 1 : end;
}

/** The general reader of one line (line index `l`): pushes its candle, skips a blank line, or throws naming the line and column. */
function csvRowReader(
  headerFields: readonly string[] | undefined,
  index: Record<Column, number>,
  delimiter: string,
  source: string,
): (line: string, l: number, builder: CandleBuilder) => void {
  const name = (c: Column): string => (headerFields ? (headerFields[index[c]] ?? c).trim() || c : c);
  return (line, l, builder) => {
    if (line.trim() === '') return;
    const fields = splitCsvLine(line, delimiter);
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
  };
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

// --------------------------------------------------------------------------------------- JSON

/**
 * freqtrade / ccxt OHLCV arrays `[[ms, open, high, low, close, volume], …]` or objects with named
 * keys (`{ timestamp|time|date, open, high, low, close, volume }`). A null or absent volume is 0
 * (freqtrade's mark-price candles carry none).
 */
export function parseCandlesJson(data: unknown, source = 'json'): Candles {
  if (!Array.isArray(data))
    throw new CandleParseError(
      `${source}: expected an array of candles, got ${data === null ? 'null' : typeof data}`,
      source,
    );
  const builder = new CandleBuilder();
  data.forEach((row: unknown, r) => {
    const fail = (field: string, why: string): never => {
      throw new CandleParseError(`${source}: row [${r}], field ${field}: ${why}`, source, r, field);
    };
    const get = rowReader(row, () =>
      fail('row', `expected [time, open, high, low, close, volume] or an object, got ${show(row)}`),
    );
    const rawTime = get('time');
    const time = epochMs(rawTime);
    if (Number.isNaN(time)) fail('time', `${show(rawTime)} is not a date/time nor an epoch number`);
    const prices = PRICE_COLUMNS.map((c) => {
      const v = finite(get(c));
      if (!Number.isFinite(v)) fail(c, `${show(get(c))} is not a finite number`);
      return v;
    }) as [number, number, number, number];
    const rawVolume = get('volume');
    const volume = rawVolume === null || rawVolume === undefined ? 0 : finite(rawVolume);
    if (!Number.isFinite(volume)) fail('volume', `${show(rawVolume)} is not a finite number`);
    builder.push(time, ...prices, volume);
  });
  return builder.build();
}

const POSITION: Record<Column, number> = { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };

function rowReader(row: unknown, invalid: () => never): (c: Column) => unknown {
  if (Array.isArray(row)) return (c) => row[POSITION[c]];
  if (row === null || typeof row !== 'object') return invalid();
  const byColumn = new Map<Column, unknown>();
  for (const [key, value] of Object.entries(row)) {
    const column = columnFor(key);
    if (column !== undefined && !byColumn.has(column)) byColumn.set(column, value);
  }
  return (c) => byColumn.get(c);
}

/** CSV or JSON text, told apart by the first character. */
export function parseCandlesText(text: string, source = 'text'): Candles {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return parseCandlesJson(parseJson(trimmed, source), source);
  return parseCandlesCsv(text, source);
}

export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CandleParseError(`${source}: not valid JSON (${(error as Error).message})`, source);
  }
}

// ------------------------------------------------------------------------------------ funding

const FUNDING_TIME_KEYS = ['timestamp', 'time', 'date', 'fundingtime', 'funding_time', 'ts'];
const FUNDING_RATE_KEYS = ['fundingrate', 'funding_rate', 'rate', 'open'];

/**
 * freqtrade's `*-8h-funding_rate.json` (`[[ms, rate, …], …]`: the rate in column 1) or ccxt's
 * funding-rate history (`[{ timestamp, fundingRate }, …]`), sorted, first of each time kept.
 */
export function parseFundingSeries(data: unknown, source = 'funding'): FundingSeries {
  if (!Array.isArray(data)) throw new CandleParseError(`${source}: expected an array of funding rates`, source);
  const times: number[] = [];
  const rates: number[] = [];
  data.forEach((row: unknown, r) => {
    const fail = (field: string, why: string): never => {
      throw new CandleParseError(`${source}: row [${r}], field ${field}: ${why}`, source, r, field);
    };
    let rawTime: unknown;
    let rawRate: unknown;
    if (Array.isArray(row)) [rawTime, rawRate] = row;
    else if (row !== null && typeof row === 'object') {
      const entries = Object.entries(row).map(([k, v]) => [normaliseName(k), v] as const);
      rawTime = entries.find(([k]) => FUNDING_TIME_KEYS.includes(k))?.[1];
      rawRate = entries.find(([k]) => FUNDING_RATE_KEYS.includes(k))?.[1];
    } else fail('row', `expected [time, rate, …] or an object, got ${show(row)}`);
    const time = epochMs(rawTime);
    if (Number.isNaN(time)) fail('time', `${show(rawTime)} is not a date/time nor an epoch number`);
    const rate = finite(rawRate);
    if (!Number.isFinite(rate)) fail('rate', `${show(rawRate)} is not a finite number`);
    times.push(time);
    rates.push(rate);
  });
  const order = sortedUniqueOrder(times);
  return { time: Float64Array.from(order, (i) => times[i]!), rate: Float64Array.from(order, (i) => rates[i]!) };
}
