// The websocket shell the fake exchanges share: upgrades on the fake's own HTTP port, one
// subscription set per connection, pushes on every price move and on a timer, the server-side
// ping frames of the documented keep-alive, and the faults the watcher must survive (a dropped
// connection, silence, a refused subscription). The exchange's own protocol (subscribe bodies,
// acknowledgements, event bodies) is a StreamProtocol in the exchange's folder.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** One client connection as the protocol sees it. */
export interface StreamConnection {
  /** the upgrade path (`/market/ws/0`, `/v5/public/linear`) */
  readonly path: string;
  /** the exchange's stream or topic names this connection subscribed to */
  readonly topics: Set<string>;
  /** per-connection memory of the protocol (Bybit: what the last push said, for deltas) */
  readonly memory: Map<string, unknown>;
  send(body: unknown): void;
}

export interface StreamProtocol {
  /** whether an upgrade on this path is served (others are refused with 404) */
  accepts(path: string): boolean;
  /** one text frame from the client; `refuse` is true when a scripted refusal is due */
  onMessage(conn: StreamConnection, text: string, refuse: () => boolean): void;
  /** the events due to this connection now: for every topic, or only those of `symbol` when its price moved */
  pushes(conn: StreamConnection, symbol?: string): unknown[];
}

export interface StreamOptions {
  /** periodic push of every subscribed topic, ms (default 250) */
  pushIntervalMs?: number;
  /** server ping frames, ms (Binance: every 3 minutes); 0 = none */
  pingIntervalMs?: number;
  /** a connection that sent no pong frame this long is closed, ms (Binance: 10 minutes) */
  pongTimeoutMs?: number;
}

/** Fault injection and counts for tests. */
export interface StreamControls {
  /** every open connection is dropped: `close` sends a close frame (1001), `terminate` cuts the socket */
  drop(how?: 'close' | 'terminate'): void;
  /** true: no event is pushed (acknowledgements and pongs still are); false: pushes resume */
  silence(on: boolean): void;
  /** the next `times` subscription requests are refused with the exchange's error body */
  refuseSubscriptions(times?: number): void;
  /** open connections now */
  connections(): number;
  /** connections accepted since start (a reconnect counts one more) */
  accepted(): number;
  /** every text frame clients sent, oldest first (subscription bodies; public data, no secrets) */
  received(): string[];
}

export interface StreamHub {
  controls: StreamControls;
  /** a market's price changed: push its topics at once */
  priceMoved(symbol: string): void;
  close(): void;
}

interface Client extends StreamConnection {
  socket: WebSocket;
  lastPong: number;
}

export function attachStreams(server: Server, protocol: StreamProtocol, opts: StreamOptions = {}): StreamHub {
  const wss = new WebSocketServer({ noServer: true });
  const clients = new Set<Client>();
  const received: string[] = [];
  let silent = false;
  let refusals = 0;
  let accepted = 0;

  const push = (client: Client, symbol?: string) => {
    if (silent || client.topics.size === 0) return;
    for (const event of protocol.pushes(client, symbol)) client.send(event);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (!protocol.accepts(path)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (socketWs) => {
      accepted++;
      const client: Client = {
        path,
        topics: new Set(),
        memory: new Map(),
        socket: socketWs,
        lastPong: Date.now(),
        send(body) {
          if (socketWs.readyState === 1) socketWs.send(JSON.stringify(body));
        },
      };
      clients.add(client);
      socketWs.on('pong', () => {
        client.lastPong = Date.now();
      });
      socketWs.on('message', (data) => {
        const text = data.toString('utf8');
        received.push(text);
        protocol.onMessage(client, text, () => {
          if (refusals <= 0) return false;
          refusals--;
          return true;
        });
      });
      socketWs.on('close', () => clients.delete(client));
      socketWs.on('error', () => clients.delete(client));
    });
  };
  server.on('upgrade', onUpgrade);

  const pushTimer = setInterval(() => {
    for (const client of clients) push(client);
  }, opts.pushIntervalMs ?? 250);
  pushTimer.unref();

  const pingEvery = opts.pingIntervalMs ?? 0;
  const pongTimeout = opts.pongTimeoutMs ?? Number.POSITIVE_INFINITY;
  const pingTimer =
    pingEvery > 0
      ? setInterval(() => {
          const now = Date.now();
          for (const client of clients) {
            if (now - client.lastPong > pongTimeout) client.socket.terminate();
            else client.socket.ping();
          }
        }, pingEvery)
      : undefined;
  pingTimer?.unref();

  return {
    priceMoved(symbol) {
      for (const client of clients) push(client, symbol);
    },
    close() {
      clearInterval(pushTimer);
      if (pingTimer) clearInterval(pingTimer);
      server.off('upgrade', onUpgrade);
      for (const client of clients) client.socket.terminate();
      clients.clear();
      wss.close();
    },
    controls: {
      drop(how = 'terminate') {
        for (const client of [...clients]) {
          if (how === 'close') client.socket.close(1001, 'fake exchange: connection dropped');
          else client.socket.terminate();
        }
      },
      silence(on) {
        silent = on;
      },
      refuseSubscriptions(times = 1) {
        refusals = times;
      },
      connections: () => clients.size,
      accepted: () => accepted,
      received: () => [...received],
    },
  };
}
