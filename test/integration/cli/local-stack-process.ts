// The local stack as `npm start` runs it (bin/local-stack.ts in a child process, its own port and
// data folder) and the CLI as `npm run cli` runs it against that stack, for the CLI's integration
// tests. `useLocalStackProcess` starts the stack before the file's tests and stops it after them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface LocalStackProcess {
  base: string;
  dataDir: string;
  /** the CLI as `npm run cli` runs it (bin/cli-launcher.mjs), with the stack's PORT and DATA_DIR */
  cli(...args: string[]): Promise<CliRun>;
  /** `cli` with variables of this run only (a one-time code, say) over the stack's environment */
  cliWithEnv(env: Record<string, string>, ...args: string[]): Promise<CliRun>;
  /** `cli(...args, '--json')`, parsed; a non-zero exit fails with the command's stderr and stdout */
  cliJson(...args: string[]): Promise<Record<string, unknown>>;
}

const root = join(__dirname, '..', '..', '..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `env`: what the stack and the CLI get beside PORT and DATA_DIR (ACCOUNT_CACHE_MS, say). */
export function useLocalStackProcess(name: string, env: Record<string, string> = {}): LocalStackProcess {
  const dataDir = mkdtempSync(join(tmpdir(), `tvat-${name}-`));
  // below Linux's ephemeral range (32768-60999), where the OS hands out the ports of every other listener and connection
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  const base = `http://127.0.0.1:${port}`;
  const fullEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, ...env };
  let stack: ChildProcess | undefined;

  const cliWithEnv = (extra: Record<string, string>, ...args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        ['bin/cli-launcher.mjs', ...args],
        { cwd: root, env: { ...fullEnv, ...extra } },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const cli = (...args: string[]): Promise<CliRun> => cliWithEnv({}, ...args);

  const cliJson = async (...args: string[]): Promise<Record<string, unknown>> => {
    const run = await cli(...args, '--json');
    if (run.code !== 0) throw new Error(`cli ${args.join(' ')} failed (${run.code}): ${run.stderr}${run.stdout}`);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  beforeAll(async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local-stack.ts'], {
      cwd: root,
      env: fullEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stack = child;
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const started = Date.now();
    while (Date.now() - started < 120_000) {
      if (
        await fetch(`${base}/health`)
          .then((r) => r.ok)
          .catch(() => false)
      )
        return;
      if (child.exitCode !== null) throw new Error(`stack exited: ${out}`);
      await sleep(200);
    }
    throw new Error(`no /health within 120 s: ${out}`);
  });

  afterAll(async () => {
    if (!stack || stack.exitCode !== null) return;
    const exited = new Promise((r) => stack?.once('exit', r));
    stack.kill('SIGINT');
    await exited;
  });

  return { base, dataDir, cli, cliWithEnv, cliJson };
}
