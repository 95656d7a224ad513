// The ccxt pro price stream against the fake Bybit's public linear websocket. Bybit is an exchange
// whose trailing stops are emulated, so these ticks are what moves them: snapshot then deltas, the
// client's ping answered, a drop and a refused topic surfaced, a reconnect on the next call.
import { DomainError } from '../../../shared/core/errors';
import { startFakeBybit } from '../../../bin/local/fake-bybit';
import { BTC, ETH, freshStream, nextUntil, NOW, rejectionOf } from './helpers';

const rig = freshStream('bybit', () => startFakeBybit({ accounts: [] }));

test('a snapshot, then deltas merged by ccxt: last, bid and ask follow the fake price', async () => {
  const [first] = await rig.stream.next([BTC]);
  expect(first).toEqual({
    symbol: BTC,
    last: 60_000,
    bid: 59_999.9,
    ask: 60_000,
    timestamp: expect.any(Number),
    exchange: 'bybit',
    receivedAt: NOW,
  });
  expect(rig.fake.streams.received().map((t) => JSON.parse(t) as Record<string, unknown>)).toEqual([
    { op: 'subscribe', req_id: 1, args: ['tickers.BTCUSDT'] },
  ]);

  rig.fake.setPrice('BTCUSDT', '61234.5');
  const moved = await nextUntil(rig.stream, [BTC], (t) => t.last === 61_234.5);
  expect(moved).toMatchObject({ bid: 61_234.4, ask: 61_234.5 });
});

test('two markets on one connection: each tick names its own symbol', async () => {
  rig.fake.setPrice('ETHUSDT', '3100.25');
  const seen = new Map<string, number>();
  for (let i = 0; i < 20 && seen.size < 2; i++) {
    for (const t of await rig.stream.next([BTC, ETH])) seen.set(t.symbol, t.last);
  }
  expect(Object.fromEntries(seen)).toEqual({ [BTC]: 60_000, [ETH]: 3_100.25 });
  expect(rig.fake.streams.accepted()).toBe(1);
});

test('a server-side drop rejects as retryable; the next call reconnects, resubscribes and gets a fresh snapshot', async () => {
  await rig.stream.next([BTC]);
  rig.fake.streams.silence(true);
  const pending = rig.stream.next([BTC]);
  rig.fake.streams.drop('terminate');
  const error = await rejectionOf(pending);
  rig.fake.streams.silence(false);
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).retryable).toBe(true);

  rig.fake.setPrice('BTCUSDT', '59000');
  await nextUntil(rig.stream, [BTC], (t) => t.last === 59_000);
  expect(rig.fake.streams.accepted()).toBe(2);
  expect(rig.fake.streams.received().filter((t) => t.includes('"subscribe"'))).toHaveLength(2);
});

test("a refused topic is a clear, non-retryable error with Bybit's answer; the next call subscribes again", async () => {
  rig.fake.streams.refuseSubscriptions(1);
  const error = await rejectionOf(rig.stream.next([BTC]));
  expect(error).toMatchObject({ code: 'STREAM_REFUSED', retryable: false });
  expect(error.message).toContain('error:handler not found,topic:tickers.BTCUSDT');

  expect((await rig.stream.next([BTC]))[0]).toMatchObject({ symbol: BTC, last: 60_000 });
});
