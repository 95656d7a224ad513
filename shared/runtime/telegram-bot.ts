// The Telegram bot's wiring: the tables it reads and the control it acts through (AccountControl,
// RiskReport), the signal queue for /flatten, the one-time confirmations in the risk table, the
// Telegram links in the tenants table, and the Bot API client. The bot token and the webhook
// secret are read once per container (Secrets Manager in the cloud, the environment locally),
// lazily, and never logged or put in an error.
//
// Each tenant the bot serves gets its own scope (docs/TENANCY.md "Telegram"): a DynamoDB client
// carrying the tenant guard (a command naming another tenant's key is refused unsent), the
// tenant's accounts listed from its index, never a Scan. The links and confirmations, which are
// keyed by Telegram user and code rather than by tenant, use the function's plain client.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { DynamoConfirmationStore } from '../adapters/dynamodb/confirmation-store';
import { createDocumentClient } from '../adapters/dynamodb/document-client';
import { DynamoTelegramLinkStore } from '../adapters/dynamodb/telegram-link-store';
import { DynamoTenantAccountIndex } from '../adapters/dynamodb/tenant-account-index';
import { guardTenant } from '../adapters/dynamodb/tenant-guard';
import { TenantScopedAccounts } from '../core/tenancy/tenant-accounts';
import { PlanGuard } from '../core/tenancy/plan-guard';
import { DynamoTenantMetaReader } from '../adapters/dynamodb/tenant-directory';
import { plansOf } from './tenancy';
import { DynamoAccountWriter } from '../adapters/dynamodb/account-repository';
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
import { TelegramCommands, type TelegramScope } from '../core/control/telegram-commands';
import { FIRST_TENANT_ID, isTenantId } from '../core/domain/tenant';
import { TABLE_NAMES, tableName } from '../platform/resource-names';
import { TABLE_SPECS } from '../platform/tables';
import { WEBHOOK_SECRET_PATTERN, type TelegramBotEnv } from '../platform/telegram-config';
import { dynamoClient } from './repositories';
import { ConfigError, InvalidArgumentError } from '../core/errors';

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
    const scopeOf = telegramScopes(env, clock, sqs);
    const first = scopeOf(FIRST_TENANT_ID);
    return new TelegramCommands({
      allowedChatIds: env.TELEGRAM_CHAT_IDS,
      allowedUserIds: env.TELEGRAM_USER_IDS,
      ...first,
      scopeOf,
      links: new DynamoTelegramLinkStore(db, tableName(env.STAGE, 'tenants')),
      clock,
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

/** The most tenants whose scope a warm function keeps (the oldest built is let go first). */
export const MAX_TELEGRAM_SCOPES = 256;

/**
 * One tenant's scope, built on its first command and kept: its own DynamoDB client with the tenant
 * guard on it, its accounts from its index (an id of another tenant reads as absent, a write to it
 * fails as for a missing account), and AccountControl and RiskReport over those.
 */
export function telegramScopes(env: TelegramBotEnv, clock: Clock, sqs: SQSClient): (tenantId: string) => TelegramScope {
  const keys = Object.fromEntries(TABLE_NAMES.map((t) => [tableName(env.STAGE, t), TABLE_SPECS[t].partitionKey]));
  const scopes = new Map<string, TelegramScope>();
  const plans = plansOf(env.PLANS);
  return (tenantId) => {
    if (!isTenantId(tenantId)) throw new InvalidArgumentError('tenant', 'not a tenant id');
    let scope = scopes.get(tenantId);
    if (!scope) {
      const db: DynamoDBDocumentClient = createDocumentClient({
        region: env.AWS_REGION,
        ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
      });
      guardTenant(db, tenantId, keys);
      const index = new DynamoTenantAccountIndex(db, tableName(env.STAGE, 'tenants'));
      const accounts = new TenantScopedAccounts(
        tenantId,
        new DynamoAccountWriter(db, tableName(env.STAGE, 'accounts')),
        index,
      );
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
      scope = {
        accounts,
        positions,
        trades,
        risk,
        audit,
        control,
        report: new RiskReport({ accounts, positions, trades, risk, clock }),
        // the tenant's plan (its meta, on the same guarded client): /resume of a live account takes a slot
        plans: new PlanGuard({
          directory: new DynamoTenantMetaReader(db, tableName(env.STAGE, 'tenants')),
          plans,
          clock,
        }),
      };
      if (scopes.size >= MAX_TELEGRAM_SCOPES) scopes.delete(scopes.keys().next().value as string);
      scopes.set(tenantId, scope);
    }
    return scope;
  };
}
