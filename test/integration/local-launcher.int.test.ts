// The local stack started by bin/local/launcher.mjs: from its esbuild bundle (dist/local, rebuilt
// first when missing or stale), with the stand-ins in a worker thread that is the bundle's second
// entry. It boots, takes an alert, stops on Ctrl-C with exit 0, and a second start runs the same
// bundle without rebuilding and still knows the account: the LevelDB data the worker thread wrote
// was flushed by the stop.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Two boots, a possible rebuild and a CLI call, each a child process on a shared 2-core machine.
jest.setTimeout(300_000);

const root = join(__dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'tvat-launcher-'));
// below Linux's ephemeral range (32768-60999), where the OS hands out the ports of every other listener and connection
const port = 20_000 + Math.floor(Math.random() * 12_000);
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function boot(): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['bin/local/launcher.mjs'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const started = Date.now();
  while (Date.now() - started < 180_000) {
    try {
      if ((await fetch(`${base}/health`)).ok) return { child, output: () => out };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`stack exited: ${out}`);
    await sleep(200);
  }
  throw new Error(`no /health within 180 s: ${out}`);
}

const stop = (child: ChildProcess): Promise<number | null> => {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
};

test('the launcher runs the bundle (stand-ins in their thread); a restart reuses it and the data survives', async () => {
  const first = await boot();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      'bin/cli-launcher.mjs',
      'account',
      'add',
      '--exchange',
      'paper',
      '--name',
      'launcher',
      '--balance',
      '10000',
      '--json',
    ],
    { cwd: root, env },
  );
  const account = JSON.parse(stdout) as { id: string; token: string };
  const alert = (id: string) =>
    fetch(`${base}/webhook`, {
      method: 'POST',
      body: JSON.stringify({ token: account.token, account: account.id, action: 'long', symbol: 'BTCUSDT.P', id }),
    });
  expect((await alert('launcher-1')).status).toBe(202);
  // The same alert again is a duplicate (200) once the executor has taken it; until then it is sent
  // again under the same signal id (202). Wait for the executor, so both records are on disk.
  const deadline = Date.now() + 60_000;
  while ((await alert('launcher-1')).status !== 200) {
    if (Date.now() > deadline) throw new Error('launcher-1 never taken by the executor');
    await sleep(250);
  }
  expect(await stop(first.child)).toBe(0);

  // The bundle it ran: the manifest names a build holding both entries.
  const manifest = JSON.parse(readFileSync(join(root, 'dist', 'local', 'current.json'), 'utf8')) as { dir: string };
  expect(existsSync(join(root, 'dist', 'local', manifest.dir, 'local-stack.mjs'))).toBe(true);
  expect(existsSync(join(root, 'dist', 'local', manifest.dir, 'standins-worker.mjs'))).toBe(true);

  const second = await boot();
  // fresh: no rebuild, straight to the bundle
  expect(second.output()).not.toContain('building it once');
  // the account (token hash) came back from the thread's LevelDB: a new alert is accepted, the old one is a duplicate
  expect((await alert('launcher-2')).status).toBe(202);
  expect((await alert('launcher-1')).status).toBe(200);
  expect(await stop(second.child)).toBe(0);
  expect(second.output()).not.toContain(account.token);
});
