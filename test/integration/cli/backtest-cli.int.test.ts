// The backtest commands as a user runs them: the real CLI in a child process on a shipped CSV,
// its one JSON object parsed; input errors exit 2 with one line; optimize on two worker threads;
// download against the fake Binance.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFakeBinance, type CandleRow } from '../../../bin/local/fake-binance';

const root = join(__dirname, '..', '..', '..');
const FIXTURE = 'test/fixtures/backtest/ETHBTC-5m.csv';
const ACCEPTANCE = ['--cash', '10000', '--fee', '0', '--slippage', '0', '--size', '100%', '--lot', '1'];
const METRIC_KEYS = [
  'trades',
  'finalEquity',
  'returnPct',
  'maxDrawdownPct',
  'winRatePct',
  'profitFactor',
  'sharpe',
  'sortino',
  'cagrPct',
  'exposurePct',
  'buyHoldReturnPct',
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Asynchronous on purpose: the fake exchange of the download test answers from this process. */
/** The CLI as `npm run cli` runs it (bin/cli-launcher.mjs: the bundle, rebuilt first when stale). */
async function cli(args: string[], command: string[] = [process.execPath, 'bin/cli-launcher.mjs']): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command[0]!, [...command.slice(1), ...args], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

// Each CLI run is a child process: ≈0.3 s from the bundle on an idle machine, several seconds on a
// loaded one (two cores shared), and the npm-run test pays npm's own start too.
jest.setTimeout(60_000);

// The launcher rebuilds a missing or stale bundle once (esbuild, ≈2–8 s): done here, not inside a test.
beforeAll(async () => {
  expect((await cli(['--help'])).code).toBe(0);
}, 120_000);

// The CLI's JSON is read field by field as the assertions need it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function json(run: Run): Record<string, any> {
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'backtest-cli-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('backtest', () => {
  test.each(['sma-cross', 'ema-cross', 'bb-reversion', 'rsi-ema', 'macd-stoch', 'supertrend', 'ichimoku-cloud'])(
    '%s prints one JSON object with the metrics',
    async (strategy) => {
      const out = json(await cli(['backtest', '--data', FIXTURE, '--strategy', strategy, ...ACCEPTANCE, '--json']));
      expect(out.strategy).toBe(strategy);
      for (const key of METRIC_KEYS) expect(out.metrics).toHaveProperty(key);
      expect(out.data).toMatchObject({ candles: 600, from: '2018-01-10T04:55:00.000Z' });
      expect(out.metrics.returnPct).toBeCloseTo((out.metrics.finalEquity / 10_000 - 1) * 100, 6);
    },
  );

  test('the acceptance command through npm run: the JSON parses from the first "{" and is the last line', async () => {
    const run = await cli(
      [
        'run',
        'cli',
        '--',
        'backtest',
        '--data',
        FIXTURE,
        '--strategy',
        'sma-cross',
        '--param',
        'fast=10',
        '--param',
        'slow=30',
        ...ACCEPTANCE,
        '--json',
      ],
      ['npm'],
    );
    expect(run.code).toBe(0);
    const fromBrace = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
    const lastLine = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(fromBrace).toEqual(lastLine);
    expect(fromBrace.params).toMatchObject({ fast: 10, slow: 30 });
    expect(fromBrace.metrics.trades).toBeGreaterThan(0);
  });

  test('--trades lists every trade; --report writes a self-contained HTML file', async () => {
    const report = join(tmp, 'report.html');
    const out = json(
      await cli([
        'backtest',
        '--data',
        FIXTURE,
        '--strategy',
        'sma-cross',
        ...ACCEPTANCE,
        '--trades',
        '--report',
        report,
        '--json',
      ]),
    );
    expect(out.trades).toHaveLength(out.metrics.trades);
    expect(out.trades[0]).toMatchObject({
      side: expect.stringMatching(/^(long|short)$/),
      exitReason: expect.any(String),
    });
    const html = await readFile(report, 'utf8');
    // one self-contained file: the chart library inlined, its data in one JSON block, nothing fetched
    expect(html).toContain('id="report-data"');
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
  });

  test.each([
    [['--strategy', 'nope'], /--strategy: unknown strategy "nope"/],
    [['--strategy', 'sma-cross', '--param', 'fast=abc'], /--param: parameter "fast" of sma-cross must be an integer/],
    [['--strategy', 'sma-cross', '--param', 'fast=40'], /--param: fast \(40\) must be below slow \(30\)/],
    [['--strategy', 'sma-cross', '--size', '10x'], /--size "10x"/],
    [['--strategy', 'sma-cross', '--fee', 'lots'], /--fee "lots": not a number/],
    [['--param', 'fast=5'], /give --strategy <id> or --rules <file> \(one of them\)/],
    [
      ['--strategy', 'sma-cross', '--rules', 'strategies/sma-cross.json'],
      /give --strategy <id> or --rules <file> \(one of them\)/,
    ],
  ])('bad input %j exits 2 with one line naming the field', async (args, message) => {
    const run = await cli(['backtest', '--data', FIXTURE, ...args, '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('a missing file and a malformed CSV exit 2, naming the file and the bad cell', async () => {
    const missing = await cli(['backtest', '--data', join(tmp, 'none.csv'), '--strategy', 'sma-cross', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: --data .*none\.csv: no such file\n$/);

    const bad = join(tmp, 'bad.csv');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(bad, 'time,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n2024-01-02,1,x,0.5,1\n'),
    );
    const malformed = await cli(['backtest', '--data', bad, '--strategy', 'sma-cross', '--json']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^error: .*bad\.csv: row 3, column high: "x" is not a finite number\n$/);
  });
});

describe('optimize', () => {
  test('a 3 × 2 grid on two workers: six results, best first by the objective, equal to single backtests', async () => {
    const out = json(
      await cli([
        'optimize',
        '--data',
        FIXTURE,
        '--strategy',
        'sma-cross',
        '--param',
        'fast=5,10,15',
        '--param',
        'slow=20:30:10',
        ...ACCEPTANCE,
        '--workers',
        '2',
        '--objective',
        'returnPct',
        '--json',
      ]),
    );
    expect(out).toMatchObject({ gridSize: 6, evaluated: 6, refused: 0, failed: [] });
    expect(out.results).toHaveLength(6);
    const scores = out.results.map((r: { score: number }) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(out.results.map((r: { rank: number }) => r.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(out.results.map((r: { params: object }) => JSON.stringify(r.params))).size).toBe(6);

    const best = out.results[0];
    const single = json(
      await cli([
        'backtest',
        '--data',
        FIXTURE,
        '--strategy',
        'sma-cross',
        '--param',
        `fast=${best.params.fast}`,
        '--param',
        `slow=${best.params.slow}`,
        ...ACCEPTANCE,
        '--json',
      ]),
    );
    expect(single.metrics).toEqual(best.metrics);
  });

  test('--top and refused combinations (fast must stay below slow)', async () => {
    const out = json(
      await cli([
        'optimize',
        '--data',
        FIXTURE,
        '--strategy',
        'sma-cross',
        '--param',
        'fast=10:30:10',
        '--param',
        'slow=20,30',
        '--top',
        '2',
        '--workers',
        '2',
        '--json',
      ]),
    );
    expect(out).toMatchObject({ gridSize: 6, evaluated: 3, refused: 3 });
    expect(out.results).toHaveLength(2);
  });
});

describe('walk-forward and montecarlo', () => {
  test('walk-forward: windows with their chosen params and one chained out-of-sample report', async () => {
    const report = join(tmp, 'wf.html');
    const out = json(
      await cli([
        'walk-forward',
        '--data',
        FIXTURE,
        '--strategy',
        'sma-cross',
        '--param',
        'fast=5,10',
        '--param',
        'slow=20,40',
        '--in-sample',
        '200',
        '--out-of-sample',
        '100',
        '--workers',
        '2',
        '--report',
        report,
        '--json',
      ]),
    );
    expect(out.windows).toHaveLength(4);
    expect(out.windows.map((w: { outOfSample: { candles: number } }) => w.outOfSample.candles)).toEqual([
      100, 100, 100, 100,
    ]);
    for (const key of METRIC_KEYS) expect(out.metrics).toHaveProperty(key);
    const chained = out.windows.reduce(
      (eq: number, w: { outOfSampleMetrics: { returnPct: number } }) => eq * (1 + w.outOfSampleMetrics.returnPct / 100),
      10_000,
    );
    expect(out.metrics.finalEquity).toBeCloseTo(chained, 6);
    expect(existsSync(report)).toBe(true);
  });

  test('montecarlo: ordered percentiles, reproducible with the seed', async () => {
    const args = [
      'montecarlo',
      '--data',
      FIXTURE,
      '--strategy',
      'macd-stoch',
      '--runs',
      '500',
      '--seed',
      '7',
      '--json',
    ];
    const [a, b] = [json(await cli(args)), json(await cli(args))];
    const mc = a.monteCarlo;
    expect(mc).toMatchObject({ runs: 500, seed: 7, mode: 'bootstrap', trades: a.metrics.trades });
    expect(mc.returnPct.p5).toBeLessThanOrEqual(mc.returnPct.p50);
    expect(mc.returnPct.p50).toBeLessThanOrEqual(mc.returnPct.p95);
    expect(b.monteCarlo).toEqual(mc);
  });
});

describe('download', () => {
  // Three CLI processes and 1,200 candles through the fake: well over jest's default 5 s on a loaded machine.
  test('into the cache through the fake Binance; a rerun fetches nothing; backtest reads the cache', async () => {
    const fake = await startFakeBinance();
    try {
      const HOUR = 3_600_000;
      const first = Math.floor(Date.now() / HOUR) * HOUR - 1200 * HOUR;
      const rows = Array.from(
        { length: 1200 },
        (_, i) =>
          [
            first + i * HOUR,
            100 + Math.sin(i / 9) * 5,
            106 + Math.sin(i / 9) * 5,
            94 + Math.sin(i / 9) * 5,
            101 + Math.sin(i / 9) * 5,
            3,
          ] as CandleRow,
      );
      const rounded = rows.map(([t, ...v]) => [t, ...v.map((x) => Math.round(x * 10) / 10)] as CandleRow);
      fake.setCandles('BTCUSDT', '1h', rounded);
      const cache = join(tmp, 'cache');
      const args = [
        'download',
        '--exchange',
        'binanceusdm',
        '--symbol',
        'BTC/USDT:USDT',
        '--timeframe',
        '1h',
        '--since',
        new Date(first).toISOString(),
        '--cache',
        cache,
        '--api-url',
        fake.url,
        '--json',
      ];

      const firstRun = json(await cli(args));
      expect(firstRun).toMatchObject({
        newCandles: 1200,
        totalCandles: 1200,
        candlesFile: join(cache, 'binanceusdm', 'BTC_USDT_USDT-1h.json'),
      });
      expect(JSON.parse(await readFile(firstRun.candlesFile, 'utf8'))).toEqual(rounded);

      const again = json(await cli(args));
      expect(again).toMatchObject({ requests: 0, newCandles: 0 });

      const bt = json(
        await cli([
          'backtest',
          '--exchange',
          'binanceusdm',
          '--symbol',
          'BTC/USDT:USDT',
          '--timeframe',
          '1h',
          '--cache',
          cache,
          '--strategy',
          'sma-cross',
          '--json',
        ]),
      );
      expect(bt.data).toMatchObject({ candles: 1200, source: firstRun.candlesFile });
    } finally {
      await fake.close();
    }
  }, 30_000);

  test('bad input exits 2', async () => {
    const run = await cli([
      'download',
      '--exchange',
      'binanceusdm',
      '--symbol',
      'BTC/USDT:USDT',
      '--timeframe',
      '1h',
      '--since',
      'yesterday',
      '--json',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --since "yesterday": not a date/);
  });
});
