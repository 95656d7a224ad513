// TelegramBotClient and TelegramChannel against the fake Telegram Bot API over real HTTP: exact
// text as plain text, flood control waited or reported, photos as multipart, long texts cut at
// line boundaries, refusals without the token.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeTelegram, type FakeTelegram } from '../../../bin/local/fake-telegram';
import {
  TelegramBotClient,
  TelegramApiError,
  type TelegramBotClientOptions,
} from '../../../shared/adapters/notify/telegram-client';
import { TelegramChannel } from '../../../shared/adapters/notify/telegram-channel';
import { ChannelRateLimitedError } from '../../../shared/core/notify/types';
import { everythingIn, numberedLines, PNG, PNG_SIGNATURE, rejectionOf } from './helpers';

// Shaped like a real token (bot id, colon, 35 characters) so that a leak would be recognisable.
const TOKEN = '7012345678:AAH-it_fake_token_do_not_leak_0123456';
const CHAT = '424242';

let fake: FakeTelegram;
/** The waits the client asked for (its sleep port), each with the calls the fake had seen by then: none is waited for real. */
let waits: Array<{ ms: number; callsBefore: number }>;

beforeEach(async () => {
  fake = await startFakeTelegram();
  waits = [];
});
afterEach(() => fake.close());

const sleep = async (ms: number) => void waits.push({ ms, callsBefore: fake.calls().length });
const client = (options: Partial<TelegramBotClientOptions> = {}) =>
  new TelegramBotClient({ token: TOKEN, baseUrl: fake.url, retryDelayMs: 20, sleep, ...options });
const channel = (options: Partial<TelegramBotClientOptions> = {}, chatIds = [CHAT]) =>
  new TelegramChannel({ client: client(options), chatIds });

describe('TelegramBotClient', () => {
  test('getMe answers the bot and the fake records the token it was called with', async () => {
    await expect(client().getMe()).resolves.toMatchObject({ is_bot: true, username: 'fake_notify_bot' });
    expect(fake.token).toBe(TOKEN);
  });

  test('sendMessage reaches the chat with the exact text, as plain text', async () => {
    const text = 'BTC/USDT:USDT long filled\nqty 0.010 @ 64_250.5 *market* <b>not bold</b>\nid sig_01HZX_abc';

    const sent = await client().sendMessage(CHAT, text);

    expect(sent).toMatchObject({ message_id: 1, chat: { id: 424242 }, text });
    expect(fake.messages()).toEqual([
      expect.objectContaining({ method: 'sendMessage', chatId: CHAT, text, parseMode: undefined }),
    ]);
  });

  test('an inline keyboard travels as reply_markup and an HTML parse mode only when asked for', async () => {
    const replyMarkup = { inline_keyboard: [[{ text: 'Pause', callback_data: 'pause:acc-1' }]] };

    await client().sendMessage(CHAT, '<b>Paused?</b>', { replyMarkup, parseMode: 'HTML' });

    expect(fake.messages()[0]).toMatchObject({ replyMarkup, parseMode: 'HTML' });
  });

  test('a 429 with retry_after 1 is waited for, then the message is delivered once', async () => {
    fake.failNext(1, { code: 429, retryAfter: 1 });

    await client().sendMessage(CHAT, 'after the flood');

    const [refused, accepted] = fake.calls();
    expect(refused).toMatchObject({ method: 'sendMessage', status: 429 });
    expect(accepted).toMatchObject({ method: 'sendMessage', status: 200 });
    // the retry_after (1 s) is waited between the refused call and the accepted one
    expect(waits).toEqual([{ ms: 1000, callsBefore: 1 }]);
    expect(fake.calls()).toHaveLength(2);
    expect(fake.messages().map((m) => m.text)).toEqual(['after the flood']);
  });

  test('a retry_after beyond maxRetryAfterMs is not waited: ChannelRateLimitedError with the ms', async () => {
    fake.failNext(1, { code: 429, retryAfter: 7 });

    const error = await rejectionOf(client({ maxRetryAfterMs: 5_000 }).sendMessage(CHAT, 'too early'));

    expect(error).toBeInstanceOf(ChannelRateLimitedError);
    expect(error).toMatchObject({ channel: 'telegram', retryAfterMs: 7_000 });
    expect(waits).toEqual([]);
    expect(fake.messages()).toHaveLength(0);
  });

  test('sendPhoto carries the PNG bytes, file name, content type and caption', async () => {
    await client().sendPhoto(
      CHAT,
      { filename: 'equity.png', contentType: 'image/png', data: PNG },
      'Weekly report: +3.2 %',
    );

    const [photo] = fake.messages();
    expect(photo).toMatchObject({
      method: 'sendPhoto',
      chatId: CHAT,
      caption: 'Weekly report: +3.2 %',
      photo: { filename: 'equity.png', contentType: 'image/png', bytes: PNG.length },
    });
    expect([...photo!.photo!.data.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(Buffer.from(photo!.photo!.data).equals(Buffer.from(PNG))).toBe(true);
  });

  test("a 5xx is retried once and then delivered; two in a row fail with Telegram's description", async () => {
    fake.failNext(1, { code: 502, description: 'Bad Gateway' });
    await client().sendMessage(CHAT, 'through a hiccup');
    expect(fake.messages()).toHaveLength(1);

    fake.failNext(2, { code: 500, description: 'Internal Server Error' });
    const error = await rejectionOf(client().sendMessage(CHAT, 'lost'));
    expect(error).toBeInstanceOf(TelegramApiError);
    expect(error.message).toBe('telegram sendMessage failed: 500 Internal Server Error');
    expect(fake.messages()).toHaveLength(1);
  });

  test("a 401 names the method and Telegram's description, never the token or the URL", async () => {
    fake.failNext(1, { code: 401, description: 'Unauthorized' });

    const error = await rejectionOf(client().sendMessage(CHAT, 'hello'));

    expect(error).toBeInstanceOf(TelegramApiError);
    expect(error).toMatchObject({ method: 'sendMessage', errorCode: 401, description: 'Unauthorized' });
    expect(error.message).toBe('telegram sendMessage failed: 401 Unauthorized');
    expect(everythingIn(error)).not.toContain(TOKEN);
    expect(everythingIn(error)).not.toContain(fake.url);
    // Refused at once: a 4xx is not retried.
    expect(fake.calls()).toHaveLength(1);
  });

  test('a description that echoes the token is scrubbed', async () => {
    fake.failNext(1, { code: 400, description: `Bad Request: bot${TOKEN} cannot do that` });

    const error = await rejectionOf(client().sendMessage(CHAT, 'hello'));

    expect(error.message).toBe('telegram sendMessage failed: 400 Bad Request: bot[redacted] cannot do that');
    expect(everythingIn(error)).not.toContain(TOKEN);
  });

  test("an unreachable API fails after one retry with the network error's name, not the URL", async () => {
    const url = fake.url;
    await fake.close();

    const error = await rejectionOf(
      new TelegramBotClient({ token: TOKEN, baseUrl: url, retryDelayMs: 10 }).sendMessage(CHAT, 'nobody listens'),
    );

    expect(error).toBeInstanceOf(TelegramApiError);
    expect(error.message).toMatch(/^telegram sendMessage failed: network error \(TypeError ECONNREFUSED\)$/);
    expect(everythingIn(error)).not.toContain(TOKEN);
    expect(everythingIn(error)).not.toContain(url);
    fake = await startFakeTelegram();
  });

  test('setWebhook registers the URL, the secret and the update types; answerCallbackQuery is answered', async () => {
    await expect(client().setWebhook('https://bot.example.com/telegram', 'hook_secret-123')).resolves.toBe(true);
    await expect(client().answerCallbackQuery('cbq-1', 'Paused')).resolves.toBe(true);

    expect(fake.webhook()).toEqual({
      url: 'https://bot.example.com/telegram',
      secretToken: 'hook_secret-123',
      allowedUpdates: ['message', 'callback_query'],
    });
    expect(fake.calls().map((c) => c.method)).toEqual(['setWebhook', 'answerCallbackQuery']);
    expect(fake.calls()[0]!.params.secret_token).toBe('[redacted]');
    expect(fake.calls()[1]!.params).toMatchObject({ callback_query_id: 'cbq-1', text: 'Paused' });
  });

  test('a secret token Telegram would refuse is refused before any request, without its value', async () => {
    const error = await rejectionOf(client().setWebhook('https://bot.example.com/telegram', 'has spaces!'));

    expect(error.message).not.toContain('has spaces!');
    expect(fake.calls()).toHaveLength(0);
  });
});

describe('TelegramChannel', () => {
  test('a short message goes to every chat, in the order configured', async () => {
    await channel({}, [CHAT, '-1001234567890']).send({ text: 'kill switch: daily loss 5.2 %', severity: 'critical' });

    expect(fake.messages().map((m) => [m.chatId, m.text])).toEqual([
      [CHAT, 'kill switch: daily loss 5.2 %'],
      ['-1001234567890', 'kill switch: daily loss 5.2 %'],
    ]);
  });

  test('a long text is cut at line boundaries into parts of at most 4096 characters, in order', async () => {
    const text = numberedLines(250);
    expect(text.length).toBeGreaterThan(3 * 4096);

    await channel().send({ text, severity: 'info' });

    const parts = fake.messages().map((m) => m.text ?? '');
    expect(parts.length).toBeGreaterThanOrEqual(4);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expect(part.startsWith('line ')).toBe(true);
      expect(part.endsWith(']')).toBe(true);
    }
    expect(parts.join('\n')).toBe(text);
  });

  test('a chart goes as a photo with the start of the text as caption, the rest as messages', async () => {
    const text = numberedLines(100);

    await channel().send({
      text,
      severity: 'info',
      attachment: { filename: 'equity.png', contentType: 'image/png', data: PNG },
    });

    const [photo, ...rest] = fake.messages();
    expect(photo).toMatchObject({ method: 'sendPhoto', photo: { bytes: PNG.length } });
    expect(photo!.caption!.length).toBeLessThanOrEqual(1024);
    expect(photo!.caption!.endsWith(']')).toBe(true);
    expect(rest.every((m) => m.method === 'sendMessage' && m.text!.length <= 4096)).toBe(true);
    expect([photo!.caption, ...rest.map((m) => m.text)].join('\n')).toBe(text);
  });

  test('a chat that refuses does not keep the others from the message; its error comes after', async () => {
    fake.failNext(1, { code: 403, description: 'Forbidden: bot was blocked by the user' });

    const error = await rejectionOf(channel({}, [CHAT, '777']).send({ text: 'order failed', severity: 'warning' }));

    expect(error).toBeInstanceOf(TelegramApiError);
    expect(error.message).toContain('Forbidden: bot was blocked by the user');
    expect(fake.messages().map((m) => m.chatId)).toEqual(['777']);
  });

  test('flood control beyond the budget stops the whole send at once', async () => {
    fake.failNext(1, { code: 429, retryAfter: 30 });

    const error = await rejectionOf(
      channel({ maxRetryAfterMs: 1_000 }, [CHAT, '777']).send({ text: 'hi', severity: 'info' }),
    );

    expect(error).toBeInstanceOf(ChannelRateLimitedError);
    expect(fake.calls()).toHaveLength(1);
  });
});

describe('fake Telegram webhook updates', () => {
  test('sendUpdate posts the update as JSON with the secret header, as Telegram does', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: unknown }> = [];
    const bot = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(body) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(bot.address() as AddressInfo).port}/telegram`;
    try {
      const update = {
        callback_query: { id: 'cbq-9', data: 'pause:acc-1', from: { id: 424242, is_bot: false, first_name: 'Owner' } },
      };

      await expect(fake.sendUpdate(hook, update, 'hook_secret-123')).resolves.toEqual({ status: 200, body: 'ok' });

      expect(received).toHaveLength(1);
      expect(received[0]!.headers['x-telegram-bot-api-secret-token']).toBe('hook_secret-123');
      expect(received[0]!.headers['content-type']).toBe('application/json');
      expect(received[0]!.body).toEqual({ update_id: 1, ...update });
    } finally {
      await new Promise<void>((resolve) => bot.close(() => resolve()));
    }
  });
});
