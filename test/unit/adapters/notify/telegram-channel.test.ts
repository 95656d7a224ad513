// TelegramChannel's delivery plan with a recording client: what goes to which chat in which
// order, and how refusals from several chats are reported.
import { TelegramApiError, type TelegramBotClient } from '../../../../shared/adapters/notify/telegram-client';
import { TelegramChannel } from '../../../../shared/adapters/notify/telegram-channel';
import { ChannelRateLimitedError } from '../../../../shared/core/notify/types';

const PNG = { filename: 'equity.png', contentType: 'image/png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) };

function recordingClient(refuse: (chatId: string | number) => Error | undefined = () => undefined) {
  const calls: Array<[string, string | number, string | undefined]> = [];
  const client = {
    async sendMessage(chatId: string | number, text: string) {
      calls.push(['sendMessage', chatId, text]);
      const error = refuse(chatId);
      if (error) throw error;
    },
    async sendPhoto(chatId: string | number, _photo: unknown, caption?: string) {
      calls.push(['sendPhoto', chatId, caption]);
      const error = refuse(chatId);
      if (error) throw error;
    },
  };
  return { client: client as unknown as TelegramBotClient, calls };
}

test("name and limit are Telegram's", () => {
  const channel = new TelegramChannel({ client: recordingClient().client, chatIds: ['1'] });
  expect(channel).toMatchObject({ name: 'telegram', maxTextLength: 4096 });
});

test('a chart with a short text is one photo whose caption is the text', async () => {
  const { client, calls } = recordingClient();

  await new TelegramChannel({ client, chatIds: ['1'] }).send({
    text: 'Weekly report\n+3.2 %',
    severity: 'info',
    attachment: PNG,
  });

  expect(calls).toEqual([['sendPhoto', '1', 'Weekly report\n+3.2 %']]);
});

test('a chart without text goes without a caption', async () => {
  const { client, calls } = recordingClient();

  await new TelegramChannel({ client, chatIds: ['1'] }).send({ text: '', severity: 'info', attachment: PNG });

  expect(calls).toEqual([['sendPhoto', '1', undefined]]);
});

test('a message with nothing to send is refused before any call', async () => {
  const { client, calls } = recordingClient();

  await expect(
    new TelegramChannel({ client, chatIds: ['1'] }).send({ text: ' \n ', severity: 'info' }),
  ).rejects.toThrow('nothing to send');
  expect(calls).toEqual([]);
});

test('each chat gets all its parts before the next chat starts', async () => {
  const { client, calls } = recordingClient();
  const text = `${'a'.repeat(4000)}\n${'b'.repeat(100)}`;

  await new TelegramChannel({ client, chatIds: ['1', '2'] }).send({ text, severity: 'info' });

  expect(calls.map(([, chat, body]) => [chat, body?.[0], body?.length])).toEqual([
    ['1', 'a', 4000],
    ['1', 'b', 100],
    ['2', 'a', 4000],
    ['2', 'b', 100],
  ]);
});

test('two chats refusing give an AggregateError with both, after the third chat got the message', async () => {
  const { client, calls } = recordingClient((chat) =>
    chat === '3' ? undefined : new TelegramApiError('sendMessage', 403, 'Forbidden: bot was blocked by the user'),
  );

  const error = await new TelegramChannel({ client, chatIds: ['1', '2', '3'] })
    .send({ text: 'hi', severity: 'info' })
    .catch((e: unknown) => e);

  expect(error).toBeInstanceOf(AggregateError);
  expect((error as AggregateError).errors).toHaveLength(2);
  expect((error as Error).message).toBe(
    'telegram: 2 of 3 chats failed; first: telegram sendMessage failed: 403 Forbidden: bot was blocked by the user',
  );
  expect(calls.map(([, chat]) => chat)).toEqual(['1', '2', '3']);
});

test('rate limiting stops before the next chat', async () => {
  const { client, calls } = recordingClient(() => new ChannelRateLimitedError('telegram', 30_000));

  await expect(
    new TelegramChannel({ client, chatIds: ['1', '2'] }).send({ text: 'hi', severity: 'info' }),
  ).rejects.toBeInstanceOf(ChannelRateLimitedError);
  expect(calls).toHaveLength(1);
});

test('at least one chat id is required', () => {
  expect(() => new TelegramChannel({ client: recordingClient().client, chatIds: [] })).toThrow('at least one chat id');
});
