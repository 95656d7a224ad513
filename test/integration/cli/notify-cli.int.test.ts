// A tenant's notification channels through the real CLI on the local stack: the owner sets and
// shows them with --user, a trader may not, a bad field is refused naming it, and the Discord
// webhook's token (given in NOTIFY_DISCORD_WEBHOOK, never on the command line) appears in no output.
import { useLocalStackProcess } from './local-stack-process';

// A stack boot and about a dozen CLI runs (each a Node start), on a machine shared with others.
jest.setTimeout(600_000);

const TOKEN = 'nOtIfY-discord-token_never_printed_42';
const { cli, cliJson } = useLocalStackProcess('notify-cli', {
  CONSOLE_PASSWORD: 'Correct-Horse-9-local',
  NOTIFY_DISCORD_WEBHOOK: `https://discord.com/api/webhooks/112233445566778899/${TOKEN}`,
});

const B = 'nb@example.com';

test("the owner sets and shows the tenant's channels; a trader cannot; the webhook's token is never printed", async () => {
  expect((await cliJson('user', 'add', '--email', 'na@example.com')).tenantId).toBe('acc');
  const tenantB = (await cliJson('user', 'add', '--email', B)).tenantId as string;
  await cliJson('user', 'add', '--email', 'nbt@example.com', '--team', B, '--role', 'trader');
  const outputs: string[] = [];
  const run = async (...args: string[]) => {
    const r = await cli(...args);
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  const trader = await run('notify', 'set', '--user', 'nbt@example.com', '--telegram-chat', '5002');
  expect(trader.code).not.toBe(0);
  expect(trader.stderr).toContain('needs the keys capability');

  const bad = await run('notify', 'set', '--user', B, '--telegram-chat', '@channel');
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('telegramChat: "@channel" is not a Telegram chat id');

  const set = await run(
    'notify',
    'set',
    '--user',
    B,
    '--telegram-chat',
    '5002',
    '--discord-webhook',
    '--email',
    'NB@example.com',
    '--quiet-hours',
    '22:00-07:00',
    '--time-zone',
    'Asia/Seoul',
    '--json',
  );
  expect(set.code).toBe(0);
  expect(JSON.parse(set.stdout)).toEqual({
    tenantId: tenantB,
    telegramChatIds: ['5002'],
    discordWebhook: 'https://discord.com/api/webhooks/112233445566778899/…',
    emails: ['nb@example.com'],
    quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Seoul' },
  });

  // only the channels given change
  const cleared = await run('notify', 'set', '--user', B, '--no-discord', '--json');
  expect(JSON.parse(cleared.stdout)).toMatchObject({ telegramChatIds: ['5002'], discordWebhook: null });
  const shown = JSON.parse((await run('notify', 'show', '--user', B, '--json')).stdout);
  expect(shown).toMatchObject({ tenantId: tenantB, telegramChatIds: ['5002'], emails: ['nb@example.com'] });
  // the first tenant's channels are the deployment's: no settings of its own to set
  const first = await run('notify', 'set', '--telegram-chat', '5001');
  expect(first.code).not.toBe(0);
  expect(first.stderr).toContain("tenant acc's channels are the deployment's");
  // and B's did not reach them
  expect(JSON.parse((await run('notify', 'show', '--json')).stdout)).toMatchObject({
    tenantId: 'acc',
    telegramChatIds: [],
    discordWebhook: null,
  });
  expect(outputs.join('\n')).not.toContain(TOKEN);
});

test("notify test writes an info alert on one of the tenant's own accounts, for the notifier to tell", async () => {
  const noAccount = await cli('notify', 'test', '--user', B);
  expect(noAccount.code).not.toBe(0);
  expect(noAccount.stderr).toContain('has no account');
  const b = (await cliJson('account', 'add', '--exchange', 'paper', '--name', 'nb-paper', '--user', B)).id as string;
  expect(await cliJson('notify', 'test', '--user', B)).toMatchObject({ accountId: b });
  const events = (await cliJson('events', '--account', b, '--user', B)) as unknown as Array<{
    type: string;
    message: string;
  }>;
  expect(events.find((e) => e.type === 'alert')?.message).toMatch(/^Test notification for tenant t[0-9a-f]{10}/);
});
