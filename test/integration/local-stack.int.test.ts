// `npm start` as a user runs it: boots, answers /health, takes an account from the CLI and an
// alert on the webhook, stops cleanly on Ctrl-C, and keeps accounts, positions and trades across
// a restart (DynamoDB data lives on disk in DATA_DIR). Secrets never reach its output. The CLI
// finds the stack through DATA_DIR/local-stack.json, never by asking the port; keys reach it on
// standard input or in EXCHANGE_API_*, and are refused as arguments.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
// `node --import tsx` as in the npm scripts: one process, signals reach it directly.
const tsx = ['--import', 'tsx'];
// the CLI as `npm run cli` runs it: the launcher, which runs the bundle (rebuilt first when stale)
const CLI = ['bin/cli-launcher.mjs'];
const dataDir = mkdtempSync(join(tmpdir(), 'tvat-stack-'));
// below Linux's ephemeral range (32768-60999), where the OS hands out the ports of every other listener and connection
const port = 20_000 + Math.floor(Math.random() * 12_000);
const base = `http://127.0.0.1:${port}`;
// Live keys the stack's fake Binance accepts: `account add` checks them against it before storing.
const apiKey = 'LIVEKEY' + 'q'.repeat(40);
const secret = 'LIVESECRET' + 'z'.repeat(40);
const env = {
  ...process.env,
  PORT: String(port),
  DATA_DIR: dataDir,
  FAKE_BINANCE_API_KEY: apiKey,
  FAKE_BINANCE_SECRET: secret,
};

interface Running {
  child: ChildProcess;
  output: () => string;
}

/** every stack started here: one left running by a failed test would answer the next test's boot */
const stacks: ChildProcess[] = [];
afterEach(() => {
  for (const child of stacks.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function boot(): Promise<Running> {
  const child = spawn(process.execPath, [...tsx, 'bin/local-stack.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stacks.push(child);
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
  const { stdout } = await promisify(execFile)(process.execPath, [...CLI, ...args, '--json'], { cwd: root, env });
  return JSON.parse(stdout);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI with `input` piped to its standard input (not a terminal) and extra variables. */
function cliRun(args: string[], input: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...CLI, ...args],
      { cwd: root, env: { ...env, ...extraEnv } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('boot, trade, Ctrl-C, restart: accounts, positions and trades survive; the token never shows in the logs', async () => {
  const first = await boot();
  const created = (await cli('account', 'add', '--exchange', 'paper', '--name', 'restart', '--balance', '10000')) as {
    id: string;
    token: string;
  };
  expect(created.id).toMatch(/^acc-/);

  const res = await fetch(`${base}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: created.token,
      account: created.id,
      action: 'long',
      symbol: 'BTCUSDT.P',
      id: 'r-1',
      sl: '5%',
    }),
  });
  expect(res.status).toBe(202);
  // the position is booked first and its stop armed just after: wait for the settled row
  let positions: { symbol: string; quantity: string; stopLoss?: unknown }[] = [];
  for (let i = 0; i < 100 && positions[0]?.stopLoss === undefined; i++) {
    await sleep(100);
    positions = (await cli('positions', '--account', created.id)) as typeof positions;
  }
  expect(positions).toEqual([
    expect.objectContaining({
      symbol: 'BTC/USDT:USDT',
      stopLoss: expect.objectContaining({ triggerPrice: expect.any(String) }),
    }),
  ]);
  const bad = await fetch(`${base}/webhook`, {
    method: 'POST',
    body: JSON.stringify({ token: created.token, account: created.id, action: 'moon', symbol: 'BTCUSDT' }),
  });
  expect(bad.status).toBe(422);

  expect(await stop(first)).toBe(0);
  expect(first.output()).toContain('stopped');
  expect(first.output()).not.toContain(created.token);

  const second = await boot();
  try {
    const accounts = (await cli('account', 'list')) as { accountId: string }[];
    expect(accounts.map((a) => a.accountId)).toContain(created.id);
    // the book's rows survive the restart; the mark beside them is the risk-check job's newest
    const bookOnly = (rows: unknown) =>
      (rows as Record<string, unknown>[]).map(
        ({ markPrice: _m, unrealizedPnl: _u, liquidationPrice: _l, breakEvenPrice: _b, markAt: _a, ...book }) => book,
      );
    expect(bookOnly(await cli('positions', '--account', created.id))).toEqual(bookOnly(positions));
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
    // keys as arguments: refused before anything is read or stored, the value not repeated
    const onArgv = await cliRun(
      ['account', 'add', '--exchange', 'binanceusdm', '--name', 'argv', '--api-key', apiKey, '--secret', secret],
      '',
    );
    expect(onArgv.code).toBe(1);
    expect(onArgv.stderr).toMatch(
      /^error: --api-key is refused: .*hidden prompt.*standard input.*EXCHANGE_API_KEY \/ EXCHANGE_API_SECRET \/ EXCHANGE_API_PASSWORD/,
    );
    expect(onArgv.stdout + onArgv.stderr).not.toContain(apiKey);
    expect(onArgv.stdout + onArgv.stderr).not.toContain(secret);

    // wrong keys in the environment: checked against the (fake) exchange and refused
    const refused = await cliRun(['account', 'add', '--exchange', 'binanceusdm', '--name', 'wrong'], '', {
      EXCHANGE_API_KEY: apiKey,
      EXCHANGE_API_SECRET: 'WRONG' + secret,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('credentials: the exchange refused these keys');
    expect(refused.stdout + refused.stderr).not.toContain(secret);

    // the right keys on standard input, one per line
    const piped = await cliRun(
      ['account', 'add', '--exchange', 'binanceusdm', '--name', 'live', '--json'],
      `${apiKey}\n${secret}\n`,
    );
    expect(piped.code).toBe(0);
    const { stdout, stderr } = piped;
    const created = JSON.parse(stdout) as {
      id: string;
      account: { hasCredentials: boolean };
      keyCheck: { balance: { equity: number }; canWithdraw: boolean; ipRestricted: boolean };
    };
    expect(created.account.hasCredentials).toBe(true);
    expect(created.keyCheck).toMatchObject({ balance: { equity: '10000' }, canWithdraw: false, ipRestricted: true });
    const listed = (await cli('account', 'list')) as { name: string }[];
    expect(listed.map((a) => a.name)).toContain('live');
    expect(listed.map((a) => a.name)).not.toContain('argv');
    expect(listed.map((a) => a.name)).not.toContain('wrong');
    expect(stdout + stderr).not.toContain(apiKey);
    expect(stdout + stderr).not.toContain(secret);
    expect(JSON.stringify(listed)).not.toContain(apiKey);

    // exchange smoke on that account, keys on standard input: every step passes, nothing left open
    const smoke = await cliRun(['exchange', 'smoke', '--account', created.id, '--json'], `${apiKey}\n${secret}\n`);
    expect(smoke.code).toBe(0);
    const smoked = JSON.parse(smoke.stdout) as { failed: number; steps: { step: string; ok: boolean }[] };
    expect(smoked.failed).toBe(0);
    expect(smoked.steps.map((s) => s.step)).toEqual(
      expect.arrayContaining(['place far limit buy', 'place far stop', 'read fills', 'position mode']),
    );
    expect(smoke.stdout + smoke.stderr).not.toContain(secret);

    // how the CLI found the stack: a 0600 file in DATA_DIR naming this stack's port and process
    const file = join(dataDir, 'local-stack.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const discovery = JSON.parse(readFileSync(file, 'utf8')) as {
      dynamoEndpoint: string;
      stage: string;
      port: number;
      pid: number;
    };
    expect(discovery.port).toBe(port);
    expect(discovery.pid).toBe(running.child.pid);
    const { DynamoDBClient, ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const items = await new DynamoDBClient({ region: 'us-east-1', endpoint: discovery.dynamoEndpoint }).send(
      new ScanCommand({ TableName: `tvat-${discovery.stage}-accounts` }),
    );
    const raw = JSON.stringify(items.Items);
    expect(raw).toContain(created.id);
    expect(raw).not.toContain(apiKey);
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(Buffer.from(apiKey).toString('base64').slice(0, 20));
    expect(running.output()).not.toContain(secret);

    const bad = await promisify(execFile)(
      process.execPath,
      [...CLI, 'account', 'add', '--exchange', 'paper', '--name', 'x', '--max-leverage', '500'],
      { cwd: root, env },
    ).catch((e: { stderr: string; code: number }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toContain('max-leverage: must be a whole number from 1 to 125');

    // whatever answers on PORT has no say: with PORT naming another server, the CLI refuses and never calls it
    const calls: string[] = [];
    const impostor = createServer((req, res) => {
      calls.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...discovery, exchangeApiUrl: 'http://127.0.0.1:9/steal' }));
    });
    await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', () => r()));
    try {
      const impostorPort = (impostor.address() as AddressInfo).port;
      const misled = await cliRun(
        ['account', 'add', '--exchange', 'binanceusdm', '--name', 'misled'],
        `${apiKey}\n${secret}\n`,
        { PORT: String(impostorPort) },
      );
      expect(misled.code).toBe(1);
      expect(misled.stderr).toContain(`listens on port ${port}, not PORT=${impostorPort}`);
      expect(calls).toEqual([]);
    } finally {
      impostor.close();
    }
  } finally {
    expect(await stop(running)).toBe(0);
  }
  // stopped: the file is gone, and the CLI says there is no stack instead of trying one
  expect(() => statSync(join(dataDir, 'local-stack.json'))).toThrow();
  const after = await cliRun(['account', 'list'], '');
  expect(after.code).toBe(1);
  expect(after.stderr).toContain('no local stack found');
});

test('the owner controls from the CLI: risk show before any risk check, risk set refusing a bad value, flatten closing through the queue, resume', async () => {
  const running = await boot();
  try {
    const created = (await cli(
      'account',
      'add',
      '--exchange',
      'paper',
      '--name',
      'controls',
      '--balance',
      '10000',
    )) as { id: string; token: string };
    const shown = (await cli('risk', 'show', '--account', created.id)) as {
      status: string;
      entries: string;
      switches: Record<string, { tripped: boolean }>;
      limits: { maxOpenPositions: number };
    };
    expect(shown).toMatchObject({ status: 'active', entries: 'allowed', limits: { maxOpenPositions: 5 } });
    expect(Object.values(shown.switches).every((s) => !s.tripped)).toBe(true);

    await cli(
      'risk',
      'set',
      '--account',
      created.id,
      '--set',
      'limits.maxOpenPositions=3',
      '--set',
      'switches.dailyLossPct=2.5',
    );
    expect(await cli('risk', 'show', '--account', created.id)).toMatchObject({
      limits: { maxOpenPositions: 3 },
      overrides: { limits: { maxOpenPositions: 3 }, switches: { dailyLossPct: 2.5 } },
    });
    const refused = await promisify(execFile)(
      process.execPath,
      [...CLI, 'risk', 'set', '--account', created.id, '--set', 'switches.dailyLossPct=500'],
      { cwd: root, env },
    ).catch((e: { stderr: string }) => e);
    expect((refused as { stderr: string }).stderr).toMatch(/switches\.dailyLossPct: must be from 0 to 100/);

    const res = await fetch(`${base}/webhook`, {
      method: 'POST',
      body: JSON.stringify({
        token: created.token,
        account: created.id,
        action: 'long',
        symbol: 'BTCUSDT.P',
        id: 'f-1',
      }),
    });
    expect(res.status).toBe(202);
    let open: unknown[] = [];
    for (let i = 0; i < 50 && open.length === 0; i++) {
      await sleep(100);
      open = (await cli('positions', '--account', created.id)) as unknown[];
    }
    expect(open).toHaveLength(1);

    const flattened = (await cli('account', 'flatten', '--account', created.id)) as {
      status: string;
      queued: { symbol: string }[];
    };
    expect(flattened).toMatchObject({ status: 'paused', queued: [{ symbol: 'BTC/USDT:USDT' }] });
    for (let i = 0; i < 50 && open.length > 0; i++) {
      await sleep(100);
      open = (await cli('positions', '--account', created.id)) as unknown[];
    }
    expect(open).toEqual([]);
    expect(await cli('risk', 'show', '--account', created.id)).toMatchObject({ status: 'paused', entries: 'blocked' });
    expect(await cli('account', 'resume', '--account', created.id)).toMatchObject({ status: 'active' });
    const events = (await cli('events', '--account', created.id)) as { type: string }[];
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['account.control', 'account.status', 'risk.accepted', 'trade.closed']),
    );
  } finally {
    expect(await stop(running)).toBe(0);
  }
});
