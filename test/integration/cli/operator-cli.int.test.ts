// The owner's action commands against the local stack as `npm start` runs it (its webhook, queue,
// executor and paper exchange): a stop moved from the CLI is the book's stop once the executor has
// run it, an unknown order is refused by name, `flatten --all` closes the position, and a deleted
// account's alerts are refused.
import { sleep, useLocalStackProcess } from './local-stack-process';

// A stack boot and a dozen CLI runs (each a Node start), on a machine shared with others.
jest.setTimeout(300_000);

// The webhook caches an account for ACCOUNT_CACHE_MS (30 s by default, as deployed): off here, so
// each alert reads the setting the CLI just wrote instead of waiting out the cache.
// The replay at real pace: at the default (one hourly candle per 5 s) a 1 % trail or a tight stop can
// fill while a loaded machine is still waiting for the mark, and the position is gone (a CI failure).
const { base, cli, cliJson } = useLocalStackProcess('operator-cli', {
  ACCOUNT_CACHE_MS: '0',
  REPLAY_MS_PER_CANDLE: '3600000',
});

/** Polls `positions` until `done` holds for its answer (the executor runs asynchronously). */
async function positionsUntil(
  id: string,
  done: (positions: Record<string, unknown>[]) => boolean,
): Promise<Record<string, unknown>[]> {
  const started = Date.now();
  for (;;) {
    const positions = (await cliJson('positions', '--account', id)) as unknown as Record<string, unknown>[];
    if (done(positions)) return positions;
    if (Date.now() - started > 120_000) throw new Error(`positions never settled: ${JSON.stringify(positions)}`);
    await sleep(500);
  }
}

test('move-stop, order cancel, flatten --all and delete from the CLI', async () => {
  const created = await cliJson('account', 'add', '--exchange', 'paper', '--name', 'operator', '--balance', '10000');
  const id = created.id as string;
  const token = created.token as string;
  const post = (extra: Record<string, unknown>) =>
    fetch(`${base}/webhook`, {
      method: 'POST',
      body: JSON.stringify({ token, account: id, symbol: 'BTCUSDT.P', ...extra }),
    }).then((r) => r.status);

  expect(await post({ action: 'long', sl: '10%', id: 'op-1' })).toBe(202);
  const [opened] = await positionsUntil(id, (p) => p.length === 1);
  const entry = Number(opened?.entryPrice);
  // well inside the 10 % stop, far below any price the replay reaches in a minute
  // as the book writes decimals (no trailing zero): toFixed(1) made "64190.0" against the book's
  // "64190" whenever the rounded price was whole
  const price = String(Math.round(entry * 0.93 * 10) / 10);

  const moved = await cliJson('account', 'move-stop', '--account', id, '--symbol', 'BTCUSDT', '--price', price);
  expect(moved).toMatchObject({ status: 202, action: 'move-stop', accountIds: [id] });
  expect(moved.signalIds).toHaveLength(1);
  const [protectedNow] = await positionsUntil(
    id,
    (p) => (p[0]?.stopLoss as { triggerPrice?: string } | undefined)?.triggerPrice === price,
  );
  expect(protectedNow).toMatchObject({ side: 'long', stopLoss: { triggerPrice: price } });

  const unknown = await cli('order', 'cancel', '--account', id, '--order', 'tnope');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain(`error: no order tnope on ${id}`);

  const human = await cli('flatten', '--all');
  expect(human.code).toBe(0);
  expect(human.stdout).toContain(`${id} paused, 1 close(s) queued: BTC/USDT:USDT`);
  await positionsUntil(id, (p) => p.length === 0);

  expect(await cliJson('account', 'delete', '--account', id)).toMatchObject({ status: 200, action: 'delete' });
  expect(await post({ action: 'long', id: 'op-2' })).toBe(401);

  const events = (await cliJson('events', '--account', id)) as unknown as {
    type: string;
    data?: Record<string, unknown>;
  }[];
  const actions = events.filter((e) => e.type === 'account.control').map((e) => e.data?.action);
  expect(actions).toEqual(expect.arrayContaining(['move-stop', 'flatten', 'delete']));
  expect(JSON.stringify(events)).not.toContain(token);
});
