// `npm start` and its DATA_DIR: a second start on a folder in use stops with the holder's pid and
// what to do (no LevelDB stack trace); a lock left by a killed stack is taken over; and the local
// fake Binance keeps a live account's position, stop and balance across a restart, so the risk
// check after it finds the same position and books nothing (no invented close, no invented loss).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The book's own fields of a position: the mark beside them moves with every risk check. */
const MARK_FIELDS = new Set(['markAt', 'markPrice', 'unrealizedPnl', 'liquidationPrice']);
const bookOf = (position: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(position).filter(([key]) => !MARK_FIELDS.has(key)));

// three boots and a restart of real stacks on a busy machine
jest.setTimeout(240_000);

const root = join(__dirname, '..', '..');
const CLI = ['bin/cli-launcher.mjs'];
const dataDir = mkdtempSync(join(tmpdir(), 'tvat-datadir-'));
// below Linux's ephemeral range (32768-60999), where the OS hands out the ports of every other listener and connection
const port = 20_000 + Math.floor(Math.random() * 12_000);
const base = `http://127.0.0.1:${port}`;
const apiKey = 'LIVEKEY' + 'd'.repeat(40);
const secret = 'LIVESECRET' + 'e'.repeat(40);
const env = {
  ...process.env,
  PORT: String(port),
  DATA_DIR: dataDir,
  FAKE_BINANCE_API_KEY: apiKey,
  FAKE_BINANCE_SECRET: secret,
};

const stacks: ChildProcess[] = [];
afterAll(() => {
  for (const child of stacks) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawnStack(extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local-stack.ts'], {
    cwd: root,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stacks.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function boot() {
  const running = spawnStack();
  const started = Date.now();
  while (Date.now() - started < 90_000) {
    try {
      if ((await fetch(`${base}/health`)).ok) return running;
    } catch {
      // not listening yet
    }
    if (running.child.exitCode !== null) throw new Error(`stack exited: ${running.output()}`);
    await sleep(200);
  }
  throw new Error(`no /health within 90 s: ${running.output()}`);
}

async function stop(running: ReturnType<typeof spawnStack>): Promise<number | null> {
  running.child.kill('SIGINT');
  return running.exited;
}

function cli(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...CLI, ...args], { cwd: root, env }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

async function json<T>(args: string[]): Promise<T> {
  const run = await cli([...args, '--json']);
  if (run.code !== 0) throw new Error(`cli ${args.join(' ')}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

test('one stack per DATA_DIR; a stale lock is taken over; a live position survives a restart and the risk check books nothing', async () => {
  const first = await boot();

  // a second start on the same folder: refused before the stand-ins open anything
  const second = spawnStack({ PORT: String(port + 1) });
  expect(await second.exited).toBe(1);
  expect(second.output()).toContain(
    `${dataDir} is in use by another local stack (pid ${first.child.pid}): stop that one (Ctrl-C in its terminal, or kill ${first.child.pid}), or start this one on another folder`,
  );
  expect(second.output()).not.toMatch(/LEVEL_|LOCK: |\n\s+at /);

  // a live account on the local fake Binance, a long with its stop
  const added = await cli(
    ['account', 'add', '--exchange', 'binanceusdm', '--name', 'live', '--json'],
    `${apiKey}\n${secret}\n`,
  );
  expect(added).toMatchObject({ code: 0, stderr: '' });
  const created = JSON.parse(added.stdout) as { id: string; token: string };
  const res = await fetch(`${base}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: created.token,
      account: created.id,
      action: 'long',
      symbol: 'BTCUSDT.P',
      id: 'dd-1',
      size: '0.01',
      sl: '5%',
    }),
  });
  expect(res.status).toBe(202);
  type Position = { symbol: string; quantity: string; stopLoss?: unknown };
  let positions: Position[] = [];
  for (let i = 0; i < 200 && positions[0]?.stopLoss === undefined; i++) {
    await sleep(150);
    positions = await json<Position[]>(['positions', '--account', created.id]);
  }
  expect(positions).toEqual([expect.objectContaining({ symbol: 'BTC/USDT:USDT', stopLoss: expect.anything() })]);
  expect(await stop(first)).toBe(0);
  expect(existsSync(join(dataDir, 'fake-binance.json'))).toBe(true);

  // restart: the fake exchange comes back with the position; several risk checks (every 5 s) find
  // it where the book has it and close nothing
  const restarted = await boot();
  await sleep(20_000);
  expect((await json<Position[]>(['positions', '--account', created.id])).map(bookOf)).toEqual(positions.map(bookOf));
  const trades = await json<{ status: string; realizedPnl: string }[]>(['trades', '--account', created.id]);
  expect(trades).toEqual([expect.objectContaining({ status: 'open' })]);
  expect(restarted.output()).not.toMatch(/closed outside|closedOutside":[1-9]/);

  // killed without a chance to release its lock: the next start takes the stale lock over
  restarted.child.kill('SIGKILL');
  await restarted.exited;
  const third = await boot();
  expect((await json<Position[]>(['positions', '--account', created.id])).map(bookOf)).toEqual(positions.map(bookOf));
  expect(await stop(third)).toBe(0);
});
