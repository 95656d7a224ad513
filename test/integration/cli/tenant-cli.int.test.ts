// Many people, one local stack, through the real CLI: the first user owns tenant acc (the accounts
// made without --user), a second user gets a tenant of their own, a trader and a viewer join it.
// With --user B, every command given A's account id answers "no account <id>" (exit 1, as an
// unknown id) and changes nothing; listings show only the user's tenant; roles hold (a viewer
// cannot act, a trader cannot rotate the token or delete); without --user the CLI is acc's owner.
import { useLocalStackProcess } from './local-stack-process';

// A stack boot and some forty CLI runs (each a Node start), on a machine shared with others.
jest.setTimeout(600_000);

const { cli, cliJson } = useLocalStackProcess('tenant-cli', {
  ACCOUNT_CACHE_MS: '0',
  CONSOLE_PASSWORD: 'Correct-Horse-9-local',
});

const B = 'b@example.com';

test("B's --user sees and touches only B's tenant; roles hold; without --user the CLI is acc's owner", async () => {
  expect((await cliJson('user', 'add', '--email', 'a@example.com')).tenantId).toBe('acc');
  const tenantB = (await cliJson('user', 'add', '--email', B)).tenantId as string;
  expect(tenantB).toMatch(/^t[0-9a-f]{10}$/);
  await cliJson('user', 'add', '--email', 'bt@example.com', '--team', B, '--role', 'trader');
  await cliJson('user', 'add', '--email', 'bv@example.com', '--team', B, '--role', 'viewer');

  const a = (await cliJson('account', 'add', '--exchange', 'paper', '--name', 'a-paper')).id as string;
  const b = (await cliJson('account', 'add', '--exchange', 'paper', '--name', 'b-paper', '--user', B)).id as string;
  expect(a).toMatch(/^acc-[0-9a-f]{12}$/);
  expect(b.startsWith(`${tenantB}-`)).toBe(true);

  const ids = async (...user: string[]) =>
    ((await cliJson('account', 'list', ...user)) as unknown as { accountId: string }[]).map((x) => x.accountId);
  expect(await ids()).toEqual([a]);
  expect(await ids('--user', B)).toEqual([b]);
  expect(await ids('--user', 'bv@example.com')).toEqual([b]);

  const eventsOfA = async () => ((await cliJson('events', '--account', a)) as unknown as unknown[]).length;
  const before = { events: await eventsOfA(), accounts: await cliJson('account', 'list') };

  // A's id on every command of B: the same answer as an id that does not exist
  const onA: string[][] = [
    ['orders', '--account', a],
    ['trades', '--account', a],
    ['events', '--account', a],
    ['positions', '--account', a],
    ['account', 'url', '--account', a],
    ['account', 'rotate-token', '--account', a],
    ['account', 'pause', '--account', a],
    ['account', 'resume', '--account', a],
    ['account', 'flatten', '--account', a],
    ['account', 'set', a, '--require-time', 'on'],
    ['account', 'rename', '--account', a, '--name', 'taken'],
    ['account', 'delete', '--account', a],
    ['account', 'close', '--account', a, '--symbol', 'BTCUSDT'],
    ['account', 'paper-reset', '--account', a, '--balance', '1'],
    ['order', 'cancel', '--account', a, '--order', 'x'],
    ['pause', '--account', a],
    ['risk', 'show', '--account', a],
    ['risk', 'set', '--account', a, '--set', 'switches.dailyLossPct=3'],
    ['strategy', 'list', '--account', a],
    ['strategy', 'enable', '--account', a, '--strategy', 'ema-cross', '--symbol', 'BTCUSDT', '--timeframe', '1h'],
    ['report', '--account', a],
  ];
  for (const args of onA) {
    const run = await cli(...args, '--user', B);
    expect({ args, code: run.code }).toEqual({ args, code: 1 });
    expect({ args, stderr: run.stderr }).toEqual({
      args,
      stderr: expect.stringMatching(new RegExp(`no account ${a}`)),
    });
    expect(run.stdout).toBe('');
  }
  // ... and an unknown id answers the same way
  const unknown = await cli('orders', '--account', `${tenantB}-000000000000`, '--user', B);
  expect(unknown.stderr).toContain(`no account ${tenantB}-000000000000`);

  // flatten --all of B covers B's accounts only
  const all = await cliJson('pause', '--all', '--user', B);
  expect(all.accountIds).toEqual([b]);

  expect(await eventsOfA()).toBe(before.events);
  expect(await cliJson('account', 'list')).toEqual(before.accounts);

  // roles: a viewer reads only; a trader trades but holds no keys
  const viewerActs = await cli('account', 'resume', '--account', b, '--user', 'bv@example.com');
  expect(viewerActs.code).toBe(1);
  expect(viewerActs.stderr).toContain(
    `bv@example.com is a viewer of tenant ${tenantB}: \`account resume\` needs the trade capability`,
  );
  expect((await cli('orders', '--account', b, '--user', 'bv@example.com')).code).toBe(0);
  const traderKeys = await cli('account', 'rotate-token', '--account', b, '--user', 'bt@example.com');
  expect(traderKeys.stderr).toContain('`account rotate-token` needs the keys capability');
  expect((await cli('account', 'resume', '--account', b, '--user', 'bt@example.com')).code).toBe(0);

  // --user on a command for no tenant, and an unknown user, are refused by name
  expect((await cli('upgrade', 'tenancy', '--user', B)).stderr).toContain('--user does not apply to `upgrade tenancy`');
  expect((await cli('account', 'list', '--user', 'nobody@example.com')).stderr).toContain(
    '--user: no user nobody@example.com in any tenant',
  );

  // the stack ran the upgrade at start; running it again finds nothing to do
  const upgrade = await cliJson('upgrade', 'tenancy');
  expect(upgrade).toMatchObject({ tenantCreated: false, indexed: 0, joined: 0, members: 0 });
});
