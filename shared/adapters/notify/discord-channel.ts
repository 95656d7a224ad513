// A Discord channel through an incoming webhook: JSON posts of at most 2,000 characters, a chart
// as a multipart upload with the first part as its content. The webhook URL carries its own
// secret (anyone holding it may post), so it never goes into an error or a log line.
import { AdapterError, InvalidArgumentError } from '../../core/errors';
import type { NotificationChannel } from '../../core/notify/ports';
import { ChannelRateLimitedError, type Message } from '../../core/notify/types';
import { splitText } from './telegram-channel';
import { describeNetworkError } from './network-error';

/** Discord's limit on a message's content, in characters. */
export const DISCORD_TEXT_LIMIT = 2000;

export interface DiscordChannelOptions {
  webhookUrl: string;
  fetch?: typeof fetch;
  /** total time spent waiting on retry_after before giving up with ChannelRateLimitedError; default 5 s */
  maxRetryAfterMs?: number;
  /** per request; default 10 s */
  timeoutMs?: number;
  /** wait before the one retry of a 5xx or network failure; default 500 ms */
  retryDelayMs?: number;
  /** injectable for tests; default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** Discord refused a post (not a rate limit, which is ChannelRateLimitedError). */
export class DiscordWebhookError extends AdapterError {
  constructor(
    readonly status: number | undefined,
    /** Discord's JSON error code (10015 Unknown Webhook, 50035 Invalid Form Body, …) */
    readonly discordCode: number | undefined,
    readonly description: string,
  ) {
    // No status: the network failed (after one retry here); 5xx: Discord failed. A 4xx is this post refused.
    super(
      `discord webhook failed: ${status === undefined ? '' : `${status} `}${description}${discordCode === undefined ? '' : ` (code ${discordCode})`}`,
      'DISCORD_REFUSED',
      status === undefined || status >= 500,
    );
    this.name = 'DiscordWebhookError';
  }
}

type Attempt =
  | { kind: 'ok' }
  | { kind: 'limited'; retryAfterMs: number }
  | { kind: 'transient'; detail: string }
  | { kind: 'refused'; status: number; code?: number; description: string };

interface DiscordErrorBody {
  message?: string;
  code?: number;
  retry_after?: number;
  global?: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DiscordChannel implements NotificationChannel {
  readonly name = 'discord' as const;
  readonly maxTextLength = DISCORD_TEXT_LIMIT;
  private readonly url: string;
  private readonly fetchImpl: typeof fetch;
  private readonly maxRetryAfterMs: number;
  private readonly timeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: DiscordChannelOptions) {
    let url: URL;
    try {
      url = new URL(options.webhookUrl);
    } catch {
      // Not the value: it is a secret even when malformed.
      throw new InvalidArgumentError('discord: the webhook URL is not a valid URL');
    }
    // wait=true makes Discord create the message before answering, so the parts of a long text
    // arrive in order and a refusal is reported here rather than dropped.
    url.searchParams.set('wait', 'true');
    this.url = url.toString();
    this.fetchImpl = options.fetch ?? fetch;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async send(message: Message): Promise<void> {
    const parts = splitText(message.text, DISCORD_TEXT_LIMIT);
    const attachment = message.attachment;
    if (!attachment && parts.length === 0)
      throw new InvalidArgumentError('discord: nothing to send (empty text and no attachment)');
    if (attachment) {
      const content = parts.shift() ?? '';
      await this.post(() => {
        const form = new FormData();
        // FormData is fine here (unlike Telegram's caption): payload_json is JSON, whose line breaks
        // are escaped, so the HTML rule that rewrites them to CRLF has nothing to change.
        form.append(
          'payload_json',
          JSON.stringify({ ...payload(content), attachments: [{ id: 0, filename: attachment.filename }] }),
        );
        form.append('files[0]', new Blob([attachment.data], { type: attachment.contentType }), attachment.filename);
        return { body: form };
      });
    }
    for (const content of parts)
      await this.post(() => ({
        body: JSON.stringify(payload(content)),
        headers: { 'Content-Type': 'application/json' },
      }));
  }

  /** One post, with Discord's 429 honoured within the budget and one retry of a 5xx/network failure. */
  private async post(
    build: () => { body: NonNullable<RequestInit['body']>; headers?: Record<string, string> },
  ): Promise<void> {
    let waitedMs = 0;
    let transientRetried = false;
    for (;;) {
      const attempt = await this.attempt(build());
      switch (attempt.kind) {
        case 'ok':
          return;
        case 'limited':
          if (waitedMs + attempt.retryAfterMs > this.maxRetryAfterMs)
            throw new ChannelRateLimitedError('discord', attempt.retryAfterMs);
          await this.sleep(attempt.retryAfterMs);
          waitedMs += attempt.retryAfterMs;
          break;
        case 'transient':
          if (transientRetried) throw new DiscordWebhookError(undefined, undefined, attempt.detail);
          transientRetried = true;
          await this.sleep(this.retryDelayMs);
          break;
        case 'refused':
          throw new DiscordWebhookError(attempt.status, attempt.code, attempt.description);
      }
    }
  }

  private async attempt(request: {
    body: NonNullable<RequestInit['body']>;
    headers?: Record<string, string>;
  }): Promise<Attempt> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(this.url, {
        method: 'POST',
        ...request,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      // Only the error's name and code: undici's messages and causes can carry the address.
      return { kind: 'transient', detail: `network error (${describeNetworkError(error)})` };
    }
    if (response.ok) return { kind: 'ok' };
    const body = parseBody(text);
    if (response.status === 429) {
      // retry_after is in seconds with a fraction (0.347); the header is the fallback.
      const seconds = body?.retry_after ?? Number(response.headers.get('retry-after'));
      const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : 1000;
      return { kind: 'limited', retryAfterMs };
    }
    const description = body?.message ?? `HTTP ${response.status}`;
    if (response.status >= 500) return { kind: 'transient', detail: `${response.status} ${description}` };
    return { kind: 'refused', status: response.status, code: body?.code, description };
  }
}

/**
 * The JSON body of a post. allowed_mentions with nothing to parse: a symbol or a strategy name
 * that happens to read "@everyone" must not ping the server.
 */
function payload(content: string): Record<string, unknown> {
  return { content, allowed_mentions: { parse: [] } };
}

function parseBody(text: string): DiscordErrorBody | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as DiscordErrorBody) : undefined;
  } catch {
    return undefined;
  }
}
