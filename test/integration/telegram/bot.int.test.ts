// The Telegram bot function end to end: the fake Telegram Bot API posts updates over HTTP to the
// local gateway's POST /telegram, which runs the real handler (createTelegramBotHandler) composed
// by shared/runtime/telegram-bot.ts against the stand-in tables and queue; the bot's answers go
// back to the fake. The secret header, the chat and user allow lists, /status, and /flatten's two
// steps (confirmed only by the person who asked).
import type { Server } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { startFakeTelegram, type FakeTelegram } from '../../../bin/local/fake-telegram';
import { startGateway } from '../../../bin/local/http-gateway';
import { createTelegramBotHandler, sameSecret, type TelegramBotHandler } from '../../../functions/telegram-bot/app';
import type { BookPosition } from '../../../shared/core/domain/trade';
import { loadEnv } from '../../../shared/platform/config';
import { createLogger } from '../../../shared/platform/logger';
import { telegramBotEnvSchema, type TelegramBotEnv } from '../../../shared/platform/telegram-config';
import { buildTelegramBot, type TelegramBotRuntime } from '../../../shared/runtime/telegram-bot';
import { DynamoTenantDirectory } from '../../../shared/adapters/dynamodb/tenant-directory';
import { tableName } from '../../../shared/platform/resource-names';
import { createHarness, endpoints, region, silentLogger, type Harness } from '../harness';

jest.setTimeout(30_000);

const SECRET = 'it-webhook-secret_0123456789abcdef';
const TOKEN = '123456789:AAH-it-bot-token-never-printed_xyz';
const OWNER = 4242;
const STRANGER = 777;
const GROUP = -1001234;
/** a second owner on the user list */
const PARTNER = 5151;
/** in the allowed group, not on the user list */
const MEMBER = 8888;

let h: Harness;
let fake: FakeTelegram;
let gateway: { server: Server; url: string };
let runtime: TelegramBotRuntime;
let env: TelegramBotEnv;
let hook: string;
let accountId: string;

function botEnv(extra: Record<string, string> = {}): TelegramBotEnv {
  const ep = endpoints();
  return loadEnv(telegramBotEnvSchema, {
    STAGE: h.stage,
    AWS_REGION: region,
    DYNAMODB_ENDPOINT: ep.dynamo,
    SQS_ENDPOINT: ep.sqs,
    SIGNAL_QUEUE_URL: h.queueUrl,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_CHAT_IDS: `${OWNER}, ${GROUP}`,
    TELEGRAM_USER_IDS: `${OWNER},${PARTNER}`,
    TELEGRAM_API_URL: fake.url,
    ...extra,
  });
}

beforeAll(async () => {
  h = await createHarness();
  fake = await startFakeTelegram();
  env = botEnv();
  runtime = buildTelegramBot(env);
  gateway = await startGateway(
    { webhook: h.webhook, telegram: createTelegramBotHandler(runtime, silentLogger()), isReady: () => true },
    0,
  );
  hook = `${gateway.url}/telegram`;
  ({ accountId } = await h.createAccount(10_000));
  // the first tenant's index, as `account add` (or the upgrade) writes it: the bot lists from it
  await new DynamoTenantDirectory(h.runtime.repos.documentClient, tableName(h.stage, 'tenants')).indexAccount(
    'acc',
    accountId,
  );
});

afterAll(async () => {
  await fake?.close();
  gateway?.server.closeAllConnections();
  await new Promise((resolve) => gateway?.server.close(resolve));
});

beforeEach(async () => {
  fake.clear();
  await h.receiveAll();
});

// In a private chat the chat id is the user's id; in a group the sender is given apart.
const text = (body: string, chat = OWNER, user = chat) => ({
  message: {
    message_id: 1,
    date: 1_700_000_000,
    chat: { id: chat, type: chat < 0 ? 'supergroup' : 'private' },
    from: { id: user, is_bot: false, first_name: 'O' },
    text: body,
  },
});
const press = (data: string, chat = OWNER, id = `cb-${Math.random().toString(36).slice(2)}`, user = chat) => ({
  callback_query: {
    id,
    from: { id: user, is_bot: false, first_name: 'O' },
    chat_instance: 'x',
    data,
    message: { message_id: 9, date: 1_700_000_000, chat: { id: chat, type: chat < 0 ? 'supergroup' : 'private' } },
  },
});

test('a wrong or missing secret token: 401, and the bot neither reads nor sends anything', async () => {
  const commands = jest.spyOn(runtime, 'commands');

  const wrong = await fake.sendUpdate(hook, text('/status'), SECRET.slice(0, -1) + 'X');
  const missing = await fake.sendUpdate(hook, text('/status'));
  const longer = await fake.sendUpdate(hook, text('/status'), `${SECRET}0`);

  for (const res of [wrong, missing, longer]) {
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ error: 'unauthorized' });
  }
  expect(commands).not.toHaveBeenCalled();
  expect(fake.calls()).toEqual([]);
  commands.mockRestore();
});

test('an unlinked stranger in a private chat is told to link, and nothing is read or changed; a group not on the list gets nothing', async () => {
  const res = await fake.sendUpdate(hook, text('/status', STRANGER), SECRET);
  const flatten = await fake.sendUpdate(hook, text('/flatten', STRANGER), SECRET);
  const group = await fake.sendUpdate(hook, text('/status', -999, STRANGER), SECRET);

  for (const r of [res, flatten, group]) expect(r.status).toBe(200);
  const messages = fake.messages();
  expect(messages.map((m) => m.chatId)).toEqual([String(STRANGER), String(STRANGER)]);
  for (const m of messages) {
    expect(m.text).toContain('not linked');
    expect(m.text).not.toContain(accountId);
  }
  expect((await h.runtime.repos.accounts.get(accountId))?.status).toBe('active');
  expect(await h.receiveAll()).toEqual([]);
});

test('in the allowed group, a member not on the user list: 200 and no message, nothing paused or queued', async () => {
  for (const command of ['/status', '/pause', '/flatten'])
    expect((await fake.sendUpdate(hook, text(command, GROUP, MEMBER), SECRET)).status).toBe(200);

  expect(fake.calls()).toEqual([]);
  expect((await h.runtime.repos.accounts.get(accountId))?.status).toBe('active');
  expect(await h.receiveAll()).toEqual([]);
});

test('without TELEGRAM_USER_IDS the bot does not start: the variable is named', () => {
  expect(() => botEnv({ TELEGRAM_USER_IDS: '' })).toThrow(/TELEGRAM_USER_IDS/);
  expect(() => botEnv({ TELEGRAM_USER_IDS: '-1001234' })).toThrow(/TELEGRAM_USER_IDS/);
});

test('/status from the allowed chat: one message to that chat naming the account', async () => {
  const res = await fake.sendUpdate(hook, text('/status'), SECRET);

  expect(res.status).toBe(200);
  const messages = fake.messages();
  expect(messages).toHaveLength(1);
  expect(messages[0]).toMatchObject({ method: 'sendMessage', chatId: String(OWNER) });
  expect(messages[0]?.text).toContain(accountId);
  expect(messages[0]?.text).toContain('active, entries allowed');
  expect(messages[0]?.replyMarkup).toBeUndefined();
  expect(fake.token).toBe(TOKEN);
});

test('/flatten asks with an inline keyboard and changes nothing; Confirm pauses the account and queues the close, once', async () => {
  const position: BookPosition = {
    accountId,
    symbol: 'BTC/USDT:USDT',
    side: 'long',
    quantity: '0.02',
    entryPrice: '50000',
    leverage: 2,
    tradeId: 'trade-it-1',
    updatedAt: Date.now(),
    appliedOrderIds: [],
    version: 1,
  };
  await h.runtime.repos.positions.save(position, 0);

  expect((await fake.sendUpdate(hook, text('/flatten'), SECRET)).status).toBe(200);

  const [question, ...others] = fake.messages();
  expect(others).toEqual([]);
  expect(question?.chatId).toBe(String(OWNER));
  expect(question?.text).toContain(`${accountId} it: close BTC/USDT:USDT long 0.02`);
  const keyboard = (question?.replyMarkup as { inline_keyboard: { text: string; callback_data: string }[][] })
    .inline_keyboard;
  expect(keyboard[0]?.map((b) => b.text)).toEqual(['Confirm flatten', 'Cancel']);
  const confirm = keyboard[0]?.[0]?.callback_data ?? '';
  expect(confirm).toMatch(/^fl:y:[A-Za-z0-9_-]{16}$/);
  expect((await h.runtime.repos.accounts.get(accountId))?.status).toBe('active');
  expect(await h.receiveAll()).toEqual([]);

  // a stranger pressing the same button: nothing, and the code survives
  expect((await fake.sendUpdate(hook, press(confirm, STRANGER), SECRET)).status).toBe(200);
  expect(fake.calls().map((c) => c.method)).toEqual(['sendMessage']);

  fake.clear();
  expect((await fake.sendUpdate(hook, press(confirm, OWNER, 'cb-confirm'), SECRET)).status).toBe(200);

  expect((await h.runtime.repos.accounts.get(accountId))?.status).toBe('paused');
  const queued = await h.receiveAll();
  expect(queued).toHaveLength(1);
  expect(JSON.parse(queued[0]?.Body ?? '{}')).toMatchObject({
    accountId,
    intent: 'close_all',
    source: 'owner',
    symbol: { unified: 'BTC/USDT:USDT' },
  });
  expect(queued[0]?.Attributes?.MessageGroupId).toBe(`${accountId}#BTCUSDT`);
  expect(fake.calls().find((c) => c.method === 'answerCallbackQuery')?.params).toMatchObject({
    callback_query_id: 'cb-confirm',
  });
  expect(fake.messages().map((m) => m.text)).toEqual([
    expect.stringContaining(`${accountId}: paused, 1 close queued: BTC/USDT:USDT`),
  ]);
  const events = await h.runtime.repos.audit.listByAccount(accountId);
  expect(events.map((e) => e.message)).toEqual(
    expect.arrayContaining([
      `flatten requested from Telegram chat ${OWNER} by user ${OWNER}`,
      'flatten requested: account paused, 1 close(s) queued',
    ]),
  );

  // pressed again (or redelivered): nothing more is queued
  fake.clear();
  expect((await fake.sendUpdate(hook, press(confirm), SECRET)).status).toBe(200);
  expect(await h.receiveAll()).toEqual([]);
  expect(fake.messages().map((m) => m.text)).toEqual([expect.stringContaining('was already used')]);
});

test("/flatten asked in the group: a member's and another owner's Confirm do nothing; the asker's works (the confirmation in the real risk table)", async () => {
  await h.runtime.repos.accounts.setStatus(accountId, 'active', Date.now());
  const position: BookPosition = {
    accountId,
    symbol: 'ETH/USDT:USDT',
    side: 'short',
    quantity: '0.5',
    entryPrice: '3000',
    leverage: 2,
    tradeId: 'trade-it-2',
    updatedAt: Date.now(),
    appliedOrderIds: [],
    version: 1,
  };
  await h.runtime.repos.positions.save(position, 0);

  await fake.sendUpdate(hook, text(`/flatten ${accountId}`, GROUP, OWNER), SECRET);
  const keyboard = (fake.messages()[0]?.replyMarkup as { inline_keyboard: { callback_data: string }[][] })
    .inline_keyboard;
  const confirm = keyboard[0]?.[0]?.callback_data ?? '';
  const cancel = keyboard[0]?.[1]?.callback_data ?? '';

  fake.clear();
  expect((await fake.sendUpdate(hook, press(confirm, GROUP, 'cb-member', MEMBER), SECRET)).status).toBe(200);
  expect(fake.calls()).toEqual([]); // silence for someone not on the list
  expect((await fake.sendUpdate(hook, press(cancel, GROUP, 'cb-partner-n', PARTNER), SECRET)).status).toBe(200);
  expect((await fake.sendUpdate(hook, press(confirm, GROUP, 'cb-partner-y', PARTNER), SECRET)).status).toBe(200);
  expect(
    fake
      .calls()
      .filter((c) => c.method === 'answerCallbackQuery')
      .map((c) => c.params),
  ).toEqual([
    expect.objectContaining({ callback_query_id: 'cb-partner-n', text: 'Expired, used, or not yours' }),
    expect.objectContaining({ callback_query_id: 'cb-partner-y', text: 'Expired, used, or not yours' }),
  ]);
  expect((await h.runtime.repos.accounts.get(accountId))?.status).toBe('active');
  expect(await h.receiveAll()).toEqual([]);

  fake.clear();
  expect((await fake.sendUpdate(hook, press(confirm, GROUP, 'cb-owner', OWNER), SECRET)).status).toBe(200);
  expect((await h.runtime.repos.accounts.get(accountId))?.status).toBe('paused');
  const queued = await h.receiveAll();
  expect(
    queued.map((m) => JSON.parse(m.Body ?? '{}') as { symbol: { unified: string } }).map((b) => b.symbol.unified),
  ).toContain('ETH/USDT:USDT');
  expect(fake.messages().map((m) => m.chatId)).toEqual([String(GROUP)]);
});

describe('the handler on its own', () => {
  const event = (body: string, headers: Record<string, string>, base64 = false) =>
    ({
      version: '2.0',
      routeKey: 'POST /telegram',
      rawPath: '/telegram',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', ...headers },
      requestContext: {
        http: { method: 'POST', path: '/telegram', protocol: 'HTTP/1.1', sourceIp: '149.154.167.220', userAgent: '' },
        requestId: 'r',
        routeKey: 'POST /telegram',
        stage: '$default',
        accountId: 'x',
        apiId: 'x',
        domainName: 'x',
        domainPrefix: 'x',
        time: '',
        timeEpoch: 0,
      },
      body: base64 ? Buffer.from(body).toString('base64') : body,
      isBase64Encoded: base64,
    }) as unknown as APIGatewayProxyEventV2;
  const context = { awsRequestId: 'it', functionName: 'telegram-bot' } as Context;
  let handler: TelegramBotHandler;
  beforeAll(() => {
    handler = createTelegramBotHandler(runtime, silentLogger());
  });

  test('a base64 body is decoded', async () => {
    const res = await handler(
      event(JSON.stringify({ update_id: 1, ...text('/help') }), { 'x-telegram-bot-api-secret-token': SECRET }, true),
      context,
    );
    expect(res.statusCode).toBe(200);
    expect(fake.messages()).toHaveLength(1);
    expect(fake.messages()[0]?.text).toContain('/flatten [account]');
  });

  test('a body that is not an update: 200 with nothing done (Telegram would retry anything else)', async () => {
    for (const body of ['{"update_id":', 'null', '[1,2]', '"text"', '']) {
      const res = await handler(event(body, { 'x-telegram-bot-api-secret-token': SECRET }), context);
      expect(res.statusCode).toBe(200);
    }
    expect(fake.calls()).toEqual([]);
  });

  test('when Telegram refuses the replies, the answer is still 200 and neither the token nor the secret reaches the log', async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    // POWERTOOLS_DEV: the logger writes through the global console, where the spies see it.
    process.env.POWERTOOLS_DEV = 'true';
    const logger = createLogger('it');
    delete process.env.POWERTOOLS_DEV;
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation(capture),
    );
    try {
      // the answer to /help and the failure notice after it are both refused, naming the token
      fake.failNext(2, { code: 401, description: `Unauthorized: bot${TOKEN} with ${SECRET} is not known` });
      const res = await createTelegramBotHandler(runtime, logger)(
        event(JSON.stringify({ update_id: 9, ...text('/help') }), { 'x-telegram-bot-api-secret-token': SECRET }),
        context,
      );
      expect(res.statusCode).toBe(200);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const output = lines.join('\n');
    expect(output).toContain('telegram update failed');
    expect(output).toContain('TelegramApiError');
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(SECRET);
  });

  test('sameSecret: equal strings only, any lengths', () => {
    expect(sameSecret(SECRET, SECRET)).toBe(true);
    expect(sameSecret(undefined, SECRET)).toBe(false);
    expect(sameSecret('', SECRET)).toBe(false);
    expect(sameSecret(SECRET.slice(1), SECRET)).toBe(false);
    expect(sameSecret(`${SECRET}x`, SECRET)).toBe(false);
    expect(sameSecret('x', '')).toBe(false);
  });
});

test('from Secrets Manager: the token and the webhook secret are read once per container (plain or JSON)', async () => {
  const send = jest.fn(async (command: { input: { SecretId: string } }) => ({
    SecretString: command.input.SecretId === 'arn:token' ? JSON.stringify({ token: TOKEN }) : `${SECRET}\n`,
  }));
  const { TELEGRAM_BOT_TOKEN: _t, TELEGRAM_WEBHOOK_SECRET: _w, ...rest } = env;
  const fromSecrets = buildTelegramBot(
    { ...rest, TELEGRAM_BOT_TOKEN_SECRET_ARN: 'arn:token', TELEGRAM_WEBHOOK_SECRET_ARN: 'arn:hook' },
    { secrets: { send } as never },
  );
  const handler = createTelegramBotHandler(fromSecrets, silentLogger());
  const call = (body: unknown, secret: string) =>
    handler(
      {
        version: '2.0',
        headers: { 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(body),
        isBase64Encoded: false,
        requestContext: { requestId: 'r' },
      } as unknown as APIGatewayProxyEventV2,
      { awsRequestId: 'it' } as Context,
    );

  expect((await call({ update_id: 1, ...text('/help') }, 'wrong-secret-wrong-secret')).statusCode).toBe(401);
  expect(send.mock.calls.map(([c]) => c.input.SecretId)).toEqual(['arn:hook']); // no token read for a refused request
  expect((await call({ update_id: 2, ...text('/help') }, SECRET)).statusCode).toBe(200);
  expect((await call({ update_id: 3, ...text('/help') }, SECRET)).statusCode).toBe(200);

  expect(send.mock.calls.map(([c]) => c.input.SecretId)).toEqual(['arn:hook', 'arn:token']);
  expect(fake.messages()).toHaveLength(2);
  expect(fake.token).toBe(TOKEN);
  expect(fromSecrets.scrub(`x ${TOKEN} y ${SECRET}`)).toBe('x [redacted] y [redacted]');
});
