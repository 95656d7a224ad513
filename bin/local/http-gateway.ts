// Plays API Gateway (HTTP API, payload 2.0) locally: turns requests into the same events the
// cloud sends, for the same handler. Routes: POST /webhook, POST /webhook/{account}, GET /health,
// POST /telegram (the Telegram bot) when its handler is given, ANY /api/v1/{proxy+} (the console
// API) behind a JWT authorizer as the cloud's, local stand-ins mounted under a prefix (the Cognito
// stand-in), and the console's static files (CloudFront's part) for any other GET.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

// API Gateway's own payload cap is 10 MB; the handler enforces the product's 8 KB cap itself.
const GATEWAY_BODY_CAP = 1024 * 1024;

export interface GatewayOptions {
  webhook: HttpHandler;
  /** functions/telegram-bot: POST /telegram (absent: 404) */
  telegram?: HttpHandler;
  /** false until every part of the stack is ready: /health answers 503 meanwhile */
  isReady: () => boolean;
  /** extra local-only routes (GET), e.g. the CLI's discovery document */
  localRoutes?: Record<string, () => unknown>;
  /**
   * The console API (ANY /api/v1/...): `authorize` plays API Gateway's JWT authorizer, given the
   * Authorization header; it returns the verified token's claims, or undefined for a 401 that
   * never reaches the handler (the cloud answers {"message":"Unauthorized"}).
   */
  api?: {
    handler: HttpHandler;
    authorize(authorization: string | undefined): Promise<Record<string, unknown> | undefined>;
  };
  /** local stand-ins answering every method under a path prefix (e.g. '/local-cognito') */
  mounts?: { prefix: string; handle(request: RawRequest): Promise<RawResponse> }[];
  /** the console's files for a GET no route above took (undefined: 404) */
  staticFiles?: (path: string) => RawResponse | undefined;
}

export interface RawRequest {
  method: string;
  /** the path below the mount's prefix, '/' at least */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
}

export interface RawResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export async function startGateway(
  options: GatewayOptions,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch(() => send(res, { statusCode: 500, body: '{"error":"internal"}' }));
  });
  // Longer than any client's idle keep-alive: Node's 5 s default raced clients (fetch/undici) that
  // reused a connection just as the server closed it ("other side closed"). API Gateway keeps
  // idle connections far longer too. Stopping the stack closes them all explicitly.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port}` };
}

async function handle(options: GatewayOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (req.method === 'GET' && path === '/health') {
    return send(
      res,
      options.isReady()
        ? { statusCode: 200, body: '{"status":"ok"}' }
        : { statusCode: 503, body: '{"status":"starting"}' },
    );
  }
  const local = req.method === 'GET' ? options.localRoutes?.[path] : undefined;
  if (local) return send(res, { statusCode: 200, body: JSON.stringify(local()) });

  if (path === '/telegram' && req.method === 'POST' && options.telegram)
    return telegram(options, options.telegram, req, res, url);

  if (options.api && (path === '/api/v1' || path.startsWith('/api/v1/')))
    return api(options, options.api, req, res, url);

  const mount = options.mounts?.find((m) => path === m.prefix || path.startsWith(`${m.prefix}/`));
  if (mount) {
    const body = await readBody(req);
    if (body === undefined) return send(res, { statusCode: 413, body: '{"error":"payload_too_large"}' });
    const answer = await mount.handle({
      method: req.method ?? 'GET',
      path: path.slice(mount.prefix.length) || '/',
      query: url.searchParams,
      headers: headersOf(req),
      body: body.toString('utf8'),
    });
    return sendRaw(res, answer);
  }

  if ((req.method === 'GET' || req.method === 'HEAD') && options.staticFiles && !path.startsWith('/webhook')) {
    const file = options.staticFiles(url.pathname);
    if (file) return sendRaw(res, req.method === 'HEAD' ? { ...file, body: '' } : file);
  }

  // POST /webhook, /webhook/{account}, /webhook/{account}/{secret} (the account's own URL)
  const match = /^\/webhook(?:\/([^/]+)(?:\/([^/]+))?)?$/.exec(path);
  if (!match || req.method !== 'POST') return send(res, { statusCode: 404, body: '{"error":"not_found"}' });
  if (!options.isReady()) return send(res, { statusCode: 503, body: '{"error":"starting"}' });

  const body = await readBody(req);
  if (body === undefined) return send(res, { statusCode: 413, body: '{"error":"payload_too_large"}' });
  const account = match[1] ? decodeURIComponent(match[1]) : undefined;
  const secret = match[2] ? decodeURIComponent(match[2]) : undefined;
  const event = toEvent(req, url, body, account, secret);
  const context = {
    functionName: 'webhook-local',
    awsRequestId: event.requestContext.requestId,
    getRemainingTimeInMillis: () => 5_000,
  } as unknown as Context;
  send(res, await options.webhook(event, context));
}

async function telegram(
  options: GatewayOptions,
  handler: HttpHandler,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (!options.isReady()) return send(res, { statusCode: 503, body: '{"error":"starting"}' });
  const body = await readBody(req);
  if (body === undefined) return send(res, { statusCode: 413, body: '{"error":"payload_too_large"}' });
  const base = toEvent(req, url, body, undefined);
  const event = {
    ...base,
    routeKey: 'POST /telegram',
    requestContext: { ...base.requestContext, routeKey: 'POST /telegram' },
  };
  const context = {
    functionName: 'telegram-bot-local',
    awsRequestId: event.requestContext.requestId,
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;
  send(res, await handler(event, context));
}

async function api(
  options: GatewayOptions,
  route: NonNullable<GatewayOptions['api']>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (!options.isReady()) return send(res, { statusCode: 503, body: '{"message":"Service Unavailable"}' });
  const headers = headersOf(req);
  // The JWT authorizer runs before the body is read and before the function is called.
  const claims = await route.authorize(headers.authorization).catch(() => undefined);
  if (!claims) return send(res, { statusCode: 401, body: '{"message":"Unauthorized"}' });
  const body = await readBody(req);
  if (body === undefined) return send(res, { statusCode: 413, body: '{"message":"Request Entity Too Large"}' });
  const base = toEvent(req, url, body, undefined);
  const method = req.method ?? 'GET';
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const proxy = url.pathname.replace(/^\/api\/v1\/?/, '');
  const event: APIGatewayProxyEventV2 = {
    ...base,
    routeKey: 'ANY /api/v1/{proxy+}',
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    pathParameters: { proxy },
    requestContext: {
      ...base.requestContext,
      routeKey: 'ANY /api/v1/{proxy+}',
      http: { ...base.requestContext.http, method },
      authorizer: { jwt: { claims: claims as Record<string, string>, scopes: null } },
    } as APIGatewayProxyEventV2['requestContext'],
  };
  const context = {
    functionName: 'console-api-local',
    awsRequestId: event.requestContext.requestId,
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;
  send(res, await route.handler(event, context));
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return headers;
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  account: string | undefined,
  secret?: string,
): APIGatewayProxyEventV2 {
  const routeKey = secret ? 'POST /webhook/{account}/{secret}' : account ? 'POST /webhook/{account}' : 'POST /webhook';
  const headers = headersOf(req);
  const now = Date.now();
  const requestId = `local-${now}-${Math.random().toString(36).slice(2, 8)}`;
  const text =
    /json|text|x-www-form-urlencoded/.test(headers['content-type'] ?? 'text/plain') || !headers['content-type'];
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: 'POST',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: normaliseIp(req.socket.remoteAddress ?? ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    ...(account ? { pathParameters: { account, ...(secret ? { secret } : {}) } } : {}),
    body: text ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !text,
  };
}

const normaliseIp = (ip: string): string => (ip.startsWith('::ffff:') ? ip.slice(7) : ip);

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_BODY_CAP) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendRaw(res: ServerResponse, answer: RawResponse): void {
  res.writeHead(answer.statusCode, answer.headers ?? {});
  res.end(answer.body);
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  res.writeHead(result.statusCode ?? 200, {
    'content-type': 'application/json',
    ...(result.headers as Record<string, string> | undefined),
  });
  res.end(result.body ?? '');
}
