// `npm run cli -- status` and `positions` against the local stack as `npm start` runs it: a paper
// position opened through the webhook shows with the risk-check job's mark and its unrealized P&L,
// and the overview lists the account with its equity, open positions and last reconcile.
import { sleep, useLocalStackProcess } from './local-stack-process';

// A stack boot, a fill, a risk-check run and a few CLI runs (each a Node start), on a shared machine.
jest.setTimeout(240_000);

// The replay at real pace: at the default (one hourly candle per 5 s) a 1 % trail or a tight stop can
// fill while a loaded machine is still waiting for the mark, and the position is gone (a CI failure).
const { base, cli, cliJson } = useLocalStackProcess('status-cli', {
  ACCOUNT_CACHE_MS: '0',
  REPLAY_MS_PER_CANDLE: '3600000',
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
      trail: '1%',
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
  // both stops: the fixed one, then the emulated trail beside it (paper: a plain stop the job moves)
  expect(human.stdout).toMatch(/ {2}SL \d+(\.\d+)? {2}trail 1% @ \d+(\.\d+)?/);

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
