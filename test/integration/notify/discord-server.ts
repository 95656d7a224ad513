// A tiny stand-in for Discord's webhook endpoint (POST /api/webhooks/<id>/<token>): records each
// post (JSON or multipart, parsed) with its arrival time and answers 200 with a message object,
// or the scripted replies first (429 with retry_after, 4xx/5xx with Discord's error JSON).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DiscordPost {
  path: string;
  query: Record<string, string>;
  contentType: string;
  /** the JSON body, or the parsed payload_json of a multipart post */
  payload: Record<string, unknown>;
  files: Array<{ field: string; filename: string; contentType: string; data: Uint8Array }>;
  status: number;
  at: number;
}

export interface ScriptedReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeDiscord {
  /** a webhook URL of this server (its last segment is the webhook's secret token) */
  webhookUrl: string;
  posts(): DiscordPost[];
  /** the next posts are answered with these, in order */
  reply(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export const DISCORD_WEBHOOK_TOKEN = 'dIsCoRd-webhook-secret_do_not_leak_0123456789';

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeDiscord(): Promise<FakeDiscord> {
  const posts: DiscordPost[] = [];
  const script: ScriptedReply[] = [];
  let nextId = 1;

  const server = createServer((req, res) => {
    const at = Date.now();
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const contentType = req.headers['content-type'] ?? '';
      const raw = await read(req);
      const post: DiscordPost = {
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        contentType,
        payload: {},
        files: [],
        status: 0,
        at,
      };
      if (contentType.startsWith('application/json')) {
        post.payload = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } else if (contentType.startsWith('multipart/form-data')) {
        const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
        for (const [field, value] of form) {
          if (typeof value === 'string') {
            if (field === 'payload_json') post.payload = JSON.parse(value) as Record<string, unknown>;
          } else {
            post.files.push({
              field,
              filename: value.name,
              contentType: value.type,
              data: new Uint8Array(await value.arrayBuffer()),
            });
          }
        }
      }
      const scripted = script.shift();
      const reply: ScriptedReply = scripted ?? {
        status: 200,
        body: { id: String(nextId++), type: 0, content: post.payload.content ?? '' },
      };
      post.status = reply.status;
      posts.push(post);
      res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    webhookUrl: `http://127.0.0.1:${port}/api/webhooks/1234567890/${DISCORD_WEBHOOK_TOKEN}`,
    posts: () => [...posts],
    reply: (...replies) => void script.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
