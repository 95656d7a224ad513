// The cloud paper price source against a local server speaking Binance USDⓈ-M's public ticker
// endpoints: real fetch, real parsing, timeouts and errors as transient.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BinancePublicPriceSource } from '../../shared/adapters/prices/binance-public-price-source';
import { TransientError } from '../../shared/core/errors';

let server: Server;
let base: string;
const seen: string[] = [];
let mode: 'ok' | 'error' | 'slow' = 'ok';

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    if (mode === 'error') return void res.writeHead(503).end('{}');
    if (mode === 'slow') return void setTimeout(() => res.end('{}'), 500);
    const url = new URL(req.url ?? '/', 'http://x');
    const symbol = url.searchParams.get('symbol');
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/fapi/v1/ticker/bookTicker')
      return void res.end(
        JSON.stringify({ symbol, bidPrice: '64999.90', askPrice: '65000.10', time: 1_700_000_000_123 }),
      );
    if (url.pathname === '/fapi/v1/ticker/price')
      return void res.end(JSON.stringify({ symbol, price: '65000.00', time: 1_700_000_000_100 }));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  mode = 'ok';
  seen.length = 0;
});

test('asks for the exchange market id and returns last, bid and ask', async () => {
  const quote = await new BinancePublicPriceSource({ baseUrl: base }).getPrice('BTC/USDT:USDT');

  expect(quote).toEqual({
    symbol: 'BTC/USDT:USDT',
    last: 65000,
    bid: 64999.9,
    ask: 65000.1,
    timestamp: 1_700_000_000_100,
  });
  expect(seen.sort()).toEqual(['/fapi/v1/ticker/bookTicker?symbol=BTCUSDT', '/fapi/v1/ticker/price?symbol=BTCUSDT']);
});

test('a 5xx answer is a transient error (the executor retries the message)', async () => {
  mode = 'error';
  await expect(new BinancePublicPriceSource({ baseUrl: base }).getPrice('ETH/USDT:USDT')).rejects.toBeInstanceOf(
    TransientError,
  );
});

test('a slow answer times out as a transient error', async () => {
  mode = 'slow';
  await expect(
    new BinancePublicPriceSource({ baseUrl: base, timeoutMs: 100 }).getPrice('ETH/USDT:USDT'),
  ).rejects.toThrow(/price request failed/);
});
