// The Telegram bot's wiring: the tables it reads and the control it acts through (AccountControl,
// RiskReport), the signal queue for /flatten, the one-time confirmations in the risk table, and the
// Bot API client. The bot token and the webhook secret are read once per container (Secrets
// Manager in the cloud, the environment locally), lazily, and never logged or put in an error.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoAccountRepository } from '../adapters/dynamodb/account-repository';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { DynamoConfirmationStore } from '../adapters/dynamodb/confirmation-store';
import { DynamoPositionReader } from '../adapters/dynamodb/position-book';
import { DynamoRiskStore } from '../adapters/dynamodb/risk-store';
import { DynamoSignalLedger } from '../adapters/dynamodb/signal-ledger';
import { DynamoTradeReader } from '../adapters/dynamodb/trade-repository';
import { TelegramBotClient } from '../adapters/notify/telegram-client';
import { SqsSignalQueue } from '../adapters/sqs/signal-queue';
import { systemClock, type Clock } from '../core/ports/runtime';
import { AccountControl } from '../core/control/account-control';
import { RiskReport } from '../core/reporting/risk-report';
import type { ReplyButton, TelegramReplies } from '../core/control/ports';
import { TelegramCommands } from '../core/control/telegram-commands';
import { tableName } from '../platform/resource-names';
import { WEBHOOK_SECRET_PATTERN, type TelegramBotEnv } from '../platform/telegram-config';
import { dynamoClient } from './repositories';
import { ConfigError } from '../core/errors';

/** What the function needs, each built on first use and kept for the container's life. */
export interface TelegramBotRuntime {
  /** the secret Telegram sends in x-telegram-bot-api-secret-token */
  webhookSecret(): Promise<string>;
  commands(): Promise<TelegramCommands>;
  /** `text` with the token and the webhook secret masked (for log lines built from errors) */
  scrub(text: string): string;
}

export interface TelegramBotOptions {
  clock?: Clock;
  /** tests: the Bot API client's fetch */
  fetch?: typeof fetch;
  secrets?: Pick<SecretsManagerClient, 'send'>;
}

/** The bot's answers through the Bot API: buttons become an inline keyboard. */
export function telegramReplies(
  client: Pick<TelegramBotClient, 'sendMessage' | 'answerCallbackQuery'>,
): TelegramReplies {
  return {
    async send(chatId: string, text: string, buttons?: ReplyButton[][]): Promise<void> {
      await client.sendMessage(
        chatId,
        text,
        buttons?.length
          ? {
              replyMarkup: {
                inline_keyboard: buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data }))),
              },
            }
          : {},
      );
    },
    async answer(callbackId: string, text?: string): Promise<void> {
      await client.answerCallbackQuery(callbackId, text);
    },
  };
}

/** A secret's value: the plain string, or the named field of a JSON object. Never echoes it. */
export function secretField(raw: string, field: string): string {
  const text = raw.trim();
  if (text.startsWith('{')) {
    let value: unknown;
    try {
      value = (JSON.parse(text) as Record<string, unknown>)[field];
    } catch {
      throw new ConfigError(`the secret is not valid JSON (expected a string or {"${field}": "..."})`);
    }
    if (typeof value !== 'string' || !value.trim()) throw new ConfigError(`the secret has no "${field}" string`);
    return value.trim();
  }
  if (!text) throw new ConfigError('the secret is empty');
  return text;
}

/** Memoises an async value; a failure is not kept, so the next request tries again. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

export function buildTelegramBot(env: TelegramBotEnv, options: TelegramBotOptions = {}): TelegramBotRuntime {
  const clock = options.clock ?? systemClock;
  const known: string[] = [];
  const remember = (value: string): string => {
    if (!known.includes(value)) known.push(value);
    return value;
  };
  let secrets = options.secrets;
  const secretString = async (arn: string): Promise<string> => {
    secrets ??= new SecretsManagerClient({ region: env.AWS_REGION });
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new ConfigError('the secret has no string value');
    return out.SecretString;
  };

  const webhookSecret = once(async () => {
    const value =
      env.TELEGRAM_WEBHOOK_SECRET ??
      secretField(await secretString(env.TELEGRAM_WEBHOOK_SECRET_ARN ?? ''), 'webhookSecret');
    if (!WEBHOOK_SECRET_PATTERN.test(value))
      throw new ConfigError('the webhook secret must be 16-256 characters of A-Z, a-z, 0-9, _ and -');
    return remember(value);
  });

  const commands = once(async () => {
    const token = remember(
      env.TELEGRAM_BOT_TOKEN ?? secretField(await secretString(env.TELEGRAM_BOT_TOKEN_SECRET_ARN ?? ''), 'token'),
    );
    const client = new TelegramBotClient({
      token,
      timeoutMs: env.TELEGRAM_TIMEOUT_MS,
      // A webhook answer is waited for by Telegram: do not sit out long flood waits here.
      maxRetryAfterMs: 2_000,
      ...(env.TELEGRAM_API_URL ? { baseUrl: env.TELEGRAM_API_URL } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
    const sqs = new SQSClient({ region: env.AWS_REGION, ...(env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT } : {}) });
    const accounts = new DynamoAccountRepository(db, tableName(env.STAGE, 'accounts'));
    const positions = new DynamoPositionReader(db, tableName(env.STAGE, 'positions'));
    const trades = new DynamoTradeReader(db, tableName(env.STAGE, 'trades'));
    const risk = new DynamoRiskStore(db, tableName(env.STAGE, 'risk'));
    const audit = new DynamoAuditLog(db, tableName(env.STAGE, 'audit'));
    const control = new AccountControl({
      accounts,
      positions,
      risk,
      audit,
      clock,
      ledger: new DynamoSignalLedger(db, tableName(env.STAGE, 'signals')),
      queue: new SqsSignalQueue(sqs, env.SIGNAL_QUEUE_URL),
    });
    return new TelegramCommands({
      allowedChatIds: env.TELEGRAM_CHAT_IDS,
      allowedUserIds: env.TELEGRAM_USER_IDS,
      accounts,
      positions,
      trades,
      risk,
      audit,
      clock,
      control,
      report: new RiskReport({ accounts, positions, trades, risk, clock }),
      replies: telegramReplies(client),
      confirmations: new DynamoConfirmationStore(db, tableName(env.STAGE, 'risk'), () => clock.now()),
      ...(env.TELEGRAM_BOT_USERNAME ? { botUsername: env.TELEGRAM_BOT_USERNAME } : {}),
    });
  });

  return {
    webhookSecret,
    commands,
    scrub: (text) => known.reduce((out, secret) => out.split(secret).join('[redacted]'), text),
  };
}
