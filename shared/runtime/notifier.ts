// The notifier's wiring: the channels its environment configures (secrets read once per
// container from Secrets Manager, never logged), the held-notification store, the rules.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { dirname, join } from 'node:path';
import { DynamoHeldNotifications } from '../adapters/dynamodb/held-notifications';
import { ConsoleChannel } from '../adapters/notify/console-channel';
import { DiscordChannel } from '../adapters/notify/discord-channel';
import { SesEmailChannel } from '../adapters/notify/ses-email-channel';
import { SnsEmailChannel } from '../adapters/notify/sns-email-channel';
import { TelegramBotClient } from '../adapters/notify/telegram-client';
import { TelegramChannel } from '../adapters/notify/telegram-channel';
import type { NotificationChannel } from '../core/notify/ports';
import { systemClock, type Clock } from '../core/ports/runtime';
import { Notifier } from '../core/notify/notifier';
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

/** `sleep`: how Telegram's and Discord's retry_after is waited out (default setTimeout; tests record it). */
export async function buildChannels(
  env: NotifierEnv,
  options: { sleep?: (ms: number) => Promise<void> } = {},
): Promise<NotificationChannel[]> {
  const channels: NotificationChannel[] = [];
  const sleep = options.sleep ? { sleep: options.sleep } : {};
  const token =
    env.TELEGRAM_BOT_TOKEN ??
    (env.TELEGRAM_BOT_TOKEN_SECRET_ARN
      ? await secretValue(env.TELEGRAM_BOT_TOKEN_SECRET_ARN, env.AWS_REGION)
      : undefined);
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
    sleep?: (ms: number) => Promise<void>;
  } = {},
): Promise<Notifier> {
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const logger = options.logger;
  return new Notifier({
    channels: options.channels ?? (await buildChannels(env, options.sleep ? { sleep: options.sleep } : {})),
    config: parseNotifyConfig(env.NOTIFY_CONFIG),
    held: new DynamoHeldNotifications(db, tableName(env.STAGE, 'risk')),
    clock: options.clock ?? systemClock,
    // Only the channel and the error's class and message: a URL with a token never reaches a log.
    onChannelError: (channel, error) =>
      logger?.warn('notification channel failed', {
        channel,
        error: error instanceof Error ? `${error.name}: ${error.message}` : 'error',
      }),
  });
}
