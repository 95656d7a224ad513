// `npm run cli -- status` and `positions` against the local stack as `npm start` runs it: a paper
// position opened through the webhook shows with the risk-check job's mark and its unrealized P&L,
// and the overview lists the account with its equity, open positions and last reconcile.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A stack boot, a fill, a risk-check run and a few CLI runs (each a Node start), on a shared machine.
jest.setTimeout(240_000);

const root = join(__dirname, '..', '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'tvat-status-cli-'));
const port = 30_000 + Math.floor(Math.random() * 20_000);
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir, ACCOUNT_CACHE_MS: '0' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: ChildProcess | undefined;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI as `npm run cli` runs it (bin/cli-launcher.mjs). */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/cli-launcher.mjs', ...args], { cwd: root, env }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function cliJson(...args: string[]): Promise<Record<string, unknown>> {
  const run = await cli(...args, '--json');
  if (run.code !== 0) throw new Error(`cli ${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local-stack.ts'], {
    cwd: root,
    env,
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

test('positions carry the mark and unrealized P&L; status lists the account with its equity', async () => {
  const created = await cliJson('account', 'add', '--exchange', 'paper', '--name', 'status', '--balance', '10000');
  const id = created.id as string;
  const posted = await fetch(`${base}/webhook`, {
    method: 'POST',
    body: JSON.stringify({
      token: created.token,
      account: id,
      action: 'long',
      symbol: 'BTCUSDT.P',
      id: 'st-1',
      sl: '5%',
    }),
  });
  expect(posted.status).toBe(202);
  // the risk-check job runs every 5 s locally: wait for a mark on the position
  let rows: {
    symbol: string;
    quantity: string;
    entryPrice: string;
    markPrice: string | null;
    unrealizedPnl: string | null;
  }[] = [];
  for (let i = 0; i < 120 && !rows[0]?.markPrice; i++) {
    await sleep(500);
    rows = (await cliJson('positions', '--account', id)) as unknown as typeof rows;
  }
  expect(rows).toHaveLength(1);
  const p = rows[0]!;
  expect(p.symbol).toBe('BTC/USDT:USDT');
  // a long: (mark − entry) × quantity
  expect(Number(p.unrealizedPnl)).toBeCloseTo((Number(p.markPrice) - Number(p.entryPrice)) * Number(p.quantity), 6);
  const human = await cli('positions', '--account', id);
  expect(human.stdout).toContain(`mark ${p.markPrice}`);

  const status = (await cliJson('status')) as unknown as { items: Record<string, unknown>[] };
  expect(status.items.find((a) => a.accountId === id)).toMatchObject({
    status: 'active',
    openPositions: 1,
    balance: { equity: expect.any(String) },
    lastReconcileAt: expect.any(Number),
    today: { realized: expect.any(String) },
  });
  const screen = await cli('status');
  expect(screen.code).toBe(0);
  expect(screen.stdout).toContain(`${id}  status  paper (paper)  active`);
  expect(screen.stdout).toContain('1 open');
  expect(screen.stdout).not.toContain(created.token as string);
});
