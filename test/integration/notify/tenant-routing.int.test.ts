// Two tenants on one deployment, through the real notifier and report handlers on the stand-ins:
// each tenant's settings in the tenants table (item `notify`), its fills and its daily report to
// its own Telegram chat and Discord webhook, the first tenant `acc`'s and the deployment's to the
// deployment's chat, and a tenant without channels to nobody. The Discord webhook's token never
// reaches the log, even when Discord refuses.
import { Logger } from '@aws-lambda-powertools/logger';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { startFakeTelegram, type FakeTelegram } from '../../../bin/local/fake-telegram';
import { createNotifierHandler } from '../../../functions/notifier/app';
import { createReportHandler } from '../../../functions/report/app';
import { DynamoTenantNotifySettingsStore } from '../../../shared/adapters/dynamodb/tenant-notify-settings';
import type { AuditEvent } from '../../../shared/core/domain/audit';
import { validateTenantNotifySettings } from '../../../shared/core/notify/tenant-settings';
import type { CandleSource } from '../../../shared/core/ports/candles';
import { loadEnv } from '../../../shared/platform/config';
import { notifierEnvSchema, reportEnvSchema } from '../../../shared/platform/notify-config';
import { tableName } from '../../../shared/platform/resource-names';
import { buildNotifier } from '../../../shared/runtime/notifier';
import { dynamoClient } from '../../../shared/runtime/repositories';
import { buildSendReports } from '../../../shared/runtime/report';
import { createHarness, MutableClock, silentLogger, type Harness } from '../harness';
import { DISCORD_WEBHOOK_TOKEN, startFakeDiscord, type FakeDiscord } from './discord-server';

jest.setTimeout(90_000);

const A = 't00000000a1';
const B = 't00000000b2';
const C = 't00000000c3'; // set no channels
const DEPLOYMENT_CHAT = '4242';
const clock = new MutableClock(Date.UTC(2026, 10, 21, 12, 0, 0));
let h: Harness;
let tg: FakeTelegram;
let discord: FakeDiscord;

beforeAll(async () => {
  h = await createHarness({ clock });
  tg = await startFakeTelegram();
  discord = await startFakeDiscord();
  const store = new DynamoTenantNotifySettingsStore(
    dynamoClient({ stage: h.stage, region: 'us-east-1', endpoint: h.executorEnv.DYNAMODB_ENDPOINT }),
    tableName(h.stage, 'tenants'),
  );
  await store.put(
    A,
    validateTenantNotifySettings({ telegramChatIds: ['5001'], discordWebhookUrl: discord.webhookUrl }, clock.now(), {
      allowLocalDiscord: true,
    }),
  );
  await store.put(B, validateTenantNotifySettings({ telegramChatIds: ['5002'] }, clock.now()));
});
afterAll(async () => {
  await tg.close();
  await discord.close();
});
beforeEach(() => tg.clear());

const env = (extra: Record<string, string> = {}) => ({
  STAGE: h.stage,
  AWS_REGION: 'us-east-1',
  DYNAMODB_ENDPOINT: h.executorEnv.DYNAMODB_ENDPOINT,
  TELEGRAM_BOT_TOKEN: '123456:TEST-token-not-logged',
  TELEGRAM_CHAT_IDS: DEPLOYMENT_CHAT,
  TELEGRAM_API_URL: tg.url,
  ...extra,
});

let seq = 0;
function stream(events: AuditEvent[]): DynamoDBStreamEvent {
  return {
    Records: events.map((e) => ({
      eventName: 'INSERT' as const,
      dynamodb: {
        NewImage: marshall(
          { ...e, eventId: `${String(e.at).padStart(13, '0')}#${(seq++).toString(16).padStart(8, '0')}` },
          { removeUndefinedValues: true },
        ) as never,
      },
    })),
  };
}
const closed = (accountId: string, pnl: string): AuditEvent => ({
  accountId,
  type: 'trade.closed',
  at: clock.now(),
  message: 'closed',
  data: { tradeId: `t-${accountId}`, symbol: 'BTC/USDT:USDT', currency: 'USDT', realizedPnl: pnl, roiPct: 1 },
});
const textsTo = (chatId: string) =>
  tg
    .messages()
    .filter((m) => m.chatId === chatId)
    .map((m) => `${m.text ?? ''}${m.caption ?? ''}`)
    .join('\n');

test("each tenant's fills reach its own chat and webhook only; acc's the deployment's; a tenant without channels nobody's", async () => {
  const notify = createNotifierHandler(
    await buildNotifier(loadEnv(notifierEnvSchema, env()), { clock }),
    silentLogger(),
  );
  const posts = discord.posts().length;
  const out = await notify(
    stream([
      closed('acc-00000000aaaa', '11'),
      closed(`${A}-00000000aaaa`, '22'),
      closed(`${B}-00000000bbbb`, '33'),
      closed(`${C}-00000000cccc`, '44'),
    ]),
  );
  expect(textsTo(DEPLOYMENT_CHAT)).toContain('+11.00 USDT');
  expect(textsTo(DEPLOYMENT_CHAT)).not.toMatch(/\+22\.00|\+33\.00|\+44\.00/);
  expect(textsTo('5001')).toContain('+22.00 USDT');
  expect(textsTo('5001')).not.toMatch(/\+11\.00|\+33\.00|\+44\.00/);
  expect(textsTo('5002')).toContain('+33.00 USDT');
  expect(textsTo('5002')).not.toMatch(/\+11\.00|\+22\.00|\+44\.00/);
  expect(tg.messages().every((m) => [DEPLOYMENT_CHAT, '5001', '5002'].includes(m.chatId))).toBe(true);
  const aPosts = discord.posts().slice(posts);
  expect(aPosts.map((p) => JSON.stringify(p.payload)).join('\n')).toContain('+22.00 USDT');
  expect(aPosts.map((p) => JSON.stringify(p.payload)).join('\n')).not.toMatch(/\+11\.00|\+33\.00|\+44\.00/);
  expect(out.dispatched).toMatchObject({ unrouted: 1 });
});

test("a refused Discord post logs the tenant and the error, never the webhook's token", async () => {
  const lines: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  // Powertools writes info to stdout and warnings to stderr.
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(record);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(record);
  try {
    const logger = new Logger({ serviceName: 'notifier', logLevel: 'DEBUG' });
    const notify = createNotifierHandler(
      await buildNotifier(loadEnv(notifierEnvSchema, env()), { clock, logger }),
      logger,
    );
    discord.reply({ status: 403, body: { message: 'Invalid Webhook Token', code: 50027 } });
    await notify(stream([closed(`${A}-00000000aaaa`, '55')]));
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const log = lines.join('');
  expect(log).toContain('notification channel failed');
  expect(log).toContain(A);
  expect(log).not.toContain(DISCORD_WEBHOOK_TOKEN);
});

test("the daily report of each tenant's account goes to that tenant's chat only", async () => {
  const { accounts } = h.runtime.repos;
  const ids = { acc: 'acc-0000000r0acc', a: `${A}-0000000r0aaa`, b: `${B}-0000000r0bbb`, c: `${C}-0000000r0ccc` };
  for (const accountId of Object.values(ids))
    await accounts.create({
      accountId,
      name: accountId,
      exchange: 'paper',
      testnet: false,
      status: 'active',
      webhookTokenHash: 'x',
      settings: { defaultSizePercent: 10, defaultLeverage: 1, maxLeverage: 20, marginMode: 'isolated' },
      createdAt: clock.now() - 86_400_000,
      updatedAt: clock.now() - 86_400_000,
    });
  const candles: CandleSource = { spanMs: () => 3_600_000, closedCandles: async () => undefined as never };
  const reports = await buildSendReports(
    loadEnv(
      reportEnvSchema,
      env({
        NOTIFY_CONFIG: JSON.stringify({ rules: [{ kinds: ['report'], channels: ['telegram'], minSeverity: 'info' }] }),
      }),
    ),
    { clock, candles },
  );
  await createReportHandler(reports, silentLogger())({ kind: 'daily' });
  const where = (accountId: string) => [
    ...new Set(
      tg
        .messages()
        .filter((m) => `${m.text ?? ''}${m.caption ?? ''}`.includes(accountId))
        .map((m) => m.chatId),
    ),
  ];
  expect(where(ids.acc)).toEqual([DEPLOYMENT_CHAT]);
  expect(where(ids.a)).toEqual(['5001']);
  expect(where(ids.b)).toEqual(['5002']);
  expect(where(ids.c)).toEqual([]);
});
