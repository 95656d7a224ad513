// Reads candle and funding files from disk and hands the text to the pure parsers: CSV or JSON,
// told apart by the extension (.csv/.tsv/.txt, .json), else by the first character; .gz is unzipped.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  CandleParseError,
  parseCandlesCsvBytes,
  parseCandlesJson,
  parseCandlesText,
  parseFundingSeries,
  parseJson,
} from '../../core/backtest/candle-parsers';
import type { Candles, FundingSeries } from '../../core/backtest/types';

async function readBytes(path: string): Promise<{ bytes: Buffer; name: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CandleParseError(`${path}: cannot read (${code ?? (error as Error).message})`, path);
  }
  const gzipped = path.toLowerCase().endsWith('.gz');
  return {
    bytes: gzipped ? gunzipSync(bytes) : bytes,
    name: basename(path).toLowerCase().replace(/\.gz$/, ''),
  };
}

/** Candles from a CSV or JSON file (see parseCandlesCsv / parseCandlesJson); errors name the file. */
export async function loadCandlesFile(path: string): Promise<Candles> {
  const { bytes, name } = await readBytes(path);
  // CSV is read from the bytes: decoding a large file into one string costs as much as parsing it.
  if (/\.(csv|tsv|txt)$/.test(name)) return parseCandlesCsvBytes(bytes, path);
  const text = bytes.toString('utf8');
  if (name.endsWith('.json')) return parseCandlesJson(parseJson(text, path), path);
  return parseCandlesText(text, path);
}

/** A funding-rate series from a JSON file (freqtrade `*-funding_rate.json` or ccxt's history). */
export async function loadFundingFile(path: string): Promise<FundingSeries> {
  const text = (await readBytes(path)).bytes.toString('utf8');
  return parseFundingSeries(parseJson(text, path), path);
}
