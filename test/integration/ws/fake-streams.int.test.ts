// The fakes' websocket endpoints as a plain client sees them: the documented control answers, the
// keep-alive (Binance's server ping frames and the drop of a client that never answers them) and
// the silence fault a watcher's heartbeat check is tested with. Frames on one socket arrive in
// order, so "nothing before the answer" is read from the order, not from a clock.
import { WebSocket } from 'ws';
import { startFakeBinance, type FakeBinance } from '../../../bin/local/fake-binance';
import { startFakeBybit } from '../../../bin/local/fake-bybit';

interface Client {
  socket: WebSocket;
  frames: Record<string, unknown>[];
  /** resolves with the frames received up to and including the first that matches */
  until(match: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>[]>;
  send(body: unknown): void;
  closed: Promise<number>;
}

function connect(url: string, options: { autoPong?: boolean } = {}): Promise<Client> {
  const socket = new WebSocket(url, options);
  const frames: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    frames.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  const client: Client = {
    socket,
    frames,
    closed,
    send: (body) => socket.send(JSON.stringify(body)),
    until(match) {
      return new Promise((resolve) => {
        const check = () => {
          const at = frames.findIndex(match);
          if (at >= 0) resolve(frames.splice(0, at + 1));
          else waiters.push(check);
        };
        check();
      });
    },
  };
  return new Promise((resolve, reject) => {
    socket.on('open', () => resolve(client));
    socket.on('error', reject);
  });
}

describe('fake Binance streams', () => {
  let fake: FakeBinance;
  afterEach(() => fake.close());

  test('LIST_SUBSCRIPTIONS, an unknown method and a non-integer id get the documented answers', async () => {
    fake = await startFakeBinance({ accounts: [] });
    const c = await connect(`${fake.wsUrl}/market/ws`);
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@markPrice@1s'], id: 1 });
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 3 });
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@ticker'], id: 'x' });
    const answers = await c.until((f) => f.id === null);
    expect(answers.filter((f) => !('e' in f))).toEqual([
      { result: null, id: 1 },
      { result: ['btcusdt@markPrice@1s'], id: 3 },
      { error: { code: 2, msg: 'Invalid request: request ID must be an unsigned integer' }, id: null },
    ]);
    c.socket.close();
  });

  test('a path the exchange does not serve is refused at the upgrade', async () => {
    fake = await startFakeBinance({ accounts: [] });
    await expect(connect(`${fake.wsUrl}/fapi/v1/ticker`)).rejects.toThrow(/404/);
  });

  test('silence: a price move pushes nothing until pushes resume; acknowledgements still come', async () => {
    fake = await startFakeBinance({ accounts: [], streams: { pushIntervalMs: 3_600_000 } });
    const c = await connect(`${fake.wsUrl}/market/ws`);
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@miniTicker'], id: 1 });
    await c.until((f) => f.id === 1);

    fake.streams.silence(true);
    fake.setPrice('BTCUSDT', 61_000);
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
    expect(await c.until((f) => f.id === 2)).toEqual([{ result: ['btcusdt@miniTicker'], id: 2 }]);

    fake.streams.silence(false);
    fake.setPrice('BTCUSDT', 61_500);
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 3 });
    const after = await c.until((f) => f.id === 3);
    expect(after[0]).toMatchObject({ e: '24hrMiniTicker', s: 'BTCUSDT', c: '61500.0' });
    c.socket.close();
  });

  test('the server pings; a client that answers stays, one that never answers is dropped', async () => {
    fake = await startFakeBinance({ accounts: [], streams: { pingIntervalMs: 100, pongTimeoutMs: 1_000 } });
    const answering = await connect(`${fake.wsUrl}/ws`);
    let pings = 0;
    answering.socket.on('ping', () => pings++);
    const mute = await connect(`${fake.wsUrl}/ws`, { autoPong: false });

    expect(await mute.closed).toBe(1006);
    expect(pings).toBeGreaterThan(0);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    answering.socket.close();
  });
});

describe('fake Bybit stream', () => {
  test('ping gets the linear pong with the request id; an unknown op gets the error body ccxt quotes', async () => {
    const fake = await startFakeBybit({ accounts: [] });
    try {
      const c = await connect(`${fake.wsUrl}/v5/public/linear`);
      c.send({ req_id: '100001', op: 'ping' });
      c.send({ op: 'dance', args: [] });
      const [pong, invalid] = await c.until((f) => f.success === false);
      expect(pong).toEqual({
        success: true,
        ret_msg: 'pong',
        conn_id: expect.any(String),
        req_id: '100001',
        op: 'ping',
      });
      expect(invalid).toEqual({
        success: false,
        ret_msg: 'error:invalid op',
        conn_id: pong?.conn_id,
        request: { op: 'dance', args: [] },
      });
      c.socket.close();
    } finally {
      await fake.close();
    }
  });
});
