// A tenant's own notification channels (docs/TENANCY.md, Notifications): where the news of its money
// goes. Stored in the tenants table (partition tenantId, item `notify`), set by the tenant's owner.
// The shape mirrors the deployment's: the same channels, the same quiet hours; the rules stay the
// deployment's (NOTIFY_CONFIG), so a tenant picks where, not what is worth telling.
import { InvalidArgumentError } from '../errors';
import type { QuietHours } from './config';
import { parseClock } from './routing';

export interface TenantNotifySettings {
  /** Telegram chats the deployment's bot writes to for this tenant */
  telegramChatIds: string[];
  /** a Discord webhook URL: a secret (anyone holding it can post), never logged nor shown whole */
  discordWebhookUrl?: string;
  /** email recipients (sent from the deployment's SES identity) */
  emails: string[];
  quietHours?: QuietHours;
  /** epoch ms UTC of the last change */
  updatedAt: number;
}

/** Bounds, so a stored item stays small and a typo is refused rather than kept. */
export const MAX_TELEGRAM_CHATS = 5;
export const MAX_EMAILS = 5;
const TELEGRAM_CHAT = /^-?\d{1,20}$/;
const EMAIL = /^[^@\s,]{1,64}@[^@\s,]+\.[^@\s,]{2,}$/;
const DISCORD_HOSTS = new Set(['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com']);
const DISCORD_PATH = /^\/api\/webhooks\/\d{1,20}\/[A-Za-z0-9_-]{1,100}$/;

function fail(field: string, what: string): never {
  throw new InvalidArgumentError(`${field}: ${what}`);
}

/** Discord's webhook URL or a refusal naming the field; the URL itself never goes into the message. */
export function checkDiscordWebhookUrl(raw: string, options: { allowLocal?: boolean } = {}): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail('discordWebhook', 'not a URL (expected https://discord.com/api/webhooks/<id>/<token>)');
  }
  // The local stack and the tests post to a fake Discord on 127.0.0.1 over http.
  const local = options.allowLocal === true && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
  if (!local && (url.protocol !== 'https:' || !DISCORD_HOSTS.has(url.hostname)))
    fail('discordWebhook', 'must be an https URL on discord.com');
  if (!DISCORD_PATH.test(url.pathname)) fail('discordWebhook', 'must be a webhook URL: /api/webhooks/<id>/<token>');
  return url.toString();
}

/** What `notify show` prints: the webhook's id, never its token. */
export function maskDiscordWebhookUrl(raw: string): string {
  try {
    const url = new URL(raw);
    const id = url.pathname.split('/')[3] ?? '';
    return `${url.protocol}//${url.host}/api/webhooks/${id}/…`;
  } catch {
    return '(set)';
  }
}

export interface TenantNotifyInput {
  telegramChatIds?: readonly string[];
  discordWebhookUrl?: string;
  emails?: readonly string[];
  quietHours?: QuietHours;
}

/** Checks each field; the error names the field and the bound. An empty list clears a channel. */
export function validateTenantNotifySettings(
  input: TenantNotifyInput,
  at: number,
  options: { allowLocalDiscord?: boolean } = {},
): TenantNotifySettings {
  const chats = (input.telegramChatIds ?? []).map((c) => c.trim()).filter(Boolean);
  if (chats.length > MAX_TELEGRAM_CHATS) fail('telegramChat', `at most ${MAX_TELEGRAM_CHATS} chats`);
  for (const c of chats)
    if (!TELEGRAM_CHAT.test(c)) fail('telegramChat', `"${c}" is not a Telegram chat id (digits, may start with -)`);
  const emails = (input.emails ?? []).map((e) => e.trim().toLowerCase()).filter(Boolean);
  if (emails.length > MAX_EMAILS) fail('email', `at most ${MAX_EMAILS} addresses`);
  for (const e of emails) if (e.length > 254 || !EMAIL.test(e)) fail('email', `"${e}" is not an e-mail address`);
  const discord =
    input.discordWebhookUrl === undefined || input.discordWebhookUrl.trim() === ''
      ? undefined
      : checkDiscordWebhookUrl(
          input.discordWebhookUrl,
          options.allowLocalDiscord === undefined ? {} : { allowLocal: options.allowLocalDiscord },
        );
  if (input.quietHours) {
    try {
      parseClock(input.quietHours.start);
      parseClock(input.quietHours.end);
    } catch (error) {
      fail('quietHours', error instanceof Error ? error.message : 'not HH:MM');
    }
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: input.quietHours.timeZone });
    } catch {
      fail('quietHours.timeZone', `"${input.quietHours.timeZone}" is not an IANA time zone`);
    }
  }
  return {
    telegramChatIds: [...new Set(chats)],
    emails: [...new Set(emails)],
    ...(discord ? { discordWebhookUrl: discord } : {}),
    ...(input.quietHours ? { quietHours: { ...input.quietHours } } : {}),
    updatedAt: at,
  };
}

/** True when the settings name at least one channel. */
export const hasChannels = (s: TenantNotifySettings): boolean =>
  s.telegramChatIds.length > 0 || s.emails.length > 0 || s.discordWebhookUrl !== undefined;
