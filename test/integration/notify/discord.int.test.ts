// DiscordChannel against a local stand-in of Discord's webhook endpoint over real HTTP: JSON
// content, parts of at most 2,000 characters, 429 retry_after honoured or reported, a chart as a
// multipart upload, and the webhook URL (a secret) never in an error.
import {
  DiscordChannel,
  DiscordWebhookError,
  type DiscordChannelOptions,
} from '../../../shared/adapters/notify/discord-channel';
import { ChannelRateLimitedError } from '../../../shared/core/notify/types';
import { DISCORD_WEBHOOK_TOKEN, startFakeDiscord, type FakeDiscord } from './discord-server';
import { everythingIn, numberedLines, PNG, PNG_SIGNATURE, rejectionOf } from './helpers';

let discord: FakeDiscord;
/** The waits the channel asked for (its sleep port), each with the posts Discord had seen by then: none is waited for real. */
let waits: Array<{ ms: number; postsBefore: number }>;

beforeEach(async () => {
  discord = await startFakeDiscord();
  waits = [];
});
afterEach(() => discord.close());

const sleep = async (ms: number) => void waits.push({ ms, postsBefore: discord.posts().length });
const channel = (options: Partial<DiscordChannelOptions> = {}) =>
  new DiscordChannel({ webhookUrl: discord.webhookUrl, retryDelayMs: 20, sleep, ...options });

test('a message is posted as JSON content, waited for, with mentions disabled', async () => {
  const text = 'ETH/USDT:USDT short closed: -12.50 USDT\n@everyone *not bold* _id_';

  await channel().send({ text, severity: 'info' });

  const [post] = discord.posts();
  expect(post).toMatchObject({
    path: `/api/webhooks/1234567890/${DISCORD_WEBHOOK_TOKEN}`,
    query: { wait: 'true' },
    contentType: 'application/json',
    status: 200,
  });
  expect(post!.payload).toEqual({ content: text, allowed_mentions: { parse: [] } });
});

test('a long text is posted in parts of at most 2000 characters, cut at line boundaries, in order', async () => {
  const text = numberedLines(100);

  await channel().send({ text, severity: 'info' });

  const parts = discord.posts().map((p) => String(p.payload.content));
  expect(parts.length).toBeGreaterThanOrEqual(3);
  expect(parts.every((p) => p.length <= 2000 && p.endsWith(']'))).toBe(true);
  expect(parts.join('\n')).toBe(text);
});

test('a 429 with a fractional retry_after is waited for, then the message is delivered once', async () => {
  discord.reply({ status: 429, body: { message: 'You are being rate limited.', retry_after: 0.6, global: false } });

  await channel().send({ text: 'after the limit', severity: 'warning' });

  const [limited, delivered] = discord.posts();
  expect(limited!.status).toBe(429);
  expect(delivered!.status).toBe(200);
  // 0.6 s is waited between the limited post and the delivered one
  expect(waits).toEqual([{ ms: 600, postsBefore: 1 }]);
  expect(discord.posts()).toHaveLength(2);
});

test('a retry_after beyond maxRetryAfterMs is not waited: ChannelRateLimitedError with the ms', async () => {
  discord.reply({ status: 429, body: { message: 'You are being rate limited.', retry_after: 12.345, global: true } });

  const error = await rejectionOf(channel({ maxRetryAfterMs: 5_000 }).send({ text: 'too soon', severity: 'info' }));

  expect(error).toBeInstanceOf(ChannelRateLimitedError);
  expect(error).toMatchObject({ channel: 'discord', retryAfterMs: 12_345 });
  expect(waits).toEqual([]);
  expect(discord.posts()).toHaveLength(1);
});

test('a chart is uploaded as files[0] with payload_json carrying the first part as content', async () => {
  const text = numberedLines(60);

  await channel().send({
    text,
    severity: 'info',
    attachment: { filename: 'equity.png', contentType: 'image/png', data: PNG },
  });

  const [upload, ...rest] = discord.posts();
  expect(upload!.contentType).toMatch(/^multipart\/form-data; boundary=/);
  expect(upload!.payload).toMatchObject({
    allowed_mentions: { parse: [] },
    attachments: [{ id: 0, filename: 'equity.png' }],
  });
  expect(upload!.files).toHaveLength(1);
  expect(upload!.files[0]).toMatchObject({ field: 'files[0]', filename: 'equity.png', contentType: 'image/png' });
  expect(upload!.files[0]!.data.length).toBe(PNG.length);
  expect([...upload!.files[0]!.data.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect([upload!.payload.content, ...rest.map((p) => p.payload.content)].join('\n')).toBe(text);
});

test("a refusal names the status and Discord's message, never the webhook URL or its token", async () => {
  discord.reply({ status: 404, body: { message: 'Unknown Webhook', code: 10015 } });

  const error = await rejectionOf(channel().send({ text: 'hello', severity: 'info' }));

  expect(error).toBeInstanceOf(DiscordWebhookError);
  expect(error.message).toBe('discord webhook failed: 404 Unknown Webhook (code 10015)');
  expect(everythingIn(error)).not.toContain(DISCORD_WEBHOOK_TOKEN);
  expect(everythingIn(error)).not.toContain('/api/webhooks');
  expect(discord.posts()).toHaveLength(1);
});

test('a 5xx is retried once', async () => {
  discord.reply({ status: 502, body: { message: 'Bad Gateway' } });

  await channel().send({ text: 'through a hiccup', severity: 'info' });

  expect(discord.posts().map((p) => p.status)).toEqual([502, 200]);
});

test('an unreachable endpoint fails after one retry without the URL', async () => {
  const url = discord.webhookUrl;
  await discord.close();

  const error = await rejectionOf(
    new DiscordChannel({ webhookUrl: url, retryDelayMs: 10 }).send({ text: 'nobody listens', severity: 'info' }),
  );

  expect(error.message).toBe('discord webhook failed: network error (TypeError ECONNREFUSED)');
  expect(everythingIn(error)).not.toContain(DISCORD_WEBHOOK_TOKEN);
  discord = await startFakeDiscord();
});
