// The HTTP shell every fake exchange shares: reads the request, lets the exchange answer it, holds
// answers a fault delays (timeouts), and logs method, path and status only (never headers or bodies:
// they carry keys and signatures).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawRequest {
  method: string;
  url: URL;
  /** The path and query exactly as sent (what exchanges sign). */
  target: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Hold the answer this long before sending it (timeout faults). */
  delayMs?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** 0 when the client went away before the answer (a timeout). */
  status: number;
  at: number;
  ms?: number;
}

export interface JsonServer {
  url: string;
  /** the node server, for a fake that also serves websockets on its port (streams.ts) */
  server: Server;
  close(): Promise<void>;
  requests(): RequestLogEntry[];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startJsonServer(
  answer: (req: RawRequest) => Promise<Reply>,
  onCrash: (e: unknown) => Reply,
  port = 0,
): Promise<JsonServer> {
  const log: RequestLogEntry[] = [];
  const held = new Set<NodeJS.Timeout>();

  const send = (res: ServerResponse, reply: Reply) => {
    if (res.destroyed) return;
    res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  };

  const server = createServer((req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const url = new URL(target, 'http://127.0.0.1');
    const entry: RequestLogEntry = { method, path: url.pathname, at: Date.now(), status: 0 };
    log.push(entry);
    const arrived = performance.now();
    res.on('finish', () => {
      entry.ms = performance.now() - arrived;
    });
    res.on('close', () => {
      entry.status = res.writableFinished ? res.statusCode : 0;
    });
    readBody(req)
      .then((body) => answer({ method, url, target, headers: req.headers, body }))
      .catch(onCrash)
      .then((reply) => {
        if (reply.delayMs === undefined) return send(res, reply);
        const timer = setTimeout(() => {
          held.delete(timer);
          send(res, reply);
        }, reply.delayMs);
        held.add(timer);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    requests: () => log.map((e) => ({ ...e })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of held) clearTimeout(timer);
        held.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
