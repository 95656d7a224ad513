// DiscordChannel's edges with a scripted fetch: the URL keeps its own query (thread_id) and gains
// wait=true, Retry-After is the fallback for retry_after, and a bad URL is refused without
// showing it.
import { DiscordChannel } from '../../../../shared/adapters/notify/discord-channel';
import { ChannelRateLimitedError } from '../../../../shared/core/notify/types';

const URL_WITH_THREAD = 'https://discord.com/api/webhooks/1/SeCrEt-token?thread_id=99';

function harness(responses: Response[], maxRetryAfterMs?: number) {
  const urls: string[] = [];
  const sleeps: number[] = [];
  const fetchStub = (async (url: string) => {
    urls.push(url);
    const next = responses.shift();
    if (!next) throw new Error('unscripted request');
    return next;
  }) as unknown as typeof fetch;
  const channel = new DiscordChannel({
    webhookUrl: URL_WITH_THREAD,
    fetch: fetchStub,
    maxRetryAfterMs,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { channel, urls, sleeps };
}

test("name and limit are Discord's", () => {
  expect(harness([]).channel).toMatchObject({ name: 'discord', maxTextLength: 2000 });
});

test('the webhook URL keeps its thread_id and gains wait=true', async () => {
  const { channel, urls } = harness([new Response('{}', { status: 200 })]);

  await channel.send({ text: 'hi', severity: 'info' });

  expect(urls).toEqual(['https://discord.com/api/webhooks/1/SeCrEt-token?thread_id=99&wait=true']);
});

test('without retry_after in the body the Retry-After header is used; the budget counts every wait', async () => {
  const limited = () => new Response('not json', { status: 429, headers: { 'Retry-After': '2' } });
  const { channel, sleeps } = harness([limited(), limited(), limited()], 5_000);

  const error = await channel.send({ text: 'hi', severity: 'info' }).catch((e: unknown) => e);

  expect(sleeps).toEqual([2_000, 2_000]);
  expect(error).toBeInstanceOf(ChannelRateLimitedError);
  expect(error).toMatchObject({ channel: 'discord', retryAfterMs: 2_000 });
});

test('a malformed webhook URL is refused without showing it', () => {
  expect(() => new DiscordChannel({ webhookUrl: 'not a url SeCrEt' })).toThrow(
    /^discord: the webhook URL is not a valid URL$/,
  );
});

test('a message with nothing to send is refused before any request', async () => {
  const { channel, urls } = harness([]);

  await expect(channel.send({ text: '', severity: 'info' })).rejects.toThrow('nothing to send');
  expect(urls).toEqual([]);
});
