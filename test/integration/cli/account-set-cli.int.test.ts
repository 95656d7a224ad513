// `npm run cli -- account set <account> --require-time on|off|default` against the local stack as
// `npm start` runs it: the webhook refuses or accepts alerts without `time` as the account now
// says, each change is in the audit trail, and a bad value or an unknown account is refused with
// the option or the account named and nothing changed.
import { useLocalStackProcess } from './local-stack-process';

// A stack boot and about ten CLI runs (each a Node start), on a machine shared with others.
jest.setTimeout(240_000);

// The webhook caches an account for ACCOUNT_CACHE_MS (30 s by default, as deployed): off here, so
// each alert reads the setting the CLI just wrote instead of waiting out the cache.
const { base, cli, cliJson } = useLocalStackProcess('account-set', { ACCOUNT_CACHE_MS: '0' });

test('requireTime on refuses alerts without time (422 on `time`), off accepts them, default hands it back to the stage; each change audited', async () => {
  const created = await cliJson(
    'account',
    'add',
    '--exchange',
    'paper',
    '--name',
    'require-time',
    '--balance',
    '10000',
  );
  const id = created.id as string;
  const token = created.token as string;
  const post = (extra: Record<string, unknown>) =>
    fetch(`${base}/webhook`, {
      method: 'POST',
      body: JSON.stringify({ token, account: id, action: 'close_long', symbol: 'BTCUSDT.P', ...extra }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  // locally the stage's default is off
  expect((await post({ id: 'rt-1' })).status).toBe(202);

  expect(await cliJson('account', 'set', id, '--require-time', 'on')).toEqual({
    accountId: id,
    requireTime: true,
    previous: 'default',
  });
  const refused = await post({ id: 'rt-2' });
  expect(refused).toEqual({
    status: 422,
    body: {
      error: 'validation',
      issues: [{ field: 'time', message: 'required by this account: add "time":"{{timenow}}"' }],
    },
  });
  expect((await post({ id: 'rt-3', time: new Date().toISOString() })).status).toBe(202);

  // --account works as in the other account commands
  expect(await cliJson('account', 'set', '--account', id, '--require-time', 'off')).toEqual({
    accountId: id,
    requireTime: false,
    previous: true,
  });
  expect((await post({ id: 'rt-4' })).status).toBe(202);

  const human = await cli('account', 'set', id, '--require-time', 'default');
  expect(human.code).toBe(0);
  expect(human.stdout).toContain(`${id}: requireTime the stage's default (was off)`);
  expect((await post({ id: 'rt-5' })).status).toBe(202);

  const events = (await cliJson('events', '--account', id)) as unknown as {
    type: string;
    message: string;
    data?: Record<string, unknown>;
  }[];
  const changes = events.filter((e) => e.type === 'account.control').reverse();
  expect(changes.map((e) => e.data)).toEqual([
    { setting: 'requireTime', requireTime: true, previous: null },
    { setting: 'requireTime', requireTime: false, previous: true },
    { setting: 'requireTime', requireTime: null, previous: false },
  ]);
  expect(changes[0]?.message).toBe(
    'webhook requireTime on (was the stage\'s default): alerts without "time" are refused',
  );
  expect(JSON.stringify(events)).not.toContain(token);
});

test('a value other than on|off|default, a missing value or an unknown account is refused, naming it, and changes nothing', async () => {
  const created = await cliJson(
    'account',
    'add',
    '--exchange',
    'paper',
    '--name',
    'require-time-bad',
    '--balance',
    '10000',
  );
  const id = created.id as string;

  const bad = await cli('account', 'set', id, '--require-time', 'yes');
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toMatch(/--require-time.*'yes' is invalid.*on, off, default/s);

  const missing = await cli('account', 'set', id);
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toContain('--require-time');

  const unknown = await cli('account', 'set', 'acc-000000000000', '--require-time', 'on');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no account acc-000000000000');

  const events = (await cliJson('events', '--account', id)) as unknown as { type: string }[];
  expect(events.filter((e) => e.type === 'account.control')).toEqual([]);
});

test('--ensemble, --ensemble-required, --ensemble-timeframe and --market-summary: stored, shown, audited; a bad K is refused naming the option', async () => {
  const created = await cliJson('account', 'add', '--exchange', 'paper', '--name', 'models', '--balance', '10000');
  const id = created.id as string;

  expect(
    await cliJson(
      'account',
      'set',
      '--account',
      id,
      '--ensemble',
      'on',
      '--ensemble-required',
      '3',
      '--ensemble-timeframe',
      '4h',
      '--market-summary',
      'on',
    ),
  ).toEqual({
    accountId: id,
    ensemble: { enabled: true, required: 3, timeframe: '4h' },
    previousEnsemble: null,
    marketSummary: true,
    previousMarketSummary: false,
  });
  const human = await cli('account', 'set', id, '--ensemble', 'off');
  expect(human.code).toBe(0);
  expect(human.stdout).toContain(`${id}: ensemble off, 3 must agree, 4h candles`);

  for (const k of ['0', '8', 'two']) {
    const bad = await cli('account', 'set', id, '--ensemble-required', k);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/ensemble[.-]required.*1\.\.7/);
  }

  const events = (await cliJson('events', '--account', id)) as unknown as {
    type: string;
    data?: Record<string, unknown>;
  }[];
  expect(
    events
      .filter((e) => e.type === 'account.control')
      .reverse()
      .map((e) => e.data),
  ).toEqual([
    { setting: 'ensemble', ensemble: { enabled: true, required: 3, timeframe: '4h' }, previousEnsemble: null },
    { setting: 'marketSummary', marketSummary: true, previous: false },
    {
      setting: 'ensemble',
      ensemble: { enabled: false, required: 3, timeframe: '4h' },
      previousEnsemble: { enabled: true, required: 3, timeframe: '4h' },
    },
  ]);
});
