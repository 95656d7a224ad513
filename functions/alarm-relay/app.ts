// Alarm relay: the alarm topic (SNS) → Telegram. CloudWatch publishes every alarm state change to
// the topic as JSON; the e-mail subscription gets that JSON as is, and this function turns it into
// a few lines a person reads on a phone: state and alarm, what crossed which threshold, what to do
// (the alarm's description), when. Anything else published to the topic goes on as its subject and
// text. The bot token is read from Secrets Manager once per container, never logged.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SNSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { TelegramBotClient } from '../../shared/adapters/notify/telegram-client';
import { TelegramChannel } from '../../shared/adapters/notify/telegram-channel';
import type { Message, Severity } from '../../shared/core/notify/types';
import { common, csv } from '../../shared/platform/config';
import { createLogger } from '../../shared/platform/logger';
import { createMetrics, type Metrics } from '../../shared/platform/metrics';
import { ConfigError } from '../../shared/core/errors';

export const alarmRelayEnvSchema = z.object({
  ...common,
  /** Secrets Manager secret holding the bot token (the string, or JSON {"token": "..."}) */
  TELEGRAM_BOT_TOKEN_SECRET_ARN: z.string().check(z.minLength(1)),
  /** the chats that get the alarms, comma-separated */
  TELEGRAM_CHAT_IDS: csv,
  /** another Bot API base URL (tests) */
  TELEGRAM_API_URL: z.optional(z.url()),
});
export type AlarmRelayEnv = z.output<typeof alarmRelayEnvSchema>;

/** The part of CloudWatch's alarm notification the message uses. */
export interface CloudWatchAlarm {
  AlarmName: string;
  AlarmDescription?: string | null;
  NewStateValue: string;
  NewStateReason?: string;
  OldStateValue?: string;
  StateChangeTime?: string;
  Region?: string;
  Trigger?: {
    MetricName?: string;
    Namespace?: string;
    Statistic?: string | null;
    ExtendedStatistic?: string | null;
    Period?: number;
    EvaluationPeriods?: number;
    DatapointsToAlarm?: number;
    ComparisonOperator?: string;
    Threshold?: number;
  };
}

/** The alarm in an SNS message, or undefined when the message is something else. */
export function parseAlarm(message: string): CloudWatchAlarm | undefined {
  try {
    const value = JSON.parse(message) as Partial<CloudWatchAlarm> | null;
    if (value && typeof value.AlarmName === 'string' && typeof value.NewStateValue === 'string')
      return value as CloudWatchAlarm;
  } catch {
    // not JSON: not an alarm
  }
  return undefined;
}

const STATE: Record<string, { mark: string; severity: Severity }> = {
  ALARM: { mark: '🚨', severity: 'critical' },
  INSUFFICIENT_DATA: { mark: '❔', severity: 'warning' },
  OK: { mark: '✅', severity: 'info' },
};

const OPERATOR: Record<string, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

/** Longest description kept: alarm descriptions say what to do in a few sentences. */
export const DESCRIPTION_LIMIT = 700;
const REASON_LIMIT = 300;

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

function period(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** "OrdersFailed Sum over 5 min > 2 (1 of 1 periods)", or undefined for a metric-math alarm. */
function condition(trigger: CloudWatchAlarm['Trigger']): string | undefined {
  if (!trigger?.MetricName || trigger.Threshold === undefined) return undefined;
  const stat =
    trigger.ExtendedStatistic ??
    (trigger.Statistic ? trigger.Statistic.charAt(0) + trigger.Statistic.slice(1).toLowerCase() : undefined);
  const over = trigger.Period ? ` over ${period(trigger.Period)}` : '';
  const op = OPERATOR[trigger.ComparisonOperator ?? ''] ?? trigger.ComparisonOperator ?? '?';
  const periods =
    trigger.EvaluationPeriods && trigger.EvaluationPeriods > 1
      ? ` (${trigger.DatapointsToAlarm ?? trigger.EvaluationPeriods} of ${trigger.EvaluationPeriods} periods)`
      : '';
  return `${trigger.MetricName}${stat ? ` ${stat}` : ''}${over} ${op} ${trigger.Threshold}${periods}`;
}

function when(time: string | undefined): string | undefined {
  const at = time ? Date.parse(time) : Number.NaN;
  return Number.isFinite(at) ? `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC` : undefined;
}

/** The alarm as a compact plain-text message; ALARM is critical, INSUFFICIENT_DATA a warning, OK info. */
export function formatAlarm(alarm: CloudWatchAlarm): Message {
  const state = STATE[alarm.NewStateValue] ?? { mark: '⚠️', severity: 'warning' as Severity };
  const lines = [`${state.mark} ${alarm.NewStateValue}: ${alarm.AlarmName}`];
  const crossed = condition(alarm.Trigger);
  if (crossed) lines.push(crossed);
  if (alarm.NewStateReason) lines.push(cut(alarm.NewStateReason, REASON_LIMIT));
  // An alarm going back to OK needs no instructions.
  if (alarm.AlarmDescription && alarm.NewStateValue !== 'OK')
    lines.push(`→ ${cut(alarm.AlarmDescription, DESCRIPTION_LIMIT)}`);
  const footer = [alarm.Region, when(alarm.StateChangeTime)].filter(Boolean).join(' · ');
  if (footer) lines.push(footer);
  return { text: lines.join('\n'), severity: state.severity };
}

/** A message on the topic that is not an alarm (a test publish, an AWS notice). */
export function formatOther(subject: string | null | undefined, message: string): Message {
  return {
    text: [subject ? `📣 ${subject}` : '📣 Message on the alarm topic', cut(message, 3000)].join('\n'),
    severity: 'warning',
  };
}

export interface AlarmSender {
  send(message: Message): Promise<void>;
}

export interface AlarmRelayDeps {
  /** the channel, built on first use (the token read then) */
  sender: () => Promise<AlarmSender>;
  logger?: Logger;
  metrics?: Metrics;
}

/**
 * Sends each record's message; a failure throws, so Lambda retries the asynchronous invocation
 * (twice) and the relay's error alarm reaches the e-mail subscription meanwhile.
 */
export function createAlarmRelayHandler(deps: AlarmRelayDeps) {
  const logger = deps.logger ?? createLogger('alarm-relay');
  const metrics = deps.metrics ?? createMetrics('alarm-relay');
  return async (event: SNSEvent): Promise<void> => {
    for (const record of event.Records ?? []) {
      const raw = record.Sns?.Message ?? '';
      const alarm = parseAlarm(raw);
      const message = alarm ? formatAlarm(alarm) : formatOther(record.Sns?.Subject, raw);
      const sender = await deps.sender();
      await sender.send(message);
      const state = alarm?.NewStateValue ?? 'message';
      metrics.count('AlarmsRelayed', { state });
      logger.info('alarm relayed to telegram', { alarm: alarm?.AlarmName, state });
    }
  };
}

/** A secret's token: the plain string, or the "token" field of a JSON object. Never echoes the value. */
export function tokenOf(secret: string | undefined): string {
  const text = (secret ?? '').trim();
  if (text.startsWith('{')) {
    let token: unknown;
    try {
      token = (JSON.parse(text) as { token?: unknown }).token;
    } catch {
      throw new ConfigError('the bot token secret is not valid JSON (expected the token, or {"token": "..."})');
    }
    if (typeof token !== 'string' || !token.trim()) throw new ConfigError('the bot token secret has no "token" string');
    return token.trim();
  }
  if (!text) throw new ConfigError('the bot token secret is empty: put the token from @BotFather into it');
  return text;
}

/**
 * The Telegram channel, built once: the token read from Secrets Manager on first use. A failed read
 * is not kept, so the next invocation tries again (the owner may just have put the token).
 */
export function telegramSender(
  env: AlarmRelayEnv,
  secrets: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({ region: env.AWS_REGION }),
): () => Promise<AlarmSender> {
  let pending: Promise<AlarmSender> | undefined;
  return () => {
    pending ??= (async () => {
      const out = await secrets.send(new GetSecretValueCommand({ SecretId: env.TELEGRAM_BOT_TOKEN_SECRET_ARN }));
      const client = new TelegramBotClient({
        token: tokenOf(out.SecretString),
        ...(env.TELEGRAM_API_URL ? { baseUrl: env.TELEGRAM_API_URL } : {}),
      });
      return new TelegramChannel({ client, chatIds: env.TELEGRAM_CHAT_IDS });
    })().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
