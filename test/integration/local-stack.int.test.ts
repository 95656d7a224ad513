// `npm start` as a user runs it: boots, answers /health, takes an account from the CLI and an
// alert on the webhook, stops cleanly on Ctrl-C, and keeps accounts, positions and trades across
// a restart (DynamoDB data lives on disk in DATA_DIR). Secrets never reach its output.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
// `node --import tsx` as in the npm scripts: one process, signals reach it directly.
const tsx = ['--import', 'tsx'];
const dataDir = mkdtempSync(join(tmpdir(), 'tvat-stack-'));
const port = 30_000 + Math.floor(Math.random() * 20_000);
const base = `http://127.0.0.1:${port}`;
// Live keys the stack's fake Binance accepts: `account add` checks them against it before storing.
const apiKey = 'LIVEKEY' + 'q'.repeat(40);
const secret = 'LIVESECRET' + 'z'.repeat(40);
const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir, FAKE_BINANCE_API_KEY: apiKey, FAKE_BINANCE_SECRET: secret };

interface Running {
  child: ChildProcess;
  output: () => string;
}

async function boot(): Promise<Running> {
  const child = spawn(process.execPath, [...tsx, 'bin/local-stack.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    try {
      if ((await fetch(`${base}/health`)).ok) return { child, output: () => out };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`stack exited: ${out}`);
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`no /health within 60 s: ${out}`);
}

async function stop(running: Running): Promise<number | null> {
  const exited = new Promise<number | null>((r) => running.child.once('exit', (code) => r(code)));
  running.child.kill('SIGINT');
  return exited;
}

async function cli(...args: string[]): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, [...tsx, 'bin/cli.ts', ...args, '--json'], { cwd: root, env });
  return JSON.parse(stdout);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('boot, trade, Ctrl-C, restart: accounts, positions and trades survive; the token never shows in the logs', async () => {
  const first = await boot();
  const created = (await cli('account', 'add', '--exchange', 'paper', '--name', 'restart', '--balance', '10000')) as { id: string; token: string };
  expect(created.id).toMatch(/^acc-/);

  const res = await fetch(`${base}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: created.token, account: created.id, action: 'long', symbol: 'BTCUSDT.P', id: 'r-1', sl: '5%' }) });
  expect(res.status).toBe(202);
  let positions: { symbol: string; quantity: string }[] = [];
  for (let i = 0; i < 50 && positions.length === 0; i++) {
    await sleep(100);
    positions = (await cli('positions', '--account', created.id)) as typeof positions;
  }
  expect(positions).toEqual([expect.objectContaining({ symbol: 'BTC/USDT:USDT' })]);
  const bad = await fetch(`${base}/webhook`, { method: 'POST', body: JSON.stringify({ token: created.token, account: created.id, action: 'moon', symbol: 'BTCUSDT' }) });
  expect(bad.status).toBe(422);

  expect(await stop(first)).toBe(0);
  expect(first.output()).toContain('stopped');
  expect(first.output()).not.toContain(created.token);

  const second = await boot();
  try {
    const accounts = (await cli('account', 'list')) as { accountId: string }[];
    expect(accounts.map((a) => a.accountId)).toContain(created.id);
    expect(await cli('positions', '--account', created.id)).toEqual(positions);
    const trades = (await cli('trades', '--account', created.id)) as { status: string }[];
    expect(trades).toEqual([expect.objectContaining({ status: 'open' })]);
    const orders = (await cli('orders', '--account', created.id)) as { leg: string }[];
    expect(orders.map((o) => o.leg).sort()).toEqual(['open', 'sl']);
  } finally {
    expect(await stop(second)).toBe(0);
  }
});

test('a live-exchange account is checked against the (fake) exchange and stores its keys encrypted: the raw key is in no output, listing or table item', async () => {
  const running = await boot();
  try {
    const refused = await promisify(execFile)(process.execPath, [...tsx, 'bin/cli.ts', 'account', 'add', '--exchange', 'binanceusdm', '--name', 'wrong', '--api-key', apiKey, '--secret', 'WRONG' + secret], { cwd: root, env }).catch((e: { stderr: string; stdout: string; code: number }) => e);
    expect((refused as { code: number }).code).toBe(1);
    expect((refused as { stderr: string }).stderr).toContain('credentials: the exchange refused these keys');
    expect(`${(refused as { stdout: string }).stdout}${(refused as { stderr: string }).stderr}`).not.toContain(secret);

    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...tsx, 'bin/cli.ts', 'account', 'add', '--exchange', 'binanceusdm', '--name', 'live', '--api-key', apiKey, '--secret', secret, '--json'], { cwd: root, env });
    const created = JSON.parse(stdout) as { id: string; account: { hasCredentials: boolean }; keyCheck: { balance: { equity: number }; canWithdraw: boolean; ipRestricted: boolean } };
    expect(created.account.hasCredentials).toBe(true);
    expect(created.keyCheck).toMatchObject({ balance: { equity: 10_000 }, canWithdraw: false, ipRestricted: true });
    expect(((await cli('account', 'list')) as unknown[]).length).toBeGreaterThanOrEqual(1);
    expect(stdout + stderr).not.toContain(apiKey);
    expect(stdout + stderr).not.toContain(secret);
    expect(JSON.stringify(await cli('account', 'list'))).not.toContain(apiKey);

    const discovery = (await (await fetch(`${base}/_local/config`)).json()) as { dynamoEndpoint: string; stage: string };
    const { DynamoDBClient, ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const items = await new DynamoDBClient({ region: 'us-east-1', endpoint: discovery.dynamoEndpoint }).send(new ScanCommand({ TableName: `tvat-${discovery.stage}-accounts` }));
    const raw = JSON.stringify(items.Items);
    expect(raw).toContain(created.id);
    expect(raw).not.toContain(apiKey);
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(Buffer.from(apiKey).toString('base64').slice(0, 20));
    expect(running.output()).not.toContain(secret);

    const bad = await promisify(execFile)(process.execPath, [...tsx, 'bin/cli.ts', 'account', 'add', '--exchange', 'paper', '--name', 'x', '--max-leverage', '500'], { cwd: root, env }).catch((e: { stderr: string; code: number }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toContain('max-leverage: must be a whole number from 1 to 125');
  } finally {
    expect(await stop(running)).toBe(0);
  }
});

test('the owner controls from the CLI: risk show before any risk check, risk set refusing a bad value, flatten closing through the queue, resume', async () => {
  const running = await boot();
  try {
    const created = (await cli('account', 'add', '--exchange', 'paper', '--name', 'controls', '--balance', '10000')) as { id: string; token: string };
    const shown = (await cli('risk', 'show', '--account', created.id)) as { status: string; entries: string; switches: Record<string, { tripped: boolean }>; limits: { maxOpenPositions: number } };
    expect(shown).toMatchObject({ status: 'active', entries: 'allowed', limits: { maxOpenPositions: 5 } });
    expect(Object.values(shown.switches).every((s) => !s.tripped)).toBe(true);

    await cli('risk', 'set', '--account', created.id, '--set', 'limits.maxOpenPositions=3', '--set', 'switches.dailyLossPct=2.5');
    expect(await cli('risk', 'show', '--account', created.id)).toMatchObject({ limits: { maxOpenPositions: 3 }, overrides: { limits: { maxOpenPositions: 3 }, switches: { dailyLossPct: 2.5 } } });
    const refused = await promisify(execFile)(process.execPath, [...tsx, 'bin/cli.ts', 'risk', 'set', '--account', created.id, '--set', 'switches.dailyLossPct=500'], { cwd: root, env }).catch((e: { stderr: string }) => e);
    expect((refused as { stderr: string }).stderr).toMatch(/switches\.dailyLossPct: must be from 0 to 100/);

    const res = await fetch(`${base}/webhook`, { method: 'POST', body: JSON.stringify({ token: created.token, account: created.id, action: 'long', symbol: 'BTCUSDT.P', id: 'f-1' }) });
    expect(res.status).toBe(202);
    let open: unknown[] = [];
    for (let i = 0; i < 50 && open.length === 0; i++) {
      await sleep(100);
      open = (await cli('positions', '--account', created.id)) as unknown[];
    }
    expect(open).toHaveLength(1);

    const flattened = (await cli('account', 'flatten', '--account', created.id)) as { status: string; queued: { symbol: string }[] };
    expect(flattened).toMatchObject({ status: 'paused', queued: [{ symbol: 'BTC/USDT:USDT' }] });
    for (let i = 0; i < 50 && open.length > 0; i++) {
      await sleep(100);
      open = (await cli('positions', '--account', created.id)) as unknown[];
    }
    expect(open).toEqual([]);
    expect(await cli('risk', 'show', '--account', created.id)).toMatchObject({ status: 'paused', entries: 'blocked' });
    expect(await cli('account', 'resume', '--account', created.id)).toMatchObject({ status: 'active' });
    const events = (await cli('events', '--account', created.id)) as { type: string }[];
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['account.control', 'account.status', 'risk.accepted', 'trade.closed']));
  } finally {
    expect(await stop(running)).toBe(0);
  }
});
