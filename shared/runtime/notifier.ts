// The notifier's wiring: the channels its environment configures (secrets read once per
// container from Secrets Manager, never logged), the held-notification store, the rules; and
// around it the tenant router: each tenant's events to the channels of its own `notify` settings
// (the deployment's bot and SES identity, the tenant's chats, webhook and addresses).
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { dirname, join } from 'node:path';
import { DynamoHeldNotifications } from '../adapters/dynamodb/held-notifications';
import { DynamoTenantNotifySettings } from '../adapters/dynamodb/tenant-notify-settings';
import { ConsoleChannel } from '../adapters/notify/console-channel';
import { DiscordChannel } from '../adapters/notify/discord-channel';
import { SesEmailChannel } from '../adapters/notify/ses-email-channel';
import { SnsEmailChannel } from '../adapters/notify/sns-email-channel';
import { TelegramBotClient } from '../adapters/notify/telegram-client';
import { TelegramChannel } from '../adapters/notify/telegram-channel';
import type { NotificationChannel } from '../core/notify/ports';
import { systemClock, type Clock } from '../core/ports/runtime';
import { Notifier } from '../core/notify/notifier';
import { TenantRouter } from '../core/notify/tenant-router';
import { hasChannels, type TenantNotifySettings } from '../core/notify/tenant-settings';
import type { Logger } from '@aws-lambda-powertools/logger';
import { parseNotifyConfig, type NotifierEnv } from '../platform/notify-config';
import { tableName } from '../platform/resource-names';
import { dynamoClient } from './repositories';
import { ConfigError } from '../core/errors';

async function secretValue(arn: string, region: string): Promise<string> {
  const out = await new SecretsManagerClient({ region }).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new ConfigError('a notification secret is empty');
  return out.SecretString.trim();
}

async function telegramToken(env: NotifierEnv): Promise<string | undefined> {
  return (
    env.TELEGRAM_BOT_TOKEN ??
    (env.TELEGRAM_BOT_TOKEN_SECRET_ARN
      ? await secretValue(env.TELEGRAM_BOT_TOKEN_SECRET_ARN, env.AWS_REGION)
      : undefined)
  );
}

/**
 * A tenant's channels: the deployment's Telegram bot to the tenant's chats, the tenant's Discord
 * webhook, SES from the deployment's identity to the tenant's addresses (no SNS: the topic's
 * subscribers are the deployment's). `token` is the bot's, read once per container.
 */
export function buildTenantChannels(
  env: NotifierEnv,
  settings: TenantNotifySettings,
  token: string | undefined,
  options: { sleep?: (ms: number) => Promise<void> } = {},
): NotificationChannel[] {
  const channels: NotificationChannel[] = [];
  const sleep = options.sleep ? { sleep: options.sleep } : {};
  if (token && settings.telegramChatIds.length)
    channels.push(
      new TelegramChannel({
        client: new TelegramBotClient({
          token,
          ...(env.TELEGRAM_API_URL ? { baseUrl: env.TELEGRAM_API_URL } : {}),
          ...sleep,
        }),
        chatIds: settings.telegramChatIds,
      }),
    );
  if (settings.discordWebhookUrl)
    channels.push(new DiscordChannel({ webhookUrl: settings.discordWebhookUrl, ...sleep }));
  if (env.EMAIL_FROM && settings.emails.length)
    channels.push(
      new SesEmailChannel({
        ses: new SESv2Client({ region: env.AWS_REGION }),
        from: env.EMAIL_FROM,
        to: settings.emails,
      }),
    );
  return channels;
}

/** `sleep`: how Telegram's and Discord's retry_after is waited out (default setTimeout; tests record it). */
export async function buildChannels(
  env: NotifierEnv,
  options: { sleep?: (ms: number) => Promise<void> } = {},
): Promise<NotificationChannel[]> {
  const channels: NotificationChannel[] = [];
  const sleep = options.sleep ? { sleep: options.sleep } : {};
  const token = await telegramToken(env);
  if (token && env.TELEGRAM_CHAT_IDS.length) {
    channels.push(
      new TelegramChannel({
        client: new TelegramBotClient({
          token,
          ...(env.TELEGRAM_API_URL ? { baseUrl: env.TELEGRAM_API_URL } : {}),
          ...sleep,
        }),
        chatIds: env.TELEGRAM_CHAT_IDS,
      }),
    );
  }
  const discord =
    env.DISCORD_WEBHOOK_URL ??
    (env.DISCORD_WEBHOOK_SECRET_ARN ? await secretValue(env.DISCORD_WEBHOOK_SECRET_ARN, env.AWS_REGION) : undefined);
  if (discord) channels.push(new DiscordChannel({ webhookUrl: discord, ...sleep }));
  // Email: SES when a sender and recipients are set (it attaches the chart), else the SNS topic
  // (text and a link). One without the other is a mistake that would silently drop every email.
  if (Boolean(env.EMAIL_FROM) !== env.EMAIL_TO.length > 0)
    throw new ConfigError('invalid configuration: EMAIL_FROM and EMAIL_TO are set together or not at all');
  if (env.EMAIL_FROM && env.EMAIL_TO.length)
    channels.push(
      new SesEmailChannel({ ses: new SESv2Client({ region: env.AWS_REGION }), from: env.EMAIL_FROM, to: env.EMAIL_TO }),
    );
  else if (env.EMAIL_TOPIC_ARN)
    channels.push(
      new SnsEmailChannel({ sns: new SNSClient({ region: env.AWS_REGION }), topicArn: env.EMAIL_TOPIC_ARN }),
    );
  if (env.LOCAL_NOTIFY_FILE)
    channels.push(
      new ConsoleChannel({
        file: env.LOCAL_NOTIFY_FILE,
        attachmentsDir: join(dirname(env.LOCAL_NOTIFY_FILE), 'attachments'),
      }),
    );
  return channels;
}

export async function buildNotifier(
  env: NotifierEnv,
  options: {
    clock?: Clock;
    logger?: Logger;
    channels?: NotificationChannel[];
    /** a tenant's channels (tests); default buildTenantChannels */
    tenantChannels?: (tenantId: string, settings: TenantNotifySettings) => NotificationChannel[];
    sleep?: (ms: number) => Promise<void>;
  } = {},
): Promise<TenantRouter> {
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const logger = options.logger;
  const clock = options.clock ?? systemClock;
  const config = parseNotifyConfig(env.NOTIFY_CONFIG);
  const sleep = options.sleep ? { sleep: options.sleep } : {};
  // Only the channel and the error's class and message: a URL with a token never reaches a log.
  const onChannelError = (tenantId: string | undefined) => (channel: string, error: unknown) =>
    logger?.warn('notification channel failed', {
      channel,
      ...(tenantId ? { tenantId } : {}),
      error: error instanceof Error ? `${error.name}: ${error.message}` : 'error',
    });
  let token: Promise<string | undefined> | undefined;
  const held = new DynamoHeldNotifications(db, tableName(env.STAGE, 'risk'));
  return new TenantRouter({
    deployment: new Notifier({
      channels: options.channels ?? (await buildChannels(env, sleep)),
      config,
      held,
      clock,
      onChannelError: onChannelError(undefined),
    }),
    settings: new DynamoTenantNotifySettings(db, tableName(env.STAGE, 'tenants')),
    // The deployment's rules with the tenant's quiet hours; its held digest under its own key.
    notifierFor: async (tenantId, settings) => {
      if (!hasChannels(settings)) return undefined;
      const channels =
        options.tenantChannels?.(tenantId, settings) ??
        buildTenantChannels(env, settings, await (token ??= telegramToken(env)), sleep);
      if (!channels.length) return undefined;
      return new Notifier({
        channels,
        config: { rules: config.rules, ...(settings.quietHours ? { quietHours: settings.quietHours } : {}) },
        held: new DynamoHeldNotifications(db, tableName(env.STAGE, 'risk'), tenantId),
        clock,
        onChannelError: onChannelError(tenantId),
      });
    },
    clock,
    heldTenants: () => held.heldTenants(),
    // The tenant and the count: never the events, which are the tenant's business.
    onUnrouted: (tenantId, count) =>
      logger?.info('notifications of a tenant without channels: not sent', { tenantId: tenantId ?? null, count }),
  });
}
