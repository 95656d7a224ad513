// The Telegram bot per tenant, end to end: the fake Telegram Bot API posts updates over HTTP to the
// local gateway's POST /telegram, which runs the real handler composed by
// shared/runtime/telegram-bot.ts on the stand-in tables and queue. Two tenants: the first (`acc`,
// its owner on the allow list) and B (a trader and a viewer). Codes are issued as `telegram link`
// issues them (issueLinkCode on the real link store). What is proven: /link binds the sender's
// Telegram id, one use; an expired code and guessing are refused; each linked person sees and
// acts on their own tenant only, within their role; `user remove` unlinks.
import type { Server } from 'node:http';
import { startFakeTelegram, type FakeTelegram } from '../../../bin/local/fake-telegram';
import { startGateway } from '../../../bin/local/http-gateway';
import { createTelegramBotHandler } from '../../../functions/telegram-bot/app';
import { DynamoTelegramLinkStore } from '../../../shared/adapters/dynamodb/telegram-link-store';
import { DynamoTenantDirectory } from '../../../shared/adapters/dynamodb/tenant-directory';
import { CreateAccount } from '../../../shared/core/control/accounts';
import { issueLinkCode, LINK_CODE_TTL_MS, MAX_LINK_ATTEMPTS } from '../../../shared/core/control/telegram-link';
import { loadEnv } from '../../../shared/platform/config';
import { tableName } from '../../../shared/platform/resource-names';
import { telegramBotEnvSchema } from '../../../shared/platform/telegram-config';
import { buildTelegramBot } from '../../../shared/runtime/telegram-bot';
import { createHarness, endpoints, region, silentLogger, type Harness } from '../harness';

// a gateway, DynamoDB and SQS stand-ins and the fake Bot API, a few dozen updates: generous on a shared machine
jest.setTimeout(60_000);

const SECRET = 'it-webhook-secret_link_0123456789';
const TOKEN = '123456789:AAH-it-link-token-never-printed';
const OWNER = 4242;
const B_TRADER = 6101;
const B_VIEWER = 6102;
const GUESSER = 6199;
/** a second guesser, with a fresh count of attempts */
const GUESSER_2 = 6198;
const TENANT_B = 't0b0b0b0b0b';

let h: Harness;
let fake: FakeTelegram;
let gateway: { server: Server; url: string };
let hook: string;
let directory: DynamoTenantDirectory;
let links: DynamoTelegramLinkStore;
let accountA: string;
let accountB: string;

const now = { now: () => Date.now() };
const text = (body: string, chat: number, user = chat) => ({
  message: {
    message_id: 1,
    date: 1_700_000_000,
    chat: { id: chat, type: chat < 0 ? 'supergroup' : 'private' },
    from: { id: user, is_bot: false, first_name: 'U' },
    text: body,
  },
});
/** Sends one update and returns the texts the bot sent back. */
async function say(body: string, chat: number, user = chat): Promise<string[]> {
  fake.clear();
  expect((await fake.sendUpdate(hook, text(body, chat, user), SECRET)).status).toBe(200);
  return fake.messages().map((m) => m.text ?? '');
}
const statusOf = async (id: string) => (await h.runtime.repos.accounts.get(id))?.status;

beforeAll(async () => {
  h = await createHarness();
  fake = await startFakeTelegram();
  const ep = endpoints();
  const env = loadEnv(telegramBotEnvSchema, {
    STAGE: h.stage,
    AWS_REGION: region,
    DYNAMODB_ENDPOINT: ep.dynamo,
    SQS_ENDPOINT: ep.sqs,
    SIGNAL_QUEUE_URL: h.queueUrl,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_CHAT_IDS: String(OWNER),
    TELEGRAM_USER_IDS: String(OWNER),
    TELEGRAM_API_URL: fake.url,
  });
  gateway = await startGateway(
    {
      webhook: h.webhook,
      telegram: createTelegramBotHandler(buildTelegramBot(env), silentLogger()),
      isReady: () => true,
    },
    0,
  );
  hook = `${gateway.url}/telegram`;
  const db = h.runtime.repos.documentClient;
  directory = new DynamoTenantDirectory(db, tableName(h.stage, 'tenants'));
  links = new DynamoTelegramLinkStore(db, tableName(h.stage, 'tenants'));
  const create = new CreateAccount({
    accounts: h.runtime.repos.accounts,
    vault: h.vault,
    audit: h.runtime.repos.audit,
    clock: now,
    tenants: directory,
  });
  accountA = (await create.execute({ name: 'a-main', exchange: 'paper', balance: 10_000 })).account.accountId;
  accountB = (await create.execute({ name: 'b-main', exchange: 'paper', balance: 5_000, tenantId: TENANT_B })).account
    .accountId;
  const member = (tenantId: string, userId: string, role: 'owner' | 'trader' | 'viewer') =>
    directory.putMember({ tenantId, userId, email: `${userId}@example.com`, role, addedAt: Date.now() });
  await member('acc', 'ua-owner', 'owner');
  await member(TENANT_B, 'ub-trader', 'trader');
  await member(TENANT_B, 'ub-viewer', 'viewer');
});

afterAll(async () => {
  await fake?.close();
  gateway?.server.closeAllConnections();
  await new Promise((resolve) => gateway?.server.close(resolve));
});

test('a viewer of B links with a one-time code, sees B only, and may not pause; the code does not work twice', async () => {
  const { code } = await issueLinkCode({ links, clock: now }, { tenantId: TENANT_B, userId: 'ub-viewer' });
  // typed in lower case with a dash: still the code
  expect(await say(`/link ${code.slice(0, 5).toLowerCase()}-${code.slice(5)}`, B_VIEWER)).toEqual([
    `Linked: you act here as a viewer of tenant ${TENANT_B}. /help lists the commands; /unlink removes the link.`,
  ]);

  const [status] = await say('/status', B_VIEWER);
  expect(status).toContain(accountB);
  expect(status).not.toContain(accountA);

  expect(await say(`/pause ${accountB}`, B_VIEWER)).toEqual([
    '/pause needs the trade permission, which a viewer has not.',
  ]);
  expect(await say('/flatten', B_VIEWER)).toEqual(['/flatten needs the trade permission, which a viewer has not.']);
  expect(await statusOf(accountB)).toBe('active');

  // the same code again, from someone else: refused, nothing linked
  expect(await say(`/link ${code}`, GUESSER)).toEqual([
    'That code is unknown, expired or already used: ask for a new one (`npm run cli -- telegram link`).',
  ]);
  expect(await links.resolve(String(GUESSER))).toBeUndefined();
});

test("a trader of B acts on B's accounts and never on A's: A's id is answered as a missing account", async () => {
  const { code } = await issueLinkCode({ links, clock: now }, { tenantId: TENANT_B, userId: 'ub-trader' });
  await say(`/link ${code}`, B_TRADER);

  expect(await say(`/pause ${accountA}`, B_TRADER)).toEqual([`/pause failed: account: no account ${accountA}`]);
  expect(await say(`/flatten ${accountA}`, B_TRADER)).toEqual([`/flatten failed: account: no account ${accountA}`]);
  const [positions] = await say('/positions', B_TRADER);
  expect(positions).not.toContain(accountA);
  expect(await statusOf(accountA)).toBe('active');

  const [paused] = await say('/pause', B_TRADER);
  expect(paused).toContain(`${accountB}: paused`);
  expect(paused).not.toContain(accountA);
  expect(await statusOf(accountB)).toBe('paused');
  expect(await statusOf(accountA)).toBe('active');
  expect(await h.receiveAll()).toEqual([]);

  // the allow-listed owner is the first tenant's owner: A only, never B
  const [ownerStatus] = await say('/status', OWNER);
  expect(ownerStatus).toContain(accountA);
  expect(ownerStatus).not.toContain(accountB);
});

test('an expired code is refused; guessing stops after the allowed attempts, even with a right code', async () => {
  const past = { now: () => Date.now() - LINK_CODE_TTL_MS - 60_000 };
  const expired = await issueLinkCode({ links, clock: past }, { tenantId: 'acc', userId: 'ua-owner' });
  expect(await say(`/link ${expired.code}`, GUESSER_2)).toEqual([
    'That code is unknown, expired or already used: ask for a new one (`npm run cli -- telegram link`).',
  ]);

  // the expired try counted: the rest of the window's tries are wrong guesses
  for (let i = 2; i <= MAX_LINK_ATTEMPTS; i++)
    expect(await say('/link AAAAAAAAAA', GUESSER_2)).toEqual([
      'That code is unknown, expired or already used: ask for a new one (`npm run cli -- telegram link`).',
    ]);
  const good = await issueLinkCode({ links, clock: now }, { tenantId: 'acc', userId: 'ua-owner' });
  const [refused] = await say(`/link ${good.code}`, GUESSER_2);
  expect(refused).toMatch(/^Too many \/link attempts: try again after /);
  expect(await links.resolve(String(GUESSER_2))).toBeUndefined();
  expect(await say('/status', GUESSER_2)).toEqual([expect.stringContaining('not linked')]);
});

test('user remove unlinks: the removed member is told to link again and changes nothing', async () => {
  expect(await links.resolve(String(B_TRADER))).toMatchObject({ tenantId: TENANT_B, role: 'trader' });
  await directory.removeMember(TENANT_B, 'ub-trader');

  expect(await links.resolve(String(B_TRADER))).toBeUndefined();
  expect(await say(`/resume ${accountB}`, B_TRADER)).toEqual([expect.stringContaining('not linked')]);
  expect(await statusOf(accountB)).toBe('paused');

  // /unlink by the viewer themself
  expect(await say('/unlink', B_VIEWER)).toEqual(['Unlinked: I no longer act for you.']);
  expect(await say('/status', B_VIEWER)).toEqual([expect.stringContaining('not linked')]);
});
