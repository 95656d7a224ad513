// Candle CSV loading: writes a million-row file in two common shapes (epoch ms; pandas' unnamed
// 'YYYY-MM-DD HH:MM:SS' index, 2 decimals, as the equities files) to a temporary folder and times
// loadCandlesFile on it (read + parse + sort check), the median of several runs after a warm-up.
// CPU ms are printed beside wall ms: on a shared machine the wall time grows with the load, the
// CPU time much less. Goal (issue 16 item 4): 1M rows in ≤ 2 s.
// Run alone: `node --import tsx bench/csv-load.ts [rows]` prints one JSON line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCandlesFile } from '../shared/adapters/candles/candle-files';
import { randomWalkMinutes } from './backtest-engine';
import { percentile, round } from './stats';

const RUNS = 5;

export interface CsvLoadFigure {
  rows: number;
  megabytes: number;
  /** median wall ms of loadCandlesFile */
  wallMs: number;
  /** median CPU ms (user + system) of the same runs */
  cpuMs: number;
}

/** The text of a candle CSV: `time` in epoch ms, or pandas' unnamed date-time index. */
export function candleCsv(rows: number, shape: 'epoch-ms' | 'date-time'): string {
  const c = randomWalkMinutes(rows, 3);
  const header = shape === 'epoch-ms' ? 'time,open,high,low,close,volume' : ',Open,High,Low,Close,Volume';
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const time =
      shape === 'epoch-ms' ? String(c.time[i]) : new Date(c.time[i]!).toISOString().slice(0, 19).replace('T', ' ');
    lines.push(
      `${time},${c.open[i]!.toFixed(2)},${c.high[i]!.toFixed(2)},${c.low[i]!.toFixed(2)},${c.close[i]!.toFixed(2)},${c.volume[i]!.toFixed(3)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `text` to `file`, then loads it `runs` times (after one warm-up): the medians. */
export async function benchCsvFile(file: string, text: string, runs = RUNS): Promise<CsvLoadFigure> {
  await writeFile(file, text);
  let rows = (await loadCandlesFile(file)).time.length; // warm-up: JIT and page cache
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < runs; r++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    rows = (await loadCandlesFile(file)).time.length;
    walls.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  return {
    rows,
    megabytes: round(Buffer.byteLength(text) / 1e6, 1),
    wallMs: Math.round(percentile(walls, 50)),
    cpuMs: Math.round(percentile(cpus, 50)),
  };
}

/** Both shapes of a `rows`-row file, in a temporary folder removed afterwards. */
export async function benchCsvLoad(rows: number, runs = RUNS): Promise<Record<string, CsvLoadFigure>> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-csv-'));
  try {
    const figures: Record<string, CsvLoadFigure> = {};
    for (const shape of ['epoch-ms', 'date-time'] as const)
      figures[shape] = await benchCsvFile(join(dir, `${shape}.csv`), candleCsv(rows, shape), runs);
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify({ rows, ...(await benchCsvLoad(rows)) }));
}
