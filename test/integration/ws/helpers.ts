// Shared by the websocket stream tests: read a stream until a tick satisfies a condition (prices
// arrive on the fake's timer, so the tick a test waits for may come a few pushes later), and the
// rejection of a promise.
import type { PriceStream, PriceTick } from '../../../shared/core/ports/price-stream';

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
