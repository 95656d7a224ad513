// Shared by the websocket stream tests: a fresh fake exchange and a ccxt pro stream routed to it for
// each test, read a stream until a tick satisfies a condition (prices arrive on the fake's timer, so
// the tick a test waits for may come a few pushes later), and the rejection of a promise.
import type { CcxtExchangeId } from '../../../shared/adapters/exchange/ccxt-lib';
import { CcxtPriceStream } from '../../../shared/adapters/exchange/ccxt-price-stream';
import type { PriceStream, PriceTick } from '../../../shared/core/ports/price-stream';

export const BTC = 'BTC/USDT:USDT';
export const ETH = 'ETH/USDT:USDT';
/** every tick's receipt time: the stream's clock is fixed */
export const NOW = 1_796_000_000_000;
export const clock = { now: () => NOW };

/** What a fake exchange offers the stream: its REST and websocket addresses. */
interface FakeHost {
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

/**
 * Before each test: the fake started and a CcxtPriceStream of `exchangeId` routed to it; after each,
 * both closed. The returned object holds the current test's pair.
 */
export function freshStream<F extends FakeHost>(
  exchangeId: CcxtExchangeId,
  start: () => Promise<F>,
): { fake: F; stream: CcxtPriceStream } {
  const current = {} as { fake: F; stream: CcxtPriceStream };
  beforeEach(async () => {
    current.fake = await start();
    current.stream = new CcxtPriceStream({
      exchangeId,
      clock,
      urls: { rest: current.fake.url, ws: current.fake.wsUrl },
    });
  });
  afterEach(async () => {
    await current.stream.close();
    await current.fake.close();
  });
  return current;
}

/** Calls `next` until a tick matches; fails after `maxCalls` calls without one. */
export async function nextUntil(
  stream: PriceStream,
  symbols: readonly string[],
  match: (tick: PriceTick) => boolean,
  maxCalls = 40,
): Promise<PriceTick> {
  const seen: PriceTick[] = [];
  for (let i = 0; i < maxCalls; i++) {
    const ticks = await stream.next(symbols);
    const hit = ticks.find(match);
    if (hit) return hit;
    seen.push(...ticks);
  }
  throw new Error(`no matching tick in ${maxCalls} calls; last seen: ${JSON.stringify(seen.slice(-3))}`);
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}
