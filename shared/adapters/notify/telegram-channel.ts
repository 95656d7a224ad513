// Telegram as a notification channel: every message to every configured chat, as plain text (no
// parse mode, so `_`, `*` or `<` in symbols, ids and numbers are never taken for markup and never
// make Telegram refuse the message). Long texts are cut at line boundaries; a chart goes as a
// photo whose caption is the start of the text.
import type { NotificationChannel } from '../../core/notify/ports';
import { ChannelRateLimitedError, type Message } from '../../core/notify/types';
import type { TelegramBotClient } from './telegram-client';
import { InvalidArgumentError } from '../../core/errors';

/** Telegram's limits: message text and photo caption, in characters. */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;

export interface TelegramChannelOptions {
  client: TelegramBotClient;
  chatIds: string[];
}

/**
 * The longest start of `text` that fits in `max` characters, cut at the last line break that
 * fits (or else the last space in the second half, or else hard, never inside a surrogate pair),
 * and the remainder. The line break at the cut is dropped, as are blank lines around it.
 */
export function takeHead(text: string, max: number): [head: string, rest: string] {
  if (max < 2) throw new InvalidArgumentError(`takeHead: max must be at least 2, got ${max}`);
  if (text.length <= max) return [text, ''];
  let cut = text.lastIndexOf('\n', max);
  let skip = 1;
  if (cut <= 0) {
    cut = text.lastIndexOf(' ', max);
    if (cut < max / 2) {
      cut = isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
      skip = 0;
    }
  }
  return [text.slice(0, cut).replace(/\n+$/, ''), text.slice(cut + skip).replace(/^\n+/, '')];
}

/** `text` in parts of at most `max` characters, cut at line boundaries where possible, in order; blank parts left out. */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const [head, tail] = takeHead(rest, max);
    if (head.trim() !== '') parts.push(head);
    rest = tail;
  }
  return parts;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

export class TelegramChannel implements NotificationChannel {
  readonly name = 'telegram' as const;
  readonly maxTextLength = TELEGRAM_TEXT_LIMIT;
  private readonly client: TelegramBotClient;
  private readonly chatIds: readonly string[];

  constructor(options: TelegramChannelOptions) {
    if (options.chatIds.length === 0) throw new InvalidArgumentError('telegram: at least one chat id is required');
    this.client = options.client;
    this.chatIds = [...options.chatIds];
  }

  /**
   * Sends to the chats one after the other (Telegram's flood limits are per bot, so parallel sends
   * only earn 429s). A chat that refuses (the owner blocked the bot, a wrong id) does not keep the
   * others from getting the message; its error is thrown after them. Flood control beyond the
   * client's budget stops at once: the service said when to come back, and every chat would get
   * the same answer. A caller that retries resends to every chat (a message may then arrive twice).
   */
  async send(message: Message): Promise<void> {
    const steps = this.plan(message);
    const failures: unknown[] = [];
    for (const chatId of this.chatIds) {
      try {
        for (const step of steps) await step(chatId);
      } catch (error) {
        if (error instanceof ChannelRateLimitedError) throw error;
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1)
      throw new AggregateError(
        failures,
        `telegram: ${failures.length} of ${this.chatIds.length} chats failed; first: ${errorText(failures[0])}`,
      );
  }

  /** The calls that deliver the message to one chat, in order. */
  private plan(message: Message): Array<(chatId: string) => Promise<unknown>> {
    const steps: Array<(chatId: string) => Promise<unknown>> = [];
    let text = message.text;
    const attachment = message.attachment;
    if (attachment) {
      const [caption, rest] = takeHead(text, TELEGRAM_CAPTION_LIMIT);
      const photo = { filename: attachment.filename, contentType: attachment.contentType, data: attachment.data };
      steps.push((chatId) => this.client.sendPhoto(chatId, photo, caption.trim() === '' ? undefined : caption));
      text = rest;
    }
    for (const part of splitText(text, TELEGRAM_TEXT_LIMIT))
      steps.push((chatId) => this.client.sendMessage(chatId, part));
    // An empty message is a bug upstream; Telegram would answer "message text is empty" per chat.
    if (steps.length === 0) throw new InvalidArgumentError('telegram: nothing to send (empty text and no attachment)');
    return steps;
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
