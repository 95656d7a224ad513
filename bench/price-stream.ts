// Price-to-tick latency of the ccxt pro price stream against the local fakes (figures, not
// assertions): the fake's price is moved, and the time until CcxtPriceStream.next returns a tick
// with that price is measured, for the fake Binance (routed /market stream, miniTicker) and the fake
// Bybit (tickers.{symbol} deltas). This is the stream's share of the watcher's "within a second":
// websocket frame, ccxt's parse and our mapping, on this machine, over loopback.
// Run: node --import tsx bench/price-stream.ts [moves per exchange, default 200]
import { CcxtPriceStream } from '../shared/adapters/exchange/ccxt-price-stream';
import { startFakeBinance } from '../bin/local/fake-binance';
import { startFakeBybit } from '../bin/local/fake-bybit';

const MOVES = Number(process.argv[2] ?? 200);
const BTC = 'BTC/USDT:USDT';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function measure(
  name: string,
  fake: { url: string; wsUrl: string; setPrice(symbol: string, price: number): void; close(): Promise<void> },
  exchangeId: 'binanceusdm' | 'bybit',
  start: number,
): Promise<void> {
  const stream = new CcxtPriceStream({
    exchangeId,
    clock: { now: () => Date.now() },
    urls: { rest: fake.url, ws: fake.wsUrl },
  });
  await stream.next([BTC]);
  const ms: number[] = [];
  for (let i = 1; i <= MOVES; i++) {
    const price = start + i;
    const moved = performance.now();
    fake.setPrice('BTCUSDT', price);
    for (;;) {
      const ticks = await stream.next([BTC]);
      if (ticks.some((t) => t.last === price)) break;
    }
    ms.push(performance.now() - moved);
  }
  await stream.close();
  await fake.close();
  ms.sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(2).padStart(7);
  console.log(
    `${name.padEnd(12)} moves ${String(MOVES).padStart(4)}  p50 ${f(quantile(ms, 0.5))} ms  p95 ${f(quantile(ms, 0.95))} ms  p99 ${f(quantile(ms, 0.99))} ms  max ${f(ms[ms.length - 1] as number)} ms`,
  );
}

await measure('binanceusdm', await startFakeBinance({ accounts: [] }), 'binanceusdm', 60_000);
await measure('bybit', await startFakeBybit({ accounts: [] }), 'bybit', 60_000);
