// `npm run cli` through bin/cli-launcher.mjs, in a copy of the project (its own dist/): a missing
// bundle is built and then used, a changed source makes it rebuild, a build that cannot happen
// falls back to the TypeScript sources under tsx; in every case the output and the exit code are
// those of the CLI run from its sources.
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Each step starts Node (and a build or tsx) on a machine shared with others: seconds, not ms.
jest.setTimeout(240_000);

const root = join(__dirname, '..', '..', '..');
const copy = mkdtempSync(join(tmpdir(), 'tvat-cli-launcher-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: copy, env: { ...process.env, FORCE_COLOR: '0', ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}
const launcher = (...args: string[]) => run(['bin/cli-launcher.mjs', ...args]);
const manifest = () =>
  JSON.parse(readFileSync(join(copy, 'dist/cli/current.json'), 'utf8')) as {
    dir: string;
    builtAt: number;
    inputs: string[];
  };

let fromSources: Run;

beforeAll(async () => {
  for (const part of ['bin', 'shared', 'package.json', 'tsconfig.json'])
    cpSync(join(root, part), join(copy, part), { recursive: true });
  symlinkSync(realpathSync(join(root, 'node_modules')), join(copy, 'node_modules'));
  fromSources = await run(['--import', 'tsx', 'bin/cli.ts', 'account', 'add', '--help']);
  expect(fromSources.code).toBe(0);
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

test('no bundle: it is built, used, and prints what the sources print', async () => {
  expect(existsSync(join(copy, 'dist'))).toBe(false);

  const first = await launcher('account', 'add', '--help');

  expect(first).toEqual(fromSources);
  const built = manifest();
  expect(built.inputs).toEqual(
    expect.arrayContaining(['bin/cli.ts', 'bin/cli-target.ts', 'bin/build-cli.ts', 'shared/core/domain/account.ts']),
  );
  expect(existsSync(join(copy, 'dist/cli', built.dir, 'cli.mjs'))).toBe(true);
  expect(existsSync(join(copy, 'dist/cli', built.dir, 'backtest-worker.mjs'))).toBe(true);

  // fresh: the next run uses it as it is
  expect(await launcher('account', 'add', '--help')).toEqual(fromSources);
  expect(manifest()).toEqual(built);
});

test('a source changed after the build: rebuilt into a new folder (the old one stays for CLIs still running from it)', async () => {
  const before = manifest();
  const now = new Date();
  utimesSync(join(copy, 'shared/core/domain/account.ts'), now, now); // as an editor saving it

  expect(await launcher('account', 'add', '--help')).toEqual(fromSources);

  const after = manifest();
  expect(after.dir).not.toBe(before.dir);
  expect(after.builtAt).toBeGreaterThan(before.builtAt);
  expect(existsSync(join(copy, 'dist/cli', before.dir, 'cli.mjs'))).toBe(true);
});

test("the CLI's errors and exit codes come through unchanged", async () => {
  const empty = mkdtempSync(join(tmpdir(), 'tvat-no-stack-'));
  const [bundled, sources] = await Promise.all([
    run(['bin/cli-launcher.mjs', 'account', 'list'], { DATA_DIR: empty }),
    run(['--import', 'tsx', 'bin/cli.ts', 'account', 'list'], { DATA_DIR: empty }),
  ]);
  expect(bundled.code).toBe(1);
  expect(bundled.stderr).toContain('error: no local stack found');
  expect(bundled).toEqual(sources);
});

test('a bundle that cannot be built: the sources run under tsx instead, same output', async () => {
  rmSync(join(copy, 'dist'), { recursive: true, force: true });
  writeFileSync(join(copy, 'dist'), 'not a folder: esbuild cannot write here');

  expect(await launcher('account', 'add', '--help')).toEqual(fromSources);
});
