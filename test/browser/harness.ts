// The browser tests' harness: Debian's Chromium driven by playwright-core (no browser download),
// the console built as `npm start` builds it, and the real local stack (`node --import tsx
// bin/local-stack.ts`) in a child process on its own port and data folder. When Chromium is absent
// the tests are skipped LOUDLY (a warning and a skipped test naming why), never silently passed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

// jest runs this as CommonJS (__dirname); test/browser/sample-views.ts runs it as ESM from the project folder
export const ROOT = typeof __dirname === 'string' ? join(__dirname, '..', '..') : process.cwd();
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** why the browser tests cannot run here, or undefined when they can */
export function browserUnavailable(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  // playwright gives each launch a new temporary profile (it refuses --user-data-dir here) and
  // removes it on close: no cache, service worker or storage from an earlier run
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  return { browser, close: () => browser.close().catch(() => undefined) };
}

/** builds dist/console as `npm run build:console` does, and returns what it printed (the sizes) */
export async function buildConsole(): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/build-console.ts'], {
    cwd: ROOT,
    timeout: 120_000,
  });
  return stdout;
}

export interface RunningStack {
  base: string;
  port: number;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/** a port the OS just handed out as free (a random pick in 30000-50000 once hit a busy ephemeral port in CI) */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port from the OS'))));
    });
  });
}

/**
 * The local stack as `npm start` runs it, on a free port and a new data folder. Between freePort()
 * closing its probe and the stack listening, another process may take the port: that start is retried
 * on a new port (twice at most), never reported as a failure of the console.
 */
export async function startStack(env: Record<string, string> = {}): Promise<RunningStack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStackOnce(env);
    } catch (e) {
      if (attempt >= 3 || !String(e).includes('EADDRINUSE')) throw e;
    }
  }
}

async function startStackOnce(env: Record<string, string>): Promise<RunningStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'console-stack-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bin/local-stack.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  // a loaded 2-core machine can take a minute to start the stack under tsx
  const started = Date.now();
  while (Date.now() - started < 120_000) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${base}/health`)).ok) return { base, port, dataDir, output: () => out, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`the local stack did not start:\n${out.slice(-2000)}`);
}

/**
 * The real CLI (`node --import tsx bin/cli.ts ...`) against a running stack (its DATA_DIR and PORT),
 * as an owner types it; secrets go through `env` (CONSOLE_PASSWORD), never argv. Returns stdout.
 */
export async function runCli(stack: RunningStack, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: stack.dataDir, PORT: String(stack.port), ...env },
    timeout: 120_000,
  });
  return stdout;
}
