// The ccxt pro price stream against the fake Bybit's public linear websocket. Bybit is an exchange
// whose trailing stops are emulated, so these ticks are what moves them: snapshot then deltas, the
// client's ping answered, a drop and a refused topic surfaced, a reconnect on the next call.
import { DomainError } from '../../../shared/core/errors';
import { CcxtPriceStream } from '../../../shared/adapters/exchange/ccxt-price-stream';
import { startFakeBybit, type FakeBybit } from '../../../bin/local/fake-bybit';
import { nextUntil, rejectionOf } from './helpers';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const NOW = 1_796_000_000_000;

let fake: FakeBybit;
let stream: CcxtPriceStream;
const clock = { now: () => NOW };

beforeEach(async () => {
  fake = await startFakeBybit({ accounts: [] });
  stream = new CcxtPriceStream({ exchangeId: 'bybit', clock, urls: { rest: fake.url, ws: fake.wsUrl } });
});
afterEach(async () => {
  await stream.close();
  await fake.close();
});

test('a snapshot, then deltas merged by ccxt: last, bid and ask follow the fake price', async () => {
  const [first] = await stream.next([BTC]);
  expect(first).toEqual({
    symbol: BTC,
    last: 60_000,
    bid: 59_999.9,
    ask: 60_000,
    timestamp: expect.any(Number),
    exchange: 'bybit',
    receivedAt: NOW,
  });
  expect(fake.streams.received().map((t) => JSON.parse(t) as Record<string, unknown>)).toEqual([
    { op: 'subscribe', req_id: 1, args: ['tickers.BTCUSDT'] },
  ]);

  fake.setPrice('BTCUSDT', '61234.5');
  const moved = await nextUntil(stream, [BTC], (t) => t.last === 61_234.5);
  expect(moved).toMatchObject({ bid: 61_234.4, ask: 61_234.5 });
});

test('two markets on one connection: each tick names its own symbol', async () => {
  fake.setPrice('ETHUSDT', '3100.25');
  const seen = new Map<string, number>();
  for (let i = 0; i < 20 && seen.size < 2; i++) {
    for (const t of await stream.next([BTC, ETH])) seen.set(t.symbol, t.last);
  }
  expect(Object.fromEntries(seen)).toEqual({ [BTC]: 60_000, [ETH]: 3_100.25 });
  expect(fake.streams.accepted()).toBe(1);
});

test('a server-side drop rejects as retryable; the next call reconnects, resubscribes and gets a fresh snapshot', async () => {
  await stream.next([BTC]);
  fake.streams.silence(true);
  const pending = stream.next([BTC]);
  fake.streams.drop('terminate');
  const error = await rejectionOf(pending);
  fake.streams.silence(false);
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).retryable).toBe(true);

  fake.setPrice('BTCUSDT', '59000');
  await nextUntil(stream, [BTC], (t) => t.last === 59_000);
  expect(fake.streams.accepted()).toBe(2);
  expect(fake.streams.received().filter((t) => t.includes('"subscribe"'))).toHaveLength(2);
});

test("a refused topic is a clear, non-retryable error with Bybit's answer; the next call subscribes again", async () => {
  fake.streams.refuseSubscriptions(1);
  const error = await rejectionOf(stream.next([BTC]));
  expect(error).toMatchObject({ code: 'STREAM_REFUSED', retryable: false });
  expect(error.message).toContain('error:handler not found,topic:tickers.BTCUSDT');

  expect((await stream.next([BTC]))[0]).toMatchObject({ symbol: BTC, last: 60_000 });
});
