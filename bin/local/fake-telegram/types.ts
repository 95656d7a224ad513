// The public shapes of the fake Telegram Bot API: what it records, the failures it can be told to
// answer with, and the handle startFakeTelegram returns.

export interface FakeTelegramOptions {
  /** 0 = random (default). */
  port?: number;
}

/** A message the bot delivered to a chat (sendMessage, sendPhoto); refused calls are not here. */
export interface FakeTelegramMessage {
  method: 'sendMessage' | 'sendPhoto';
  /** as the bot sent it (Telegram takes numbers and @channel names) */
  chatId: string;
  /** the id the fake answered with, increasing from 1 */
  messageId: number;
  text?: string;
  caption?: string;
  /** absent when the bot sent plain text */
  parseMode?: string;
  photo?: { filename: string; bytes: number; contentType: string; data: Uint8Array };
  /** parsed from JSON whichever way it came */
  replyMarkup?: unknown;
  /** epoch ms when the request arrived */
  at: number;
}

/** Every request to /bot<token>/<method>, answered or refused, in order of arrival. */
export interface FakeTelegramCall {
  method: string;
  /** HTTP status of the answer (200, or the scripted/validation failure) */
  status: number;
  /** the request's parameters; uploads as {filename, bytes, contentType}, secret_token masked */
  params: Record<string, unknown>;
  /** epoch ms when the request arrived */
  at: number;
}

/** What the next requests are refused with: flood control (retryAfter in seconds) or any other error. */
export type FakeTelegramFailure = { code: 429; retryAfter: number } | { code: number; description: string };

/** An Update as Telegram posts it to a webhook; update_id is filled in when missing. */
export type TelegramUpdate = Record<string, unknown>;

export interface FakeTelegram {
  /** base URL to give the bot client (its baseUrl): requests go to <url>/bot<token>/<method> */
  url: string;
  /** the token of the last request (any token is accepted) */
  readonly token: string | undefined;
  close(): Promise<void>;
  messages(): FakeTelegramMessage[];
  calls(): FakeTelegramCall[];
  /** what the last setWebhook registered */
  webhook(): { url: string; secretToken?: string; allowedUpdates?: string[] } | undefined;
  /** the next `n` requests, whatever their method, are refused with `failure` */
  failNext(n: number, failure: FakeTelegramFailure): void;
  /** forgets messages, calls, pending failures and the webhook */
  clear(): void;
  /** POSTs `update` to a bot's webhook as Telegram does (JSON, X-Telegram-Bot-Api-Secret-Token) */
  sendUpdate(
    webhookUrl: string,
    update: TelegramUpdate,
    secretToken?: string,
  ): Promise<{ status: number; body: string }>;
}
