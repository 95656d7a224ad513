// A fake Telegram Bot API on 127.0.0.1 for tests and the local stack. It serves
// GET/POST /bot<token>/<method> for getMe, sendMessage, sendPhoto, answerCallbackQuery, setWebhook
// and getWebhookInfo with Telegram's answer shapes ({ok:true,result} / {ok:false,error_code,
// description[,parameters]}), takes parameters from the query string, JSON, url-encoded or
// multipart bodies as Telegram does, and checks the limits the notifier must respect (4,096
// characters of text, 1,024 of caption), so a test against it fails where Telegram would.
// Any token is accepted (and remembered); nothing is persisted.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  FakeTelegram,
  FakeTelegramCall,
  FakeTelegramFailure,
  FakeTelegramMessage,
  FakeTelegramOptions,
  TelegramUpdate,
} from './types';

/** The bot getMe describes. */
export const FAKE_BOT = {
  id: 100_000_001,
  is_bot: true,
  first_name: 'Fake Bot',
  username: 'fake_notify_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

interface Upload {
  filename: string;
  contentType: string;
  data: Uint8Array;
}
type Params = Record<string, string | Upload>;

interface Reply {
  status: number;
  body: unknown;
}

/** A Telegram refusal, thrown by a method handler. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}
const badRequest = (description: string) => new Refusal(400, `Bad Request: ${description}`);

const ok = (result: unknown): Reply => ({ status: 200, body: { ok: true, result } });

async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const params: Params = Object.fromEntries(url.searchParams);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return params;
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    // Telegram takes objects (reply_markup) as JSON text in the other encodings: normalise to that.
    for (const [k, v] of Object.entries(body)) params[k] = typeof v === 'string' ? v : JSON.stringify(v);
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
  } else if (type.startsWith('multipart/form-data')) {
    // undici's multipart parser, the one fetch uses, saves writing one here.
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    for (const [k, v] of form) {
      params[k] =
        typeof v === 'string'
          ? v
          : { filename: v.name, contentType: v.type, data: new Uint8Array(await v.arrayBuffer()) };
    }
  }
  return params;
}

const text = (params: Params, key: string): string | undefined => {
  const v = params[key];
  return typeof v === 'string' ? v : undefined;
};

function json(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
}

function failureReply(failure: FakeTelegramFailure): Reply {
  if ('retryAfter' in failure) {
    return {
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${failure.retryAfter}`,
        parameters: { retry_after: failure.retryAfter },
      },
    };
  }
  const status = failure.code >= 400 && failure.code <= 599 ? failure.code : 400;
  return { status, body: { ok: false, error_code: failure.code, description: failure.description } };
}

/** The call log's view of the parameters: uploads summarised, the webhook secret masked. */
function logged(params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    out[k] =
      typeof v === 'string'
        ? k === 'secret_token'
          ? '[redacted]'
          : v
        : { filename: v.filename, bytes: v.data.length, contentType: v.contentType };
  }
  return out;
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  let messages: FakeTelegramMessage[] = [];
  let calls: FakeTelegramCall[] = [];
  let failures: FakeTelegramFailure[] = [];
  let webhook: ReturnType<FakeTelegram['webhook']>;
  let lastToken: string | undefined;
  let nextMessageId = 1;
  let nextUpdateId = 1;

  const chatOf = (params: Params): string => {
    const chatId = text(params, 'chat_id');
    if (!chatId) throw badRequest('chat_id is empty');
    return chatId;
  };
  const messageResult = (chatId: string, at: number, extra: Record<string, unknown>) => ({
    message_id: nextMessageId,
    from: { id: FAKE_BOT.id, is_bot: true, first_name: FAKE_BOT.first_name, username: FAKE_BOT.username },
    chat: /^-?\d+$/.test(chatId)
      ? { id: Number(chatId), type: chatId.startsWith('-') ? 'supergroup' : 'private' }
      : { id: -1_000_000_000_001, type: 'channel', username: chatId.replace(/^@/, '') },
    date: Math.floor(at / 1000),
    ...extra,
  });

  const methods: Record<string, (params: Params, at: number) => unknown> = {
    getMe: () => FAKE_BOT,
    sendMessage(params, at) {
      const chatId = chatOf(params);
      const body = text(params, 'text') ?? '';
      if (body.trim() === '') throw badRequest('message text is empty');
      if (body.length > TEXT_LIMIT) throw badRequest('message is too long');
      const parseMode = text(params, 'parse_mode');
      if (parseMode !== undefined && !['HTML', 'Markdown', 'MarkdownV2'].includes(parseMode))
        throw badRequest(`unsupported parse_mode "${parseMode}"`);
      const replyMarkup = json(text(params, 'reply_markup'));
      const result = messageResult(chatId, at, { text: body });
      messages.push({
        method: 'sendMessage',
        chatId,
        messageId: nextMessageId++,
        text: body,
        parseMode,
        replyMarkup,
        at,
      });
      return result;
    },
    sendPhoto(params, at) {
      const chatId = chatOf(params);
      const photo = params.photo;
      // Only uploads: the notifier never sends a file_id or URL, and a string here is a bug.
      if (photo === undefined || typeof photo === 'string') throw badRequest('there is no photo in the request');
      if (photo.data.length === 0) throw badRequest('file must be non-empty');
      const caption = text(params, 'caption');
      if (caption !== undefined && caption.length > CAPTION_LIMIT) throw badRequest('message caption is too long');
      const replyMarkup = json(text(params, 'reply_markup'));
      const size = {
        file_id: `fake-photo-${nextMessageId}`,
        file_unique_id: `fp${nextMessageId}`,
        width: 800,
        height: 600,
        file_size: photo.data.length,
      };
      const result = messageResult(chatId, at, { photo: [size], ...(caption === undefined ? {} : { caption }) });
      messages.push({
        method: 'sendPhoto',
        chatId,
        messageId: nextMessageId++,
        caption,
        parseMode: text(params, 'parse_mode'),
        replyMarkup,
        photo: { filename: photo.filename, bytes: photo.data.length, contentType: photo.contentType, data: photo.data },
        at,
      });
      return result;
    },
    answerCallbackQuery(params) {
      if (!text(params, 'callback_query_id'))
        throw badRequest('query is too old and response timeout expired or query ID is invalid');
      return true;
    },
    setWebhook(params) {
      const url = text(params, 'url');
      // Telegram wants HTTPS; the fake also takes http:// so that a local bot can be reached.
      if (!url || !/^https?:\/\//.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
      const secretToken = text(params, 'secret_token');
      if (secretToken !== undefined && !SECRET_TOKEN.test(secretToken))
        throw badRequest('secret token contains unallowed characters');
      const allowed = json(text(params, 'allowed_updates'));
      webhook = { url, secretToken, allowedUpdates: Array.isArray(allowed) ? (allowed as string[]) : undefined };
      return true;
    },
    getWebhookInfo: () => ({
      url: webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: 0,
      allowed_updates: webhook?.allowedUpdates,
    }),
  };

  const answer = async (req: IncomingMessage, call: FakeTelegramCall): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!route || (req.method !== 'GET' && req.method !== 'POST'))
      return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    lastToken = decodeURIComponent(route[1] ?? '');
    call.method = route[2] ?? '';
    let params: Params;
    try {
      params = await readParams(req, url);
    } catch {
      return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: invalid request body' } };
    }
    call.params = logged(params);
    const failure = failures.shift();
    if (failure) return failureReply(failure);
    const handle = methods[call.method];
    if (!handle) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    try {
      return ok(handle(params, call.at));
    } catch (e) {
      if (e instanceof Refusal)
        return { status: e.status, body: { ok: false, error_code: e.status, description: e.description } };
      throw e;
    }
  };

  const send = (res: ServerResponse, call: FakeTelegramCall, reply: Reply) => {
    call.status = reply.status;
    if (res.destroyed) return;
    res.writeHead(reply.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  };

  const server = createServer((req, res) => {
    const call: FakeTelegramCall = { method: '', status: 0, params: {}, at: Date.now() };
    calls.push(call);
    answer(req, call)
      .catch((e: unknown) => ({
        status: 500,
        body: {
          ok: false,
          error_code: 500,
          description: `Internal Server Error: fake-telegram ${e instanceof Error ? e.message : String(e)}`,
        },
      }))
      .then((reply) => send(res, call, reply));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get token() {
      return lastToken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    messages: () => messages.map((m) => ({ ...m, photo: m.photo && { ...m.photo, data: m.photo.data.slice() } })),
    calls: () => calls.filter((c) => c.method !== '').map((c) => ({ ...c, params: { ...c.params } })),
    webhook: () => webhook && { ...webhook },
    failNext(n, failure) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`fake-telegram: failNext needs a count >= 0, got ${n}`);
      for (let i = 0; i < n; i++) failures.push(failure);
    },
    clear() {
      messages = [];
      calls = [];
      failures = [];
      webhook = undefined;
    },
    async sendUpdate(webhookUrl, update: TelegramUpdate, secretToken) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (secretToken !== undefined) headers['X-Telegram-Bot-Api-Secret-Token'] = secretToken;
      const body = JSON.stringify({ update_id: nextUpdateId++, ...update });
      const response = await fetch(webhookUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      return { status: response.status, body: await response.text() };
    },
  };
}
