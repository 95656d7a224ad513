// The local market-data cache: where a symbol's candles and funding rates live on disk, and how
// they are read and written (freqtrade-style JSON arrays, one row per line, replaced atomically so
// an interrupted download never leaves a half-written file).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvalidArgumentError } from '../../core/errors';

/** `[open time ms UTC, open, high, low, close, volume]` */
export type CandleRow = [number, number, number, number, number, number];
/** `[funding time ms UTC, rate]` */
export type FundingRow = [number, number];

/** What a download learnt beyond the rows themselves, so a rerun does not ask again. */
export interface CacheMeta {
  /** [from, to) ranges the exchange answered without any candle (before listing, outages) */
  emptyCandleRanges: Array<[number, number]>;
  /** [from, to) over which every funding rate has been fetched */
  fundingCovered?: [number, number];
}

export const DEFAULT_CACHE_DIR = join('data', 'cache');

/** `BTC/USDT:USDT` → `BTC_USDT_USDT`, safe as a file name on every system. */
export function symbolFileStem(symbol: string): string {
  const stem = symbol
    .trim()
    .replace(/[/:]/g, '_')
    .replace(/[^A-Za-z0-9_.-]/g, '');
  if (!stem) throw new InvalidArgumentError(`symbol "${symbol}" gives no file name`);
  return stem.toUpperCase();
}

export function candleCachePath(cacheDir: string, exchangeId: string, symbol: string, timeframe: string): string {
  return join(cacheDir, exchangeId, `${symbolFileStem(symbol)}-${timeframe}.json`);
}

export function fundingCachePath(cacheDir: string, exchangeId: string, symbol: string): string {
  return join(cacheDir, exchangeId, `${symbolFileStem(symbol)}-funding.json`);
}

/** The side file holding a data file's CacheMeta. */
export function metaPathFor(dataFile: string): string {
  return dataFile.replace(/\.json$/, '') + '.meta.json';
}

export async function readCandleRows(file: string): Promise<CandleRow[]> {
  const rows = await readJsonArray(file);
  return rows.map((row, i) => {
    if (
      !Array.isArray(row) ||
      row.length < 6 ||
      !row.slice(0, 6).every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      throw new InvalidArgumentError(`${file}: row ${i} is not [time, open, high, low, close, volume]`, 'INVALID_DATA');
    }
    return row.slice(0, 6) as CandleRow;
  });
}

export async function readFundingRows(file: string): Promise<FundingRow[]> {
  const rows = await readJsonArray(file);
  return rows.map((row, i) => {
    if (!Array.isArray(row) || row.length < 2 || typeof row[0] !== 'number' || typeof row[1] !== 'number') {
      throw new InvalidArgumentError(`${file}: row ${i} is not [time, rate]`, 'INVALID_DATA');
    }
    return [row[0], row[1]] as FundingRow;
  });
}

export async function readMeta(dataFile: string): Promise<CacheMeta> {
  try {
    const meta = JSON.parse(await readFile(metaPathFor(dataFile), 'utf8')) as Partial<CacheMeta>;
    return {
      emptyCandleRanges: Array.isArray(meta.emptyCandleRanges) ? meta.emptyCandleRanges : [],
      ...(meta.fundingCovered ? { fundingCovered: meta.fundingCovered } : {}),
    };
  } catch (error) {
    // A missing or unreadable side file only costs a few repeated requests.
    if (isNotFound(error) || error instanceof SyntaxError) return { emptyCandleRanges: [] };
    throw error;
  }
}

export async function writeMeta(dataFile: string, meta: CacheMeta): Promise<void> {
  await writeAtomically(metaPathFor(dataFile), JSON.stringify(meta, null, 1) + '\n');
}

/** Rows sorted by time, one per line. */
export async function writeRows(file: string, rows: ReadonlyArray<readonly number[]>): Promise<void> {
  await writeAtomically(file, rows.length ? `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n` : '[]\n');
}

async function readJsonArray(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`${file}: not valid JSON; move it away to download afresh`, 'INVALID_DATA');
  }
  if (!Array.isArray(rows)) throw new InvalidArgumentError(`${file}: expected a JSON array of rows`, 'INVALID_DATA');
  return rows;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'ENOENT';
}
