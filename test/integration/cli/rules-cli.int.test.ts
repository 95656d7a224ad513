// Rule-file strategies on the command line as a user runs them (the real CLI in a child process):
// `backtest --rules` gives what `--strategy` gives for the built-in the file mirrors, with the same
// --param overrides; optimize takes --rules on worker threads; `strategy validate` names every
// problem by its path and exits 1; a refused file exits 2 from backtest with one line.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..', '..');
const FIXTURE = 'test/fixtures/backtest/ETHBTC-5m.csv';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/cli-launcher.mjs', ...args], {
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

// Each run is a child process: seconds on a loaded two-core machine; the first may rebuild the bundle.
jest.setTimeout(120_000);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rules-cli-'));
  expect((await cli(['--help'])).code).toBe(0);
}, 180_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('backtest --rules', () => {
  it('gives the trades and metrics of the built-in the file mirrors, with the same --param overrides', async () => {
    const common = ['--data', FIXTURE, '--param', 'period=30', '--param', 'mult=2', '--trades', '--json'];
    const [coded, rules] = await Promise.all([
      cli(['backtest', '--strategy', 'bb-reversion', ...common]),
      cli(['backtest', '--rules', 'strategies/bb-reversion.json', ...common]),
    ]);
    expect([coded.code, rules.code]).toEqual([0, 0]);
    const a = JSON.parse(coded.stdout) as { trades: unknown[]; metrics: unknown; params: unknown };
    const b = JSON.parse(rules.stdout) as typeof a;
    expect(b.params).toEqual(a.params);
    expect(a.trades.length).toBeGreaterThan(0);
    expect(b.trades).toEqual(a.trades);
    expect(b.metrics).toEqual(a.metrics);
  });

  it('optimises a rule file on worker threads: the same ranking as the built-in', async () => {
    const common = ['--data', FIXTURE, '--param', 'fast=5,10', '--param', 'slow=20,30', '--workers', '2', '--json'];
    const [coded, rules] = await Promise.all([
      cli(['optimize', '--strategy', 'sma-cross', ...common]),
      cli(['optimize', '--rules', 'strategies/sma-cross.json', ...common]),
    ]);
    expect([coded.code, rules.code]).toEqual([0, 0]);
    const ranked = (r: Run) => (JSON.parse(r.stdout) as { results: unknown[] }).results;
    expect(ranked(coded)).toHaveLength(4);
    expect(ranked(rules)).toEqual(ranked(coded));
  });

  it('refuses a file with a typo in one line naming the path, exit 2', async () => {
    const file = join(dir, 'typo.json');
    await writeFile(
      file,
      JSON.stringify({
        format: 'strategy-rules/1',
        id: 'typo',
        rules: {
          entry: {
            long: [
              { series: 'close', above: 1 },
              { series: 'close', above: 'rsi(0)' },
            ],
          },
        },
      }),
    );
    const run = await cli(['backtest', '--rules', file, '--data', FIXTURE]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/rules\.entry\.long\[1\]\.above: unknown series "rsi\(0\)"/);
  });
});

describe('strategy validate --rules', () => {
  it('accepts each shipped rule file', async () => {
    const run = await cli(['strategy', 'validate', '--rules', 'strategies/macd-stoch.json', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, id: 'macd-stoch', warmup: 34 });
  });

  it('lists every problem by its path and exits 1', async () => {
    const file = join(dir, 'two.json');
    await writeFile(
      file,
      JSON.stringify({
        format: 'strategy-rules/1',
        id: 'two',
        rules: { entry: { long: [{ series: 'sma(close,$fast)', above: 'close' }] } },
        protecton: { sl: 2 },
      }),
    );
    const run = await cli(['strategy', 'validate', '--rules', file, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      file,
      errors: [
        { path: 'protecton', message: expect.stringMatching(/^unknown field/) },
        { path: 'rules.entry.long[0].series', message: expect.stringMatching(/unknown parameter "\$fast"/) },
      ],
    });
  });
});
