// A tenant's notification settings as `notify set` checks them: each bad field refused with its
// name and bound, and the Discord webhook's token never in an error nor in what `notify show` prints.
import { InvalidArgumentError } from '../../../../shared/core/errors';
import {
  maskDiscordWebhookUrl,
  validateTenantNotifySettings,
  type TenantNotifyInput,
} from '../../../../shared/core/notify/tenant-settings';

const TOKEN = 'sEcReT-token_abc123';
const HOOK = `https://discord.com/api/webhooks/123456789012345678/${TOKEN}`;

const refusal = (input: TenantNotifyInput, options = {}): InvalidArgumentError => {
  try {
    validateTenantNotifySettings(input, 1, options);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return e as InvalidArgumentError;
  }
  throw new Error('expected a refusal');
};

describe('validateTenantNotifySettings', () => {
  it('keeps good settings, trimmed, emails lower-cased, each once', () => {
    expect(
      validateTenantNotifySettings(
        {
          telegramChatIds: [' 4242', '-1001234567890', '4242'],
          discordWebhookUrl: HOOK,
          emails: ['Me@Example.org', 'me@example.org'],
          quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Seoul' },
        },
        7,
      ),
    ).toEqual({
      telegramChatIds: ['4242', '-1001234567890'],
      discordWebhookUrl: HOOK,
      emails: ['me@example.org'],
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Seoul' },
      updatedAt: 7,
    });
  });

  it.each<[string, TenantNotifyInput, RegExp]>([
    [
      'a chat id that is a name',
      { telegramChatIds: ['@mychannel'] },
      /^telegramChat: "@mychannel" is not a Telegram chat id/,
    ],
    ['six chats', { telegramChatIds: ['1', '2', '3', '4', '5', '6'] }, /^telegramChat: at most 5 chats/],
    ['an address without a domain', { emails: ['me@'] }, /^email: "me@" is not an e-mail address/],
    ['six addresses', { emails: ['a@b.cd', 'b@b.cd', 'c@b.cd', 'd@b.cd', 'e@b.cd', 'f@b.cd'] }, /^email: at most 5/],
    ['a quiet hour of 25', { quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } }, /^quietHours: "25:00"/],
    [
      'an unknown zone',
      { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Base' } },
      /^quietHours\.timeZone/,
    ],
  ])('refuses %s, naming the field', (_, input, message) => {
    expect(refusal(input).message).toMatch(message);
  });

  it.each([
    ['http, not https', `http://discord.com/api/webhooks/1/${TOKEN}`],
    ['another host', `https://discord.evil.example/api/webhooks/1/${TOKEN}`],
    ['not a webhook path', `https://discord.com/channels/1/${TOKEN}`],
    ['a local fake outside the local stack', `http://127.0.0.1:9999/api/webhooks/1/${TOKEN}`],
  ])('refuses a Discord webhook on %s without repeating its token', (_, url) => {
    const error = refusal({ discordWebhookUrl: url });
    expect(error.message).toMatch(/^discordWebhook: /);
    expect(`${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}`).not.toContain(TOKEN);
  });

  it('takes the local fake Discord only when the local stack allows it', () => {
    const local = `http://127.0.0.1:9999/api/webhooks/1/${TOKEN}`;
    expect(validateTenantNotifySettings({ discordWebhookUrl: local }, 1, { allowLocalDiscord: true })).toMatchObject({
      discordWebhookUrl: local,
    });
  });

  it('clears a channel given empty', () => {
    const s = validateTenantNotifySettings({ telegramChatIds: [], discordWebhookUrl: '', emails: [] }, 1);
    expect(s).toEqual({ telegramChatIds: [], emails: [], updatedAt: 1 });
  });
});

describe('maskDiscordWebhookUrl', () => {
  it("shows the webhook's host and id, never its token", () => {
    expect(maskDiscordWebhookUrl(HOOK)).toBe('https://discord.com/api/webhooks/123456789012345678/…');
    expect(maskDiscordWebhookUrl(HOOK)).not.toContain(TOKEN);
  });
});
