// The local stack with a controllable paper price and price stream, in its own process (the
// stand-ins are ESM-only: jest cannot load the stack in-process). Run by local-stack.int.test.ts
// with `node --import tsx`. It prints one JSON line with the stack's discovery once ready, then
// obeys one command per stdin line, answering each with `ok <command>`:
//   price <n>   the paper price (the stream and the paper exchange read it; the tape keeps it)
//   drop        the stream's connection drops, and reconnects are refused
//   restore     reconnects are accepted again
//   stop        stops the stack and exits
import { createInterface } from 'node:readline';
import { startLocalStack } from '../../../bin/local/stack';
import { ReplayPriceStream } from '../../../shared/adapters/prices/replay-price-stream';
import { InvalidArgumentError, TransientError } from '../../../shared/core/errors';
import type { PriceQuote } from '../../../shared/core/ports/exchange';
import type { PriceSource } from '../../../shared/core/ports/paper';
import type { PriceCatchUp, PriceGap, PriceStream, PriceTick } from '../../../shared/core/ports/price-stream';

const BTC = 'BTC/USDT:USDT';

/**
 * The paper price with its history: the stack's paper exchange and the stream read it, and the
 * catch-up answers what it did during a gap (as an exchange's REST candles would).
 */
class TapePrices implements PriceSource, PriceCatchUp {
  private readonly tape: { at: number; price: number }[] = [];
  set(price: number): void {
    this.tape.push({ at: Date.now(), price });
  }
  async getPrice(symbol: string): Promise<PriceQuote> {
    const last = this.tape.at(-1);
    if (symbol !== BTC || !last) throw new InvalidArgumentError(`no price for ${symbol}`);
    return { symbol, last: last.price, timestamp: Date.now() };
  }
  async since(symbol: string, from: number): Promise<PriceGap | undefined> {
    const inGap = this.tape.filter((t) => t.at >= from).map((t) => t.price);
    if (symbol !== BTC || inGap.length === 0) return undefined;
    return { symbol, high: Math.max(...inGap), low: Math.min(...inGap), last: inGap.at(-1)!, from, to: Date.now() };
  }
}

/** The replay stream with a switch: dropped (a pending read rejects; reconnects refused) until restored. */
class DroppableStream implements PriceStream {
  readonly exchange = 'paper';
  private down = false;
  constructor(private readonly inner: ReplayPriceStream) {}
  async next(symbols: readonly string[]): Promise<PriceTick[]> {
    if (this.down) throw new TransientError('connect ECONNREFUSED');
    return this.inner.next(symbols);
  }
  async drop(): Promise<void> {
    this.down = true;
    await this.inner.close();
  }
  restore(): void {
    this.down = false;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

async function main(): Promise<void> {
  const prices = new TapePrices();
  prices.set(50_000);
  const stream = new DroppableStream(new ReplayPriceStream({ prices, intervalMs: 100 }));
  const stack = await startLocalStack({
    port: 0,
    dataDir: process.env.DATA_DIR as string,
    inMemory: true,
    prices,
    // the safety-net jobs held off: whatever moves a stop in this stack is the watcher
    paperTickMs: 3_600_000,
    riskCheckMs: 3_600_000,
    strategyTimeframes: [],
    notifications: false,
    exchange: false,
    watcher: { streamFor: (exchange) => (exchange === 'paper' ? { stream, catchUp: prices } : undefined) },
  });
  process.stdout.write(`${JSON.stringify(stack.discovery)}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, arg] = line.trim().split(/\s+/);
    if (command === 'price') prices.set(Number(arg));
    else if (command === 'drop') await stream.drop();
    else if (command === 'restore') stream.restore();
    else if (command === 'stop') {
      await stack.stop();
      process.stdout.write('ok stop\n');
      process.exit(0);
    }
    process.stdout.write(`ok ${command}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`stack child failed: ${String(error)}\n`);
  process.exit(1);
});
