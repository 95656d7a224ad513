// Linking a Telegram account as a user does it, on the local stack (`npm start` in a child process,
// with a bot configured against the fake Bot API): `telegram link --user B` through the real CLI
// prints a code; the update `/link CODE` posted to the stack's POST /telegram links B's Telegram
// account; the bot then shows B's account and not the first tenant's; `user remove` unlinks.
import { startFakeTelegram, type FakeTelegram } from '../../../bin/local/fake-telegram';
import { useLocalStackProcess } from './local-stack-process';

// A stack boot and a dozen CLI runs (each a Node start), on a machine shared with others.
jest.setTimeout(600_000);

const SECRET = 'it-cli-telegram-secret_0123456789';
const OWNER = 4242;
const B_TELEGRAM = 7301;
const fakePort = 20_000 + Math.floor(Math.random() * 9_000);
let fake: FakeTelegram;

// before the stack starts (registered first): the stack's bot talks to it
beforeAll(async () => {
  fake = await startFakeTelegram({ port: fakePort });
});
afterAll(async () => {
  await fake?.close();
});

const { base, cli, cliJson } = useLocalStackProcess('telegram-link-cli', {
  CONSOLE_PASSWORD: 'Correct-Horse-9-local',
  TELEGRAM_BOT_TOKEN: '123456789:AAH-cli-link-token-never-printed',
  TELEGRAM_CHAT_IDS: String(OWNER),
  TELEGRAM_USER_IDS: String(OWNER),
  TELEGRAM_WEBHOOK_SECRET: SECRET,
  TELEGRAM_API_URL: `http://127.0.0.1:${fakePort}`,
});

/** One private message from `user` to the bot; the bot's answers to that chat. */
async function say(user: number, text: string): Promise<string[]> {
  fake.clear();
  const update = {
    update_id: 1,
    message: {
      message_id: 1,
      date: 1_700_000_000,
      chat: { id: user, type: 'private' },
      from: { id: user, is_bot: false, first_name: 'B' },
      text,
    },
  };
  expect((await fake.sendUpdate(`${base}/telegram`, update, SECRET)).status).toBe(200);
  return fake
    .messages()
    .filter((m) => m.chatId === String(user))
    .map((m) => m.text ?? '');
}

test('telegram link --user B: the code links B’s Telegram account to B, which then sees B’s tenant only', async () => {
  await cliJson('user', 'add', '--email', 'a@example.com');
  const tenantB = (await cliJson('user', 'add', '--email', 'b@example.com')).tenantId as string;
  const a = (await cliJson('account', 'add', '--exchange', 'paper', '--name', 'a-paper')).id as string;
  const b = (await cliJson('account', 'add', '--exchange', 'paper', '--name', 'b-paper', '--user', 'b@example.com'))
    .id as string;

  const issued = await cliJson('telegram', 'link', '--user', 'b@example.com');
  expect(issued).toMatchObject({ tenantId: tenantB, code: expect.stringMatching(/^[A-Z2-7]{10}$/) });
  const human = await cli('telegram', 'link', '--user', 'b@example.com');
  expect(human.code).toBe(0);
  expect(human.stdout).toMatch(/^Link code: [A-Z2-7]{10}\nSend the bot, in a private chat: \/link [A-Z2-7]{10}\n/);

  expect(await say(B_TELEGRAM, '/status')).toEqual([expect.stringContaining('not linked')]);
  expect(await say(B_TELEGRAM, `/link ${String(issued.code)}`)).toEqual([
    `Linked: you act here as an owner of tenant ${tenantB}. /help lists the commands; /unlink removes the link.`,
  ]);
  const [status] = await say(B_TELEGRAM, '/status');
  expect(status).toContain(b);
  expect(status).not.toContain(a);

  // an unknown user gets no code
  expect((await cli('telegram', 'link', '--user', 'nobody@example.com')).stderr).toContain(
    'no user nobody@example.com',
  );

  expect((await cli('user', 'remove', '--email', 'b@example.com')).code).toBe(0);
  expect(await say(B_TELEGRAM, '/status')).toEqual([expect.stringContaining('not linked')]);
});
