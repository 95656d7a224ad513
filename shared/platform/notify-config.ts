// The notifier's environment: which channels exist (a Telegram bot, Discord webhook, SES or SNS
// email; the console and a file locally), where their secrets live, and the routing rules.
import * as z from 'zod/mini';
import { DEFAULT_NOTIFY_CONFIG, type NotifyConfig } from '../core/notify/config';
import { parseClock } from '../core/notify/routing';
import { NOTIFICATION_KINDS } from '../core/notify/types';
import { common, csv, ConfigError, oneOf } from './config';
import { candleSourceEnv } from './strategy-runner-config';

const severity = z.enum(['info', 'warning', 'critical']);
const channel = z.enum(['telegram', 'email', 'discord', 'console']);
const ruleSchema = z.object({
  kinds: z.union([z.literal('*'), z.array(z.enum(NOTIFICATION_KINDS as [string, ...string[]]))]),
  channels: z.array(channel),
  minSeverity: severity,
});
const notifyConfigSchema = z.object({
  rules: z.array(ruleSchema),
  quietHours: z.optional(z.object({ start: z.string(), end: z.string(), timeZone: z.string() })),
});

/** NOTIFY_CONFIG: JSON of NotifyConfig; absent = the defaults. Named errors for each bad field. */
export function parseNotifyConfig(raw: string | undefined): NotifyConfig {
  if (raw === undefined || raw.trim() === '') return DEFAULT_NOTIFY_CONFIG;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError('invalid configuration: NOTIFY_CONFIG (not JSON)');
  }
  const parsed = notifyConfigSchema.safeParse(json);
  if (!parsed.success)
    throw new ConfigError(
      `invalid configuration: NOTIFY_CONFIG.${parsed.error.issues.map((i) => `${i.path.join('.')} (${i.message})`).join(', ')}`,
    );
  const config = parsed.data as NotifyConfig;
  if (config.quietHours) {
    try {
      parseClock(config.quietHours.start);
      parseClock(config.quietHours.end);
      new Intl.DateTimeFormat('en-GB', { timeZone: config.quietHours.timeZone });
    } catch (error) {
      throw new ConfigError(
        `invalid configuration: NOTIFY_CONFIG.quietHours (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  return config;
}

export const notifierEnvSchema = z.object({
  ...common,
  NOTIFY_CONFIG: z.optional(z.string()),
  /** the bot token itself (local, tests) or the Secrets Manager secret holding it (cloud) */
  TELEGRAM_BOT_TOKEN: z.optional(z.string()),
  TELEGRAM_BOT_TOKEN_SECRET_ARN: z.optional(z.string()),
  TELEGRAM_CHAT_IDS: csv,
  /** another Bot API base URL: the local fake Telegram server */
  TELEGRAM_API_URL: z.optional(z.url()),
  DISCORD_WEBHOOK_URL: z.optional(z.url()),
  DISCORD_WEBHOOK_SECRET_ARN: z.optional(z.string()),
  /**
   * The email channel over Amazon SES, which attaches the report's chart: the sender (a verified SES
   * identity) and the recipients (comma-separated). Both set: SES; otherwise EMAIL_TOPIC_ARN, if set.
   */
  EMAIL_FROM: z.optional(z.string().check(z.minLength(1))),
  EMAIL_TO: csv,
  /** SNS topic whose email subscriptions get the email channel (text only: a chart goes as a link) */
  EMAIL_TOPIC_ARN: z.optional(z.string()),
  /** local stack: notifications also go to the console and this JSON-lines file */
  LOCAL_NOTIFY_FILE: z.optional(z.string()),
});

export type NotifierEnv = z.output<typeof notifierEnvSchema>;

/** The report job: the notifier's channels, the owner's time zone, and where prices come from. */
export const reportEnvSchema = z.object({
  ...notifierEnvSchema.shape,
  /** the days and weeks reported are this zone's (IANA) */
  REPORT_TIME_ZONE: z._default(z.string(), 'UTC'),
  /** hourly candles for the buy-and-hold comparison: an exchange's public API, or the local replay */
  ...candleSourceEnv,
  /** private bucket for the charts: each is uploaded and the email gets a presigned link (absent: no upload) */
  REPORTS_BUCKET: z.optional(z.string().check(z.minLength(1))),
  /** exchange: the held symbols' current funding rates from each account's exchange (public, no key); none: not shown */
  REPORT_FUNDING_RATES: oneOf(['exchange', 'none'], 'none'),
});

export type ReportEnv = z.output<typeof reportEnvSchema>;
