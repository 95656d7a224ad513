// The Telegram bot function's environment (functions/telegram-bot). In the cloud the bot token and
// the webhook secret live in Secrets Manager (…_SECRET_ARN, read once per container); locally and in
// tests they may be given directly. Exactly one source of each is required.
import * as z from 'zod/mini';
import { common, int } from './config';

const chatIds = z.pipe(
  z.string(),
  z.transform((s: string, ctx) => {
    const ids = s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    if (!ids.length || ids.some((id) => !/^-?\d{1,20}$/.test(id))) {
      ctx.issues.push({ code: 'custom', message: 'comma-separated numeric chat ids, at least one', input: s });
      return z.NEVER;
    }
    return ids;
  }),
);

/** Telegram user ids are positive (a chat id may be negative: groups). */
const userIds = z.pipe(
  z.string(),
  z.transform((s: string, ctx) => {
    const ids = s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    if (!ids.length || ids.some((id) => !/^\d{1,20}$/.test(id))) {
      ctx.issues.push({
        code: 'custom',
        message: 'comma-separated numeric (positive) user ids, at least one',
        input: s,
      });
      return z.NEVER;
    }
    return ids;
  }),
);

/** Telegram's secret_token alphabet: 1-256 of A-Z a-z 0-9 _ - (a short one is refused here). */
export const WEBHOOK_SECRET_PATTERN = /^[A-Za-z0-9_-]{16,256}$/;

export const telegramBotEnvSchema = z
  .object({
    ...common,
    /** the FIFO signal queue: /flatten queues its closes there */
    SIGNAL_QUEUE_URL: z.string().check(z.minLength(1)),
    /** Secrets Manager secret holding the bot token (the string, or JSON {"token": "..."}) */
    TELEGRAM_BOT_TOKEN_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
    /** local stack and tests only: the token itself */
    TELEGRAM_BOT_TOKEN: z.optional(z.string().check(z.minLength(1))),
    /** the secret_token given to setWebhook; Telegram sends it in x-telegram-bot-api-secret-token */
    TELEGRAM_WEBHOOK_SECRET: z.optional(z.string().check(z.regex(WEBHOOK_SECRET_PATTERN, '16-256 of A-Z a-z 0-9 _ -'))),
    /** or a Secrets Manager secret holding it (the string, or JSON {"webhookSecret": "..."}) */
    TELEGRAM_WEBHOOK_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
    /** the chats the bot obeys, comma-separated (a group's id is negative) */
    TELEGRAM_CHAT_IDS: chatIds,
    /**
     * the people the bot obeys, comma-separated user ids: a command counts only from an allowed
     * chat AND an allowed user, so another member of an allowed group cannot /flatten
     */
    TELEGRAM_USER_IDS: userIds,
    /** the bot's username, so that /cmd@otherbot in a group is left alone (optional) */
    TELEGRAM_BOT_USERNAME: z.optional(z.string().check(z.regex(/^@?[A-Za-z0-9_]{3,64}$/, 'a Telegram username'))),
    /** the Bot API base URL (default https://api.telegram.org): a local fake in tests */
    TELEGRAM_API_URL: z.optional(z.url()),
    /** per-call timeout towards the Bot API */
    TELEGRAM_TIMEOUT_MS: int(5_000),
    /** the stage's plans, JSON (docs/TENANCY.md "Plans and usage"): /resume of a live account takes a live slot */
    PLANS: z.optional(z.string()),
  })
  .check(
    z.superRefine((env, ctx) => {
      const one = (a: keyof typeof env, b: keyof typeof env) => {
        if (!env[a] === !env[b])
          ctx.issues.push({ code: 'custom', message: `set exactly one of ${a} and ${b}`, input: undefined, path: [a] });
      };
      one('TELEGRAM_BOT_TOKEN_SECRET_ARN', 'TELEGRAM_BOT_TOKEN');
      one('TELEGRAM_WEBHOOK_SECRET_ARN', 'TELEGRAM_WEBHOOK_SECRET');
    }),
  );

export type TelegramBotEnv = z.output<typeof telegramBotEnvSchema>;
