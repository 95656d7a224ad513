// The ccxt pro price stream against the fake Binance's websocket: unmodified ccxt (only its URLs
// moved to the fake) subscribes, receives the fake's prices as they move, surfaces a dropped
// connection and a refused subscription, and reconnects on the next call.
import { DomainError } from '../../../shared/core/errors';
import { CcxtPriceCatchUp } from '../../../shared/adapters/exchange/ccxt-price-catch-up';
import { startFakeBinance } from '../../../bin/local/fake-binance';
import { BTC, clock, ETH, freshStream, nextUntil, NOW, rejectionOf } from './helpers';

const rig = freshStream('binanceusdm', () => startFakeBinance({ accounts: [] }));

test('ticks arrive over the routed market stream and follow the fake price', async () => {
  const first = await rig.stream.next([BTC]);
  expect(first).toEqual([
    expect.objectContaining({ symbol: BTC, last: 65_000, exchange: 'binanceusdm', receivedAt: NOW }),
  ]);
  // ccxt asked the documented routed endpoint with a documented SUBSCRIBE body
  expect(rig.fake.streams.received().map((t) => JSON.parse(t) as unknown)).toEqual([
    { method: 'SUBSCRIBE', params: ['btcusdt@miniTicker'], id: 1 },
  ]);

  rig.fake.setPrice('BTCUSDT', 66_123.4);
  const moved = await nextUntil(rig.stream, [BTC], (t) => t.last === 66_123.4);
  expect(moved.timestamp).toBeGreaterThan(0);

  rig.fake.setPrice('BTCUSDT', 64_000.1);
  await nextUntil(rig.stream, [BTC], (t) => t.last === 64_000.1);
});

test('several markets: each tick names its own symbol and price', async () => {
  rig.fake.setPrice('ETHUSDT', 3_210.55);
  const seen = new Map<string, number>();
  for (let i = 0; i < 20 && seen.size < 2; i++) {
    for (const t of await rig.stream.next([BTC, ETH])) seen.set(t.symbol, t.last);
  }
  expect(Object.fromEntries(seen)).toEqual({ [BTC]: 65_000, [ETH]: 3_210.55 });
});

test('a server-side drop rejects the pending call as retryable, and the next call reconnects and resubscribes', async () => {
  await rig.stream.next([BTC]);
  expect(rig.fake.streams.connections()).toBe(1);

  // silent: the pending call cannot be answered before the drop reaches it
  rig.fake.streams.silence(true);
  const pending = rig.stream.next([BTC]);
  rig.fake.streams.drop('terminate');
  const error = await rejectionOf(pending);
  rig.fake.streams.silence(false);
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).retryable).toBe(true);
  expect(error.message).toMatch(/binanceusdm watch tickers failed: .*connection closed by remote server/);

  rig.fake.setPrice('BTCUSDT', 67_000);
  await nextUntil(rig.stream, [BTC], (t) => t.last === 67_000);
  expect(rig.fake.streams.accepted()).toBe(2);
  const subscribes = rig.fake.streams.received().filter((t) => t.includes('SUBSCRIBE'));
  expect(subscribes).toHaveLength(2);
});

test('a close frame from the server is a drop too', async () => {
  await rig.stream.next([BTC]);
  rig.fake.streams.silence(true);
  const pending = rig.stream.next([BTC]);
  rig.fake.streams.drop('close');
  const error = await rejectionOf(pending);
  rig.fake.streams.silence(false);
  expect((error as DomainError).retryable).toBe(true);
  expect(error.message).toMatch(/closing code 1001/);
  expect((await rig.stream.next([BTC]))[0]?.symbol).toBe(BTC);
});

test('a refused subscription is a clear, non-retryable error naming the exchange answer; the next call subscribes again', async () => {
  rig.fake.streams.refuseSubscriptions(1);
  const error = await rejectionOf(rig.stream.next([BTC]));
  expect(error).toBeInstanceOf(DomainError);
  expect(error).toMatchObject({ code: 'STREAM_REFUSED', retryable: false });
  expect(error.message).toBe(
    'binanceusdm price stream refused: binanceusdm watch tickers failed (2): Invalid request: invalid stream',
  );

  const ticks = await rig.stream.next([BTC]);
  expect(ticks[0]).toMatchObject({ symbol: BTC, last: 65_000 });
});

test('an unlisted symbol is refused by name before anything is subscribed', async () => {
  const error = await rejectionOf(rig.stream.next(['DOGE/USDT:USDT']));
  expect(error).toMatchObject({ code: 'UNKNOWN_SYMBOL', retryable: false });
  expect(error.message).toContain('does not list DOGE/USDT:USDT');
  expect(rig.fake.streams.received()).toEqual([]);
});

test('close() rejects a pending call and later calls', async () => {
  await rig.stream.next([BTC]);
  rig.fake.streams.silence(true);
  const pending = rig.stream.next([BTC]);
  await rig.stream.close();
  expect(await rejectionOf(pending)).toMatchObject({ code: 'STREAM_CLOSED' });
  expect(await rejectionOf(rig.stream.next([BTC]))).toMatchObject({ code: 'STREAM_CLOSED' });
  expect(rig.fake.streams.connections()).toBe(0);
});

test('catch-up: the one-minute candles since the gap give its extremes and last price', async () => {
  const minute = 60_000;
  const t0 = NOW - 5 * minute;
  rig.fake.setCandles('BTCUSDT', '1m', [
    [t0 - minute, 64_000, 69_000, 60_000, 64_100, 1],
    [t0, 64_100, 64_900, 63_800, 64_500, 1],
    [t0 + minute, 64_500, 66_200, 64_400, 66_000, 1],
    [t0 + 2 * minute, 66_000, 66_050, 65_100, 65_200, 1],
  ]);
  const catchUp = new CcxtPriceCatchUp({ exchangeId: 'binanceusdm', clock, restUrl: rig.fake.url });

  const gap = await catchUp.since(BTC, t0 + 10_000);

  // the candle before the gap (its 69 000 high) is not read: since = the gap's minute
  expect(gap).toEqual({ symbol: BTC, high: 66_200, low: 63_800, last: 65_200, from: t0 + 10_000, to: t0 + 3 * minute });
  expect(rig.fake.requests().filter((r) => r.path === '/fapi/v1/klines')).toHaveLength(1);
});

test('catch-up: no candles since the gap → undefined', async () => {
  const catchUp = new CcxtPriceCatchUp({ exchangeId: 'binanceusdm', clock, restUrl: rig.fake.url });
  expect(await catchUp.since(BTC, NOW - 60_000)).toBeUndefined();
});
