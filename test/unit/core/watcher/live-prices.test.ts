// Live prices for the console: at most one write per market and interval, the newest tick kept for
// the next due write, keyed by the accounts' exchange id.
import type { PriceTick } from '../../../../shared/core/ports/price-stream';
import { LivePrices } from '../../../../shared/core/watcher/live-prices';
import { ManualClock } from '../fakes';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';

test('one write per market per second, carrying the newest tick, under the watcher’s exchange id', async () => {
  const clock = new ManualClock();
  const puts: string[][] = [];
  const live = new LivePrices({
    store: { put: async (ticks) => void puts.push(ticks.map((t) => `${t.exchange} ${t.symbol} ${t.last}`)) },
    clock,
  });
  const tick = (symbol: string, last: number): PriceTick => ({
    symbol,
    last,
    timestamp: clock.now(),
    exchange: 'binanceusdm',
    receivedAt: clock.now(),
  });
  await live.onTicks('paper', [tick(BTC, 1), tick(ETH, 10)]);
  clock.advance(300);
  await live.onTicks('paper', [tick(BTC, 2)]);
  clock.advance(300);
  await live.onTicks('paper', [tick(BTC, 3)]);
  clock.advance(500); // 1.1 s after the first write
  await live.onTicks('paper', [tick(ETH, 11)]);
  expect(puts).toEqual([
    ['paper BTC/USDT:USDT 1', 'paper ETH/USDT:USDT 10'],
    ['paper BTC/USDT:USDT 3', 'paper ETH/USDT:USDT 11'],
  ]);
});
