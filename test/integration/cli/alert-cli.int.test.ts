// `npm run cli -- account add | account url | account set --default-message | alert test` against the
// local stack as `npm start` runs it: the account's own URL takes TradingView's default strategy
// message once the account opts in, and `alert test` sends a sample through the real webhook with a
// one-time token and reports the executed signal with its orders, or the webhook's refusal.
import { useLocalStackProcess } from './local-stack-process';

// A stack boot, six CLI runs (each a Node start) and one signal through the paper executor, on a
// machine shared with others.
jest.setTimeout(300_000);

// The webhook's account cache as deployed (30 s): alert test's token, stored after the account was
// cached, must still be accepted (the webhook reads the account again after a mismatch).
const { base, cli, cliJson } = useLocalStackProcess('alert-cli');

test("the account's own URL: printed by add (with the token) and url (without), the default message accepted once opted in", async () => {
  const created = await cliJson('account', 'add', '--exchange', 'paper', '--name', 'alerts', '--balance', '10000');
  const id = created.id as string;
  const token = created.token as string;
  expect(created.accountUrl).toBe(`${base}/webhook/${id}/${token}`);

  const url = await cliJson('account', 'url', '--account', id);
  expect(url).toEqual({
    accountId: id,
    webhookUrl: `${base}/webhook`,
    accountUrl: `${base}/webhook/${id}/<token>`,
    defaultMessage: false,
  });
  expect(JSON.stringify(url)).not.toContain(token);

  expect(await cliJson('account', 'set', id, '--default-message', 'on')).toMatchObject({
    accountId: id,
    defaultMessage: true,
    previousDefaultMessage: false,
  });
  const message = 'buy @ 0.01 filled on BINANCE:BTCUSDT.P. New strategy position is 0.01';
  const accepted = await fetch(created.accountUrl as string, { method: 'POST', body: message });
  expect(accepted.status).toBe(202);
  const wrong = await fetch(`${base}/webhook/${id}/not-the-token`, { method: 'POST', body: message });
  expect(wrong.status).toBe(401);
  const plain = await fetch(`${base}/webhook/${id}`, { method: 'POST', body: message });
  expect(plain.status).toBe(400);
});

test('alert test: the paper sample executes with its stop; a bad body is refused with the reason; issuing and clearing the token audited', async () => {
  const created = await cliJson('account', 'add', '--exchange', 'paper', '--name', 'alert-test', '--balance', '10000');
  const id = created.id as string;
  const token = created.token as string;
  // cache the account in the webhook before the test stores its token
  await fetch(`${base}/webhook`, {
    method: 'POST',
    body: JSON.stringify({ token, account: id, action: 'close_long', symbol: 'ETHUSDT.P' }),
  });

  const executed = await cliJson('alert', 'test', '--account', id, '--timeout', '120');
  expect(executed).toMatchObject({ accountId: id, httpStatus: 202, outcome: 'executed', final: true });
  const orders = executed.orders as { leg: string; status: string }[];
  expect(orders.map((o) => o.leg).sort()).toEqual(['open', 'sl']);
  expect(executed.alert).toMatchObject({ outcome: 'accepted', signalId: executed.signalId });

  const refused = await cli(
    'alert',
    'test',
    '--account',
    id,
    '--json',
    '--body',
    JSON.stringify({ action: 'long', symbol: 'BTCUSDT.P', stop_loss: '2%' }),
  );
  expect(refused.code).toBe(2);
  expect(JSON.parse(refused.stdout)).toMatchObject({
    outcome: 'refused',
    httpStatus: 422,
    reason: 'stop_loss: unknown field',
    alert: { outcome: 'refused', code: 'validation', field: 'stop_loss' },
  });

  const events = (await cliJson('events', '--account', id)) as unknown as { data?: Record<string, unknown> }[];
  const tests = events.filter((e) => e.data?.setting === 'alertTest');
  expect(tests).toHaveLength(4);
  const human = await cli('account', 'url', '--account', id);
  expect(human.stdout).toContain('refused (account set');
});

test('alert test refuses an unknown account and a body carrying a token, naming them', async () => {
  const bad = await cli('alert', 'test', '--account', 'acc-000000000000');
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('no account acc-000000000000');
  const created = await cliJson('account', 'add', '--exchange', 'paper', '--name', 'alert-bad', '--balance', '10000');
  const withToken = await cli(
    'alert',
    'test',
    '--account',
    created.id as string,
    '--body',
    '{"token":"x","action":"long","symbol":"BTCUSDT"}',
  );
  expect(withToken.code).toBe(1);
  expect(withToken.stderr).toContain('--body: must not carry a token');
});
