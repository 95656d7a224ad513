// The price watcher on the local stack (`npm start`'s own composition, with the paper price and the
// stream made controllable: stack-child.ts): a paper long with a 1 % trail, opened through the
// webhook; the price moves and the emulated stop on the book and on the paper ledger follows, with
// the paper tick and the risk check held off for the whole test, so nothing but the watcher can
// have moved it. Then the stream drops: while it is down the price peaks and falls back; after the
// reconnect the catch-up's high moves the stop. Assertions are on the state (the book, the paper
// ledger, the risk state), never on time: the tick-to-move latency is `npm run bench`'s figure.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalDiscovery } from '../../../bin/local/stack';
import { BTC, openTrailedLong, until } from './trailed-long';

// Boots a whole stack in a child (tsx compiles it first) and waits on a loaded machine: generous,
// and never a timed assertion.
jest.setTimeout(300_000);

const root = join(__dirname, '..', '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let child: ChildProcess | undefined;
let output = '';
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

/** Sends a command and waits for its `ok`. */
async function command(line: string): Promise<void> {
  const before = output.length;
  child?.stdin?.write(`${line}\n`);
  await until(
    async () => output.slice(before),
    (out) => out.includes(`ok ${line.split(' ')[0]}`),
  );
}

test('a trailing stop follows the price on the local stack, and after a dropped stream the gap’s high moves it', async () => {
  child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'stack-child.ts')], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tvat-watcher-')),
      POWERTOOLS_LOG_LEVEL: 'WARN',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const line = await until(
    async () => output.split('\n').find((l) => l.startsWith('{"stage"')),
    (l) => l !== undefined || child?.exitCode !== null,
    180_000,
  );
  if (!line) throw new Error(`the stack did not start: ${output}`);
  const discovery = JSON.parse(line) as LocalDiscovery;
  const { repos, account, position, armed } = await openTrailedLong(discovery, {
    name: 'watcher',
    balance: 100_000,
    alertId: 'w-1',
  });
  expect(Number(armed?.stopLoss?.triggerPrice)).toBeCloseTo(Number(armed?.entryPrice) * 0.99, 0);
  const restingStops = async () =>
    (await repos.paper.listOpenOrders(account.accountId)).filter((o) => o.status === 'open').map((o) => o.triggerPrice);

  // The price moves: the stop follows to 1 % under 51,000, on the book and on the paper ledger.
  await command('price 51000');
  await until(position, (p) => p?.stopLoss?.triggerPrice === '50490');
  expect(await until(restingStops, (s) => s.length === 1 && s[0] === '50490')).toEqual(['50490']);
  expect((await repos.risk.getState(account.accountId))?.trailing[BTC]).toEqual({
    tradeId: armed?.tradeId,
    best: 51_000,
  });

  // The stream drops; reconnects are refused while the price peaks at 52,000 and falls back to 51,600.
  await command('drop');
  await command('price 52000');
  await sleep(500);
  await command('price 51600');
  await sleep(500);
  expect((await position())?.stopLoss?.triggerPrice).toBe('50490'); // nothing seen while down
  await command('restore');
  // Reconnected: the catch-up's high (52,000), not the live 51,600 (which would give 51,084), sets the stop.
  const caughtUp = await until(position, (p) => p?.stopLoss?.triggerPrice !== '50490');
  expect(caughtUp?.stopLoss?.triggerPrice).toBe('51480');
  expect(await until(restingStops, (s) => s.length === 1 && s[0] === '51480')).toEqual(['51480']);
  expect((await position())?.quantity).toBe(armed?.quantity);
  // the watcher's own log said what happened
  expect(output).toMatch(/price watcher: dropped/);

  await command('stop');
});
