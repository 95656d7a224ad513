// Pure parsers from the candle and funding formats we meet (CSV with any common header, freqtrade
// and ccxt OHLCV arrays, objects with named keys) to sorted, de-duplicated column arrays.
import { InvalidArgumentError } from '../errors';
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
export function parseCandlesCsv(text: string, source = 'csv'): Candles {
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
