// Downloads closed OHLCV candles (and funding rates for perpetuals) through ccxt's public API into
// the local cache. It asks only for what the cache lacks inside the requested range: missing
// candle times anywhere in it (a resumed or gapped download), not just past the last row; a rerun
// over a complete range sends no request.
import type { CcxtExchange } from '../exchange/ccxt-lib';
import {
  candleCachePath,
  fundingCachePath,
  readCandleRows,
  readFundingRows,
  readMeta,
  writeMeta,
  writeRows,
  type CandleRow,
  type FundingRow,
} from './candle-cache';
import { InvalidArgumentError } from '../../core/errors';

export interface DownloadProgress {
  kind: 'candles' | 'funding';
  /** candle slots (or funding milliseconds) resolved so far, out of `total` */
  done: number;
  total: number;
}

export interface DownloadOptions {
  /** a ccxt instance from createCcxtExchange */
  exchange: CcxtExchange;
  /** the folder name under the cache directory, e.g. binanceusdm */
  exchangeId: string;
  /** ccxt unified symbol, e.g. BTC/USDT:USDT */
  symbol: string;
  timeframe: string;
  /** first candle open time wanted, ms UTC */
  since: number;
  /** candles opening before this time, ms UTC; now when omitted */
  until?: number;
  funding?: boolean;
  cacheDir: string;
  /** candles per request (ccxt caps Binance at 1000) */
  pageLimit?: number;
  /** how often the cache is written while a long range downloads */
  flushEveryMs?: number;
  now?: () => number;
  onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadReport {
  candlesFile: string;
  fundingFile?: string;
  since: number;
  until: number;
  /** requests sent to the exchange (0 when the cache already covered everything) */
  requests: number;
  /** candles missing from the cache before this run */
  missingBefore: number;
  newCandles: number;
  totalCandles: number;
  newFundingRates: number;
  totalFundingRates: number;
}

/** Slots this close to now may still appear on the exchange: never recorded as empty. */
const SETTLE_MS = 5 * 60_000;
/** Funding is paid at most hourly: a shorter uncovered tail cannot hold a new rate. */
const MIN_FUNDING_GAP_MS = 3_600_000;

export async function downloadCandles(options: DownloadOptions): Promise<DownloadReport> {
  const { exchange, symbol, timeframe } = options;
  const now = (options.now ?? Date.now)();
  const tf = timeframeMs(exchange, timeframe);
  const since = Math.ceil(options.since / tf) * tf;
  // The candle opening at floor(now/tf)*tf is still forming: stop before it.
  const until = Math.min(options.until ?? Number.POSITIVE_INFINITY, Math.floor(now / tf) * tf);
  if (!(until > since))
    throw new InvalidArgumentError(`nothing to download: the range ${iso(since)} → ${iso(until)} is empty`);
  const counter = { requests: 0 };

  const candlesFile = candleCachePath(options.cacheDir, options.exchangeId, symbol, timeframe);
  const candleResult = await fillCandles({ ...options, since, until, tf, nowMs: now, candlesFile, counter });
  const report: DownloadReport = {
    candlesFile,
    since,
    until,
    requests: 0,
    missingBefore: candleResult.missingBefore,
    newCandles: candleResult.added,
    totalCandles: candleResult.total,
    newFundingRates: 0,
    totalFundingRates: 0,
  };
  if (options.funding) {
    const fundingFile = fundingCachePath(options.cacheDir, options.exchangeId, symbol);
    const funding = await fillFunding({ ...options, since, until: Math.min(until, now), fundingFile, counter });
    Object.assign(report, { fundingFile, newFundingRates: funding.added, totalFundingRates: funding.total });
  }
  report.requests = counter.requests;
  return report;
}

interface CandleJob extends DownloadOptions {
  since: number;
  until: number;
  tf: number;
  nowMs: number;
  candlesFile: string;
  counter: { requests: number };
}

async function fillCandles(job: CandleJob): Promise<{ missingBefore: number; added: number; total: number }> {
  const { exchange, symbol, timeframe, tf, since, until, candlesFile } = job;
  const byTime = new Map<number, CandleRow>((await readCandleRows(candlesFile)).map((r) => [r[0], r]));
  const meta = await readMeta(candlesFile);
  const before = byTime.size;
  const gaps = missingRanges(byTime, meta.emptyCandleRanges, since, until, tf);
  const missingBefore = gaps.reduce((n, [a, b]) => n + (b - a) / tf, 0);
  const pageLimit = job.pageLimit ?? 1000;
  const flushEveryMs = job.flushEveryMs ?? 5_000;
  let resolved = 0;
  let lastFlush = Date.now();
  const settledBefore = job.nowMs - SETTLE_MS - tf;
  const markEmpty = (from: number, to: number) => {
    const end = Math.min(to, settledBefore);
    if (end > from) meta.emptyCandleRanges = mergeRanges([...meta.emptyCandleRanges, [from, end]]);
  };
  const flush = async () => {
    await writeRows(
      candlesFile,
      [...byTime.values()].sort((a, b) => a[0] - b[0]),
    );
    await writeMeta(candlesFile, meta);
    lastFlush = Date.now();
  };
  job.onProgress?.({ kind: 'candles', done: 0, total: missingBefore });
  try {
    for (const [from, to] of gaps) {
      let cursor = from;
      while (cursor < to) {
        job.counter.requests++;
        const page = await exchange.fetchOHLCV(symbol, timeframe, cursor, pageLimit, { until: to - 1 });
        const rows = page
          .map(toCandleRow)
          .filter((r): r is CandleRow => r !== undefined && r[0] >= cursor && r[0] < to);
        if (rows.length === 0) {
          markEmpty(cursor, to);
          resolved += (to - cursor) / tf;
          cursor = to;
          break;
        }
        rows.sort((a, b) => a[0] - b[0]);
        let expected = cursor;
        for (const row of rows) {
          byTime.set(row[0], row);
          // Slots the page skipped over hold no candle on the exchange.
          if (row[0] > expected) markEmpty(expected, row[0]);
          expected = row[0] + tf;
        }
        const next = rows[rows.length - 1]![0] + tf;
        resolved += (next - cursor) / tf;
        cursor = next;
        job.onProgress?.({ kind: 'candles', done: Math.min(resolved, missingBefore), total: missingBefore });
        if (Date.now() - lastFlush >= flushEveryMs) await flush();
      }
      job.onProgress?.({ kind: 'candles', done: Math.min(resolved, missingBefore), total: missingBefore });
    }
  } finally {
    // Whatever arrived before a failure is kept: the next run resumes from there.
    if (byTime.size !== before || gaps.length) await flush();
  }
  return { missingBefore, added: byTime.size - before, total: byTime.size };
}

interface FundingJob extends DownloadOptions {
  since: number;
  until: number;
  fundingFile: string;
  counter: { requests: number };
}

async function fillFunding(job: FundingJob): Promise<{ added: number; total: number }> {
  const { exchange, symbol, since, until, fundingFile } = job;
  const byTime = new Map<number, FundingRow>((await readFundingRows(fundingFile)).map((r) => [r[0], r]));
  const meta = await readMeta(fundingFile);
  const before = byTime.size;
  const pageLimit = job.pageLimit ?? 1000;
  const covered = meta.fundingCovered;
  // Funding times are not on a fixed grid, so what is known is the span already fetched in full.
  const ranges: Array<[number, number]> = covered
    ? [
        ...(since < covered[0] ? [[since, covered[0]] as [number, number]] : []),
        ...(until - covered[1] >= MIN_FUNDING_GAP_MS ? [[covered[1], until] as [number, number]] : []),
      ]
    : [[since, until]];
  const total = ranges.reduce((n, [a, b]) => n + (b - a), 0);
  let done = 0;
  const save = async () => {
    await writeRows(
      fundingFile,
      [...byTime.values()].sort((a, b) => a[0] - b[0]),
    );
    await writeMeta(fundingFile, meta);
  };
  job.onProgress?.({ kind: 'funding', done, total });
  try {
    for (const [from, to] of ranges) {
      let cursor = from;
      while (cursor < to) {
        job.counter.requests++;
        const page = await exchange.fetchFundingRateHistory(symbol, cursor, pageLimit, { until: to - 1 });
        const rows = page
          .map((f) =>
            typeof f.timestamp === 'number' && typeof f.fundingRate === 'number'
              ? ([f.timestamp, f.fundingRate] as FundingRow)
              : undefined,
          )
          .filter((r): r is FundingRow => r !== undefined && r[0] >= cursor && r[0] < to);
        if (rows.length === 0) break;
        for (const row of rows) byTime.set(row[0], row);
        const next = Math.max(...rows.map((r) => r[0])) + 1;
        done += next - cursor;
        cursor = next;
        job.onProgress?.({ kind: 'funding', done: Math.min(done, total), total });
      }
      meta.fundingCovered = extendCoverage(meta.fundingCovered, [from, to]);
    }
    job.onProgress?.({ kind: 'funding', done: total, total });
  } finally {
    if (ranges.length) await save();
  }
  return { added: byTime.size - before, total: byTime.size };
}

/** [from, to) runs of candle times in [since, until) that are neither cached nor known empty. */
export function missingRanges(
  present: { has(time: number): boolean },
  emptyRanges: ReadonlyArray<readonly [number, number]>,
  since: number,
  until: number,
  tf: number,
): Array<[number, number]> {
  const empty = mergeRanges(emptyRanges.map(([a, b]) => [a, b] as [number, number]));
  const gaps: Array<[number, number]> = [];
  let e = 0;
  let open: number | undefined;
  for (let t = since; t < until; t += tf) {
    while (e < empty.length && empty[e]![1] <= t) e++;
    const known = present.has(t) || (e < empty.length && empty[e]![0] <= t);
    if (!known && open === undefined) open = t;
    if (known && open !== undefined) {
      gaps.push([open, t]);
      open = undefined;
    }
  }
  if (open !== undefined) gaps.push([open, until]);
  return gaps;
}

export function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function extendCoverage(covered: [number, number] | undefined, range: [number, number]): [number, number] {
  return covered ? [Math.min(covered[0], range[0]), Math.max(covered[1], range[1])] : range;
}

function toCandleRow(ohlcv: ReadonlyArray<number | undefined>): CandleRow | undefined {
  const row = ohlcv.slice(0, 6).map((v) => (v === undefined ? Number.NaN : Number(v)));
  return row.length === 6 && row.every(Number.isFinite) ? (row as CandleRow) : undefined;
}

function timeframeMs(exchange: CcxtExchange, timeframe: string): number {
  const known = exchange.timeframes ? Object.keys(exchange.timeframes) : [];
  if (known.length && !known.includes(timeframe))
    throw new InvalidArgumentError(`timeframe "${timeframe}" is not offered by ${exchange.id} (${known.join(', ')})`);
  return exchange.parseTimeframe(timeframe) * 1000;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
