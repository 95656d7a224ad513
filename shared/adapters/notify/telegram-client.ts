// A small Telegram Bot API client over global fetch: the methods the notifier and the bot's
// webhook need (and getMe, to check a token), Telegram's flood control honoured in place (within
// a budget), one retry for 5xx/network failures. The bot token is part of every URL path
// (/bot<token>/<method>), so no URL ever goes into an error or a log line; error texts are
// scrubbed of the token as well, in case Telegram or the network stack ever echoes it.
import { randomUUID } from 'node:crypto';
import { AdapterError, InvalidArgumentError } from '../../core/errors';
import { ChannelRateLimitedError } from '../../core/notify/types';
import { describeNetworkError } from './network-error';

export interface TelegramBotClientOptions {
  token: string;
  /** default https://api.telegram.org (the local fake in tests and `npm start`) */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** per request; default 10 s (a photo upload included) */
  timeoutMs?: number;
  /** total time spent waiting on retry_after before giving up with ChannelRateLimitedError; default 5 s */
  maxRetryAfterMs?: number;
  /** wait before the one retry of a 5xx or network failure; default 500 ms */
  retryDelayMs?: number;
  /** injectable for tests; default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

export interface TelegramChat {
  id: number | string;
  type?: string;
}

/** The part of Telegram's Message object callers use. */
export interface TelegramMessage {
  message_id: number;
  date: number;
  chat: TelegramChat;
  text?: string;
  caption?: string;
}

export interface TelegramUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
}

export interface SendMessageOptions {
  /** an InlineKeyboardMarkup (or other markup) object; sent as JSON */
  replyMarkup?: unknown;
  /** absent = plain text, which the notifier wants: `_` or `*` in ids and numbers stay literal */
  parseMode?: 'HTML';
}

export interface TelegramPhoto {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** Telegram refused a call (not flood control, which is ChannelRateLimitedError). */
export class TelegramApiError extends AdapterError {
  constructor(
    readonly method: string,
    /** Telegram's error_code, or the HTTP status when the answer was not Telegram's JSON */
    readonly errorCode: number | undefined,
    readonly description: string,
  ) {
    // No code: the network failed (after one retry here); 5xx: Telegram failed. A 4xx is this call refused.
    super(
      `telegram ${method} failed: ${errorCode === undefined ? '' : `${errorCode} `}${description}`,
      'TELEGRAM_REFUSED',
      errorCode === undefined || errorCode >= 500,
    );
    this.name = 'TelegramApiError';
  }
}

interface TelegramReply<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

type Body = { kind: 'json'; value: Record<string, unknown> } | { kind: 'multipart'; body: Blob; contentType: string };

/** What one HTTP attempt came to. */
type Attempt<T> =
  | { kind: 'ok'; result: T }
  | { kind: 'flood'; retryAfterMs: number }
  | { kind: 'transient'; detail: string }
  | { kind: 'refused'; errorCode: number | undefined; description: string };

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class TelegramBotClient {
  private readonly token: string;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly retryDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: TelegramBotClientOptions) {
    if (!options.token) throw new InvalidArgumentError('telegram: a bot token is required');
    this.token = options.token;
    this.baseUrl = (options.baseUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 5_000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.sleep = options.sleep ?? defaultSleep;
  }

  getMe(): Promise<TelegramUser> {
    return this.call<TelegramUser>('getMe', { kind: 'json', value: {} });
  }

  sendMessage(chatId: string | number, text: string, options: SendMessageOptions = {}): Promise<TelegramMessage> {
    const value: Record<string, unknown> = { chat_id: chatId, text };
    if (options.parseMode) value.parse_mode = options.parseMode;
    if (options.replyMarkup !== undefined) value.reply_markup = options.replyMarkup;
    return this.call<TelegramMessage>('sendMessage', { kind: 'json', value });
  }

  sendPhoto(chatId: string | number, photo: TelegramPhoto, caption?: string): Promise<TelegramMessage> {
    const fields: Record<string, string> = { chat_id: String(chatId) };
    if (caption) fields.caption = caption;
    return this.call<TelegramMessage>('sendPhoto', { kind: 'multipart', ...multipart(fields, 'photo', photo) });
  }

  answerCallbackQuery(callbackQueryId: string, text?: string): Promise<true> {
    const value: Record<string, unknown> = { callback_query_id: callbackQueryId };
    if (text !== undefined) value.text = text;
    return this.call<true>('answerCallbackQuery', { kind: 'json', value });
  }

  /**
   * Points Telegram at the bot's webhook. Telegram then sends `secretToken` in the
   * X-Telegram-Bot-Api-Secret-Token header of every update, which the webhook checks. Only the
   * update types the bot handles are asked for.
   */
  async setWebhook(url: string, secretToken: string): Promise<true> {
    // Checked before any request so that a bad value fails with the rule, locally; the value
    // itself is a secret and stays out of the message.
    if (!SECRET_TOKEN.test(secretToken))
      throw new InvalidArgumentError(
        'telegram setWebhook: the secret token must be 1-256 characters of A-Z, a-z, 0-9, _ and -',
      );
    return this.call<true>('setWebhook', {
      kind: 'json',
      value: { url, secret_token: secretToken, allowed_updates: ['message', 'callback_query'] },
    });
  }

  private async call<T>(method: string, body: Body): Promise<T> {
    let waitedMs = 0;
    let transientRetried = false;
    for (;;) {
      const attempt = await this.attempt<T>(method, body);
      switch (attempt.kind) {
        case 'ok':
          return attempt.result;
        case 'flood':
          // The whole budget counts, not each wait: a caller (a Lambda with a timeout) must know
          // the longest it can be held here.
          if (waitedMs + attempt.retryAfterMs > this.maxRetryAfterMs)
            throw new ChannelRateLimitedError('telegram', attempt.retryAfterMs);
          await this.sleep(attempt.retryAfterMs);
          waitedMs += attempt.retryAfterMs;
          break;
        case 'transient':
          if (transientRetried) throw new TelegramApiError(method, undefined, this.scrub(attempt.detail));
          transientRetried = true;
          await this.sleep(this.retryDelayMs);
          break;
        case 'refused':
          throw new TelegramApiError(method, attempt.errorCode, this.scrub(attempt.description));
      }
    }
  }

  private async attempt<T>(method: string, body: Body): Promise<Attempt<T>> {
    const init: RequestInit =
      body.kind === 'json'
        ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body.value) }
        : { method: 'POST', headers: { 'Content-Type': body.contentType }, body: body.body };
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(`${this.baseUrl}/bot${this.token}/${method}`, {
        ...init,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      // Only the error's name and code: undici's messages and causes can carry the address.
      return { kind: 'transient', detail: `network error (${describeNetworkError(error)})` };
    }
    const reply = parseReply<T>(text);
    if (reply?.ok === true) return { kind: 'ok', result: reply.result as T };
    const errorCode = reply?.error_code ?? response.status;
    if (errorCode === 429 || response.status === 429) {
      const seconds = reply?.parameters?.retry_after;
      // No or zero retry_after would make the budget loop spin; a second is Telegram's smallest unit.
      const retryAfterMs = typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds * 1000) : 1000;
      return { kind: 'flood', retryAfterMs };
    }
    // A group upgraded to a supergroup has a new id: say it, so the owner can fix the config.
    const migrated = reply?.parameters?.migrate_to_chat_id;
    const description =
      (reply?.description ?? `HTTP ${response.status}`) +
      (migrated === undefined ? '' : ` (migrate_to_chat_id ${migrated})`);
    if (response.status >= 500 || errorCode >= 500) return { kind: 'transient', detail: `${errorCode} ${description}` };
    return { kind: 'refused', errorCode, description };
  }

  private scrub(text: string): string {
    return text.split(this.token).join('[redacted]');
  }
}

/**
 * A multipart/form-data body with text fields and one file. Not FormData: fetch serialises
 * FormData by the HTML rules, which turn every line break of a text field into CRLF; a caption
 * would then reach Telegram changed and one character longer per line (its 1,024 limit counts
 * them). A Blob of the parts is sent as it is, and can be sent again on a retry.
 */
function multipart(
  fields: Record<string, string>,
  fileField: string,
  file: TelegramPhoto,
): { body: Blob; contentType: string } {
  const boundary = `----notify${randomUUID().replace(/-/g, '')}`;
  const parts: Array<string | Uint8Array> = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`, value, '\r\n');
  }
  // Quotes and line breaks in a file name would end the header early: escaped as browsers do.
  const filename = file.filename.replace(/"/g, '%22').replace(/[\r\n]/g, ' ');
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
    file.data,
    `\r\n--${boundary}--\r\n`,
  );
  return { body: new Blob(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

function parseReply<T>(text: string): TelegramReply<T> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && 'ok' in value ? (value as TelegramReply<T>) : undefined;
  } catch {
    return undefined;
  }
}
