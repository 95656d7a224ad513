// The replay as a websocket: a tick only when a price changed, a pending read rejected by close,
// a reconnect that sends every price again; the catch-up's extremes read from the replay's path.
import { FixedPriceSource } from '../../../../shared/adapters/prices/fixed-price-source';
import { ReplayPriceCatchUp, ReplayPriceStream } from '../../../../shared/adapters/prices/replay-price-stream';
import { ManualClock } from '../../core/fakes';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';

describe('ReplayPriceStream', () => {
  it('sends a symbol only when its price changed, the source’s price exactly', async () => {
    const clock = new ManualClock();
    const prices = new FixedPriceSource({ [BTC]: 50_000, [ETH]: 3_000 }, clock);
    const stream = new ReplayPriceStream({ prices, intervalMs: 1, clock });
    expect((await stream.next([BTC, ETH])).map((t) => [t.symbol, t.last, t.exchange])).toEqual([
      [BTC, 50_000, 'paper'],
      [ETH, 3_000, 'paper'],
    ]);
    prices.set(ETH, 3_001.5);
    expect((await stream.next([BTC, ETH])).map((t) => [t.symbol, t.last])).toEqual([[ETH, 3_001.5]]);
    await stream.close();
  });

  it('close rejects a pending read; the next read reconnects and sends every price again', async () => {
    const clock = new ManualClock();
    const prices = new FixedPriceSource({ [BTC]: 50_000 }, clock);
    const stream = new ReplayPriceStream({ prices, intervalMs: 1, clock });
    await stream.next([BTC]);
    const pending = stream.next([BTC]); // nothing changes: it waits
    await stream.close();
    await expect(pending).rejects.toThrow('closed');
    expect((await stream.next([BTC])).map((t) => t.last)).toEqual([50_000]);
    await stream.close();
  });
});

describe('ReplayPriceCatchUp', () => {
  it('reports the extremes and the last price of the path between the gap’s ends', async () => {
    const clock = new ManualClock(10_000);
    // a path: up to 120 at 4,000, down to 80 at 7,000, 100 at the end
    const path = (at: number) =>
      at <= 4_000 ? 100 + at / 200 : at <= 7_000 ? 120 - ((at - 4_000) * 40) / 3_000 : 80 + (at - 7_000) / 150;
    const catchUp = new ReplayPriceCatchUp({ priceAt: async (_s, at) => path(at), msPerCandle: 2_400 }, { clock });
    const gap = await catchUp.since(BTC, 1_000);
    expect(gap).toEqual({ symbol: BTC, high: 120, low: 80, last: path(10_000), from: 1_000, to: 10_000 });
    expect(await catchUp.since(BTC, 10_000)).toBeUndefined();
  });
});
