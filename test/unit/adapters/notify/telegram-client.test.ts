// TelegramBotClient's retry rules with a scripted fetch and a recorded sleep: the flood-control
// budget counts every wait, a missing retry_after is a second, 5xx and network failures get one
// retry, 4xx none, and no error carries the token.
import { TelegramApiError, TelegramBotClient } from '../../../../shared/adapters/notify/telegram-client';
import { ChannelRateLimitedError } from '../../../../shared/core/notify/types';

const TOKEN = '123456789:AAE-unit_fake_token_do_not_leak_987';

type Scripted = { status: number; body: unknown } | Error;

function harness(script: Scripted[], options: { maxRetryAfterMs?: number } = {}) {
  const requests: Array<{ url: string; init: RequestInit }> = [];
  const sleeps: number[] = [];
  const fetchStub = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    const next = script.shift();
    if (!next) throw new Error('unscripted request');
    if (next instanceof Error) throw next;
    return new Response(typeof next.body === 'string' ? next.body : JSON.stringify(next.body), { status: next.status });
  }) as unknown as typeof fetch;
  const client = new TelegramBotClient({
    token: TOKEN,
    baseUrl: 'https://tg.test/',
    fetch: fetchStub,
    sleep: async (ms) => void sleeps.push(ms),
    ...options,
  });
  return { client, requests, sleeps };
}

const sent = { ok: true, result: { message_id: 7, date: 1, chat: { id: 1 }, text: 'hi' } };
const flood = (retryAfter?: number) => ({
  status: 429,
  body: {
    ok: false,
    error_code: 429,
    description: 'Too Many Requests',
    ...(retryAfter === undefined ? {} : { parameters: { retry_after: retryAfter } }),
  },
});

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

test('requests go to <baseUrl>/bot<token>/<method> as JSON, plain text unless a parse mode is asked for', async () => {
  const { client, requests } = harness([{ status: 200, body: sent }]);

  await expect(client.sendMessage(42, 'hi')).resolves.toMatchObject({ message_id: 7 });

  expect(requests[0]!.url).toBe(`https://tg.test/bot${TOKEN}/sendMessage`);
  expect(JSON.parse(String(requests[0]!.init.body))).toEqual({ chat_id: 42, text: 'hi' });
});

test('the flood-control budget counts every wait: 2 s + 2 s fit in 5 s, a third 2 s does not', async () => {
  const { client, sleeps } = harness([flood(2), flood(2), flood(2)], { maxRetryAfterMs: 5_000 });

  const error = await rejectionOf(client.sendMessage(1, 'hi'));

  expect(sleeps).toEqual([2_000, 2_000]);
  expect(error).toBeInstanceOf(ChannelRateLimitedError);
  expect(error).toMatchObject({ retryAfterMs: 2_000 });
});

test('a 429 without retry_after waits a second rather than spinning', async () => {
  const { client, sleeps } = harness([flood(), { status: 200, body: sent }]);

  await client.sendMessage(1, 'hi');

  expect(sleeps).toEqual([1_000]);
});

test('a 5xx that is not JSON is retried once after the backoff, then reported with its status', async () => {
  const { client, sleeps, requests } = harness([
    { status: 502, body: '<html>Bad Gateway</html>' },
    { status: 502, body: '<html>Bad Gateway</html>' },
  ]);

  const error = await rejectionOf(client.sendMessage(1, 'hi'));

  expect(requests).toHaveLength(2);
  expect(sleeps).toEqual([500]);
  expect(error.message).toBe('telegram sendMessage failed: 502 HTTP 502');
});

test('a timeout is retried once, then reported by name without the URL', async () => {
  const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
  const { client, requests } = harness([timeout, timeout]);

  const error = await rejectionOf(client.getMe());

  expect(requests).toHaveLength(2);
  expect(error).toBeInstanceOf(TelegramApiError);
  expect(error.message).toBe('telegram getMe failed: network error (TimeoutError)');
});

test('a network error whose text holds the URL does not pass it on', async () => {
  const leaky = Object.assign(new TypeError(`fetch failed for https://tg.test/bot${TOKEN}/sendMessage`), {
    cause: { code: 'ENOTFOUND' },
  });
  const { client } = harness([leaky, leaky]);

  const error = await rejectionOf(client.sendMessage(1, 'hi'));

  expect(error.message).toBe('telegram sendMessage failed: network error (TypeError ENOTFOUND)');
  expect(`${error.message}${error.stack}${JSON.stringify(error)}`).not.toContain(TOKEN);
});

test('a 4xx is not retried; a migrated group says its new id', async () => {
  const { client, requests } = harness([
    {
      status: 400,
      body: {
        ok: false,
        error_code: 400,
        description: 'Bad Request: group chat was upgraded to a supergroup chat',
        parameters: { migrate_to_chat_id: -1001234 },
      },
    },
  ]);

  const error = await rejectionOf(client.sendMessage(-42, 'hi'));

  expect(requests).toHaveLength(1);
  expect(error).toMatchObject({ method: 'sendMessage', errorCode: 400 });
  expect(error.message).toBe(
    'telegram sendMessage failed: 400 Bad Request: group chat was upgraded to a supergroup chat (migrate_to_chat_id -1001234)',
  );
});

test('sendPhoto sends the caption byte for byte (no CRLF rewriting) and the file as a part (a quote in its name escaped), resent whole on a retry', async () => {
  const { client, requests } = harness([
    { status: 500, body: { ok: false, error_code: 500, description: 'Internal' } },
    { status: 200, body: sent },
  ]);
  const data = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

  await client.sendPhoto('42', { filename: 'eq"uity.png', contentType: 'image/png', data }, 'line 1\nline 2');

  expect(requests).toHaveLength(2);
  for (const { init } of requests) {
    const type = (init.headers as Record<string, string>)['Content-Type']!;
    const form = await new Response(init.body as Blob, { headers: { 'content-type': type } }).formData();
    expect(form.get('chat_id')).toBe('42');
    expect(form.get('caption')).toBe('line 1\nline 2');
    const file = form.get('photo') as File;
    // Escaped on the wire as browsers do (%22), and read back as the quote by a multipart parser.
    expect(file.name).toBe('eq"uity.png');
    expect(file.type).toBe('image/png');
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([...data]);
  }
});

test('a token is required', () => {
  expect(() => new TelegramBotClient({ token: '' })).toThrow('a bot token is required');
});
