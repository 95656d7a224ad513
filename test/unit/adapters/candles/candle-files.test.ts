// loadCandlesFile / loadFundingFile: format by extension or content, gzip, errors naming the file;
// and the real reference files beside the project (../shared/data), skipped when absent.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadCandlesFile, loadFundingFile } from '../../../../shared/adapters/candles/candle-files';
import { CandleParseError } from '../../../../shared/core/backtest/candle-parsers';
import { periodsPerYear } from '../../../../shared/core/backtest/metrics';
import type { Candles } from '../../../../shared/core/backtest/types';

const SHARED_DATA = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'data');
const MS = Date.UTC(2021, 10, 17, 1);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'candle-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

function expectWellFormed(c: Candles): void {
  expect(c.time.every((t, i) => i === 0 || t > c.time[i - 1]!)).toBe(true);
  for (const column of [c.open, c.high, c.low, c.close, c.volume]) expect(column.every(Number.isFinite)).toBe(true);
}

describe('loadCandlesFile', () => {
  it('reads .csv as CSV and .json as JSON', async () => {
    const csv = await loadCandlesFile(await file('a.csv', `time,open,high,low,close,volume\n${MS},1,2,0.5,1.5,3\n`));
    const json = await loadCandlesFile(await file('a.json', JSON.stringify([[MS, 1, 2, 0.5, 1.5, 3]])));

    expect(Array.from(csv.close)).toEqual([1.5]);
    expect(Array.from(json.close)).toEqual([1.5]);
  });

  it('sniffs the content when the extension says nothing, and unzips .gz', async () => {
    const plain = await loadCandlesFile(await file('candles.dat', `[[${MS},1,2,0.5,1.5,3]]`));
    const gz = await loadCandlesFile(
      await file('XRP_USDT-1h.json.gz', gzipSync(JSON.stringify([[MS, 1, 2, 0.5, 1.7, 3]]))),
    );

    expect(plain.close[0]).toBe(1.5);
    expect(gz.close[0]).toBe(1.7);
  });

  it('errors name the file: unreadable, bad JSON, bad row', async () => {
    const missing = join(dir, 'nope.csv');
    const badJson = await file('bad.json', '[[1,2');
    const badRow = await file('bad.csv', `time,open,high,low,close\n${MS},1,2,x,1\n`);

    await expect(loadCandlesFile(missing)).rejects.toThrow(`${missing}: cannot read (ENOENT)`);
    await expect(loadCandlesFile(badJson)).rejects.toThrow(new RegExp(`^${badJson}: not valid JSON`));
    await expect(loadCandlesFile(badRow)).rejects.toThrow(`${badRow}: row 2, column low: "x" is not a finite number`);
    await expect(loadCandlesFile(badRow)).rejects.toBeInstanceOf(CandleParseError);
  });
});

describe('loadFundingFile', () => {
  it('reads a freqtrade funding file', async () => {
    const series = await loadFundingFile(
      await file('X-8h-funding_rate.json', JSON.stringify([[MS, 0.0001, 0, 0, 0, 0]])),
    );

    expect(Array.from(series.rate)).toEqual([0.0001]);
  });
});

const absent = (path: string) => ` (skipped: ${path} is absent; it sits beside the project in ../shared/data)`;

describe.each([
  // file, rows, first open time, first close
  ['equities/GOOG.csv', 2_148, Date.UTC(2004, 7, 19), 100.34],
  ['equities/EURUSD.csv', 5_000, Date.UTC(2017, 3, 19, 9), 1.07219],
  ['equities/BTCUSD.csv', 156, Date.UTC(2012, 0, 31), 5.55],
  ['crypto/XRP_USDT_USDT-1h-futures.json', 100, Date.UTC(2021, 10, 17, 1), 1.07925],
  ['crypto/XRP_USDT_USDT-1h-mark.json', 100, Date.UTC(2021, 10, 15, 6), 1.21431],
  ['crypto/XRP_ETH-5m.json', 712, 1_570_752_000_000, 0.00141192],
  ['crypto/UNITTEST_BTC-5m.json', 5_760, 1_515_560_100_000, 0.0994766],
])('reference file %s', (name, count, firstTime, firstClose) => {
  const path = join(SHARED_DATA, name);
  const present = existsSync(path);

  (present ? it : it.skip)(`loads ${count} sorted candles${present ? '' : absent(path)}`, async () => {
    const c = await loadCandlesFile(path);

    expect(c.time.length).toBe(count);
    expect(c.time[0]).toBe(firstTime);
    expect(c.close[0]).toBe(firstClose);
    expectWellFormed(c);
  });
});

describe('reference data as a backtest sees it', () => {
  const goog = join(SHARED_DATA, 'equities', 'GOOG.csv');
  const funding = join(SHARED_DATA, 'crypto', 'XRP_USDT_USDT-8h-funding_rate.json');

  (existsSync(goog) ? it : it.skip)(
    `daily equities without weekends annualise at ≈ 252 candles a year${existsSync(goog) ? '' : absent(goog)}`,
    async () => {
      const ppy = periodsPerYear((await loadCandlesFile(goog)).time);

      expect(ppy).toBeGreaterThan(245);
      expect(ppy).toBeLessThan(256);
    },
  );

  (existsSync(funding) ? it : it.skip)(
    `freqtrade's 8h funding rates: sorted, 8 hours apart${existsSync(funding) ? '' : absent(funding)}`,
    async () => {
      const series = await loadFundingFile(funding);

      expect(series.time.length).toBeGreaterThan(50);
      expect(series.rate.every((r) => Math.abs(r) < 0.01)).toBe(true);
      const gapsInHours = new Set(
        Array.from(series.time.subarray(1), (t, i) => Math.round((t - series.time[i]!) / 3_600_000)),
      );
      expect([...gapsInHours]).toEqual([8]);
    },
  );
});
