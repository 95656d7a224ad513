// Reads candle and funding files from disk and hands the text to the pure parsers: CSV or JSON,
// told apart by the extension (.csv/.tsv/.txt, .json), else by the first character; .gz is unzipped.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  CandleParseError,
  parseCandlesCsv,
  parseCandlesJson,
  parseCandlesText,
  parseFundingSeries,
  parseJson,
} from '../../core/backtest/candle-parsers';
import type { Candles, FundingSeries } from '../../core/backtest/types';

async function readText(path: string): Promise<{ text: string; name: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CandleParseError(`${path}: cannot read (${code ?? (error as Error).message})`, path);
  }
  const gzipped = path.toLowerCase().endsWith('.gz');
  return {
    text: (gzipped ? gunzipSync(bytes) : bytes).toString('utf8'),
    name: basename(path).toLowerCase().replace(/\.gz$/, ''),
  };
}

/** Candles from a CSV or JSON file (see parseCandlesCsv / parseCandlesJson); errors name the file. */
export async function loadCandlesFile(path: string): Promise<Candles> {
  const { text, name } = await readText(path);
  if (/\.(csv|tsv|txt)$/.test(name)) return parseCandlesCsv(text, path);
  if (name.endsWith('.json')) return parseCandlesJson(parseJson(text, path), path);
  return parseCandlesText(text, path);
}

/** A funding-rate series from a JSON file (freqtrade `*-funding_rate.json` or ccxt's history). */
export async function loadFundingFile(path: string): Promise<FundingSeries> {
  const { text } = await readText(path);
  return parseFundingSeries(parseJson(text, path), path);
}
