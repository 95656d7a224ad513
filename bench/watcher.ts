// The price watcher's figure for `npm run bench` (bench/spine.ts): price → emulated trailing stop
// moved, on the local stack in this process. A paper long with a 1 % trail is opened through the
// webhook; then the paper price is raised N times (each a new best, so each moves the stop), and
// for each move two spans are taken from the watcher's own move report:
//   tickToMove:  the tick received by the watcher → the stop moved (new stop placed, old one
//                cancelled, the book and the trailing mark written): what a websocket tick costs;
//   priceToMove: the price set → the stop moved, the replay stream's read interval included (a
//                local stand-in for the exchange's push: ccxt pro delivers as the exchange sends).
// The paper tick and the risk check are held off, so every move is the watcher's.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../bin/local/stack';
import { FixedPriceSource } from '../shared/adapters/prices/fixed-price-source';
import type { TrailMove } from '../shared/core/watcher/trailing-stops';
import { BTC, openTrailedLong, until } from '../test/integration/watcher/trailed-long';
import { percentile, progress, round } from './stats';

export interface WatcherFigures {
  tickToMove: { p50: number; p95: number };
  priceToMove: { p50: number; p95: number };
  /** the replay stream's read interval, ms (part of priceToMove, not of tickToMove) */
  replayIntervalMs: number;
  n: number;
}

export async function watcherLatency(moves = Number(process.env.BENCH_WATCHER_MOVES ?? 50)): Promise<WatcherFigures> {
  const prices = new FixedPriceSource({ [BTC]: 50_000 });
  const reported: TrailMove[] = [];
  const stack = await startLocalStack({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'tvat-bench-watcher-')),
    inMemory: true,
    prices,
    paperTickMs: 3_600_000,
    riskCheckMs: 3_600_000,
    strategyTimeframes: [],
    notifications: false,
    exchange: false,
    watcher: { onMoved: (move) => reported.push(move) },
  });
  try {
    await openTrailedLong(stack.discovery, { name: 'bench-watcher', balance: 1_000_000, alertId: 'bw-1' });
    // the watch list (read every 3 s) has the position once a first move is reported
    const tickToMove: number[] = [];
    const priceToMove: number[] = [];
    let price = 50_000;
    for (let i = 0; i < moves + 1; i++) {
      price = Math.round(price * 1.004 * 10) / 10; // +0.4 %: a new best, a stop 0.4 % higher
      const setAt = Date.now();
      const seen = reported.length;
      prices.set(BTC, price);
      // polled every 5 ms: the spans come from the move report's own times, the poll only finds it
      await until(
        async () => reported.length,
        (n) => n > seen,
        i === 0 ? 30_000 : 10_000,
        5,
      );
      const move = reported[reported.length - 1] as TrailMove;
      if (i > 0) {
        // the first move waits for the watch list to name the position: not a tick's cost
        tickToMove.push(move.movedAt - move.tickAt);
        priceToMove.push(move.movedAt - setAt);
      }
      progress('watcher: price → stop moved', i + 1, moves + 1);
    }
    return {
      tickToMove: { p50: round(percentile(tickToMove, 50)), p95: round(percentile(tickToMove, 95)) },
      priceToMove: { p50: round(percentile(priceToMove, 50)), p95: round(percentile(priceToMove, 95)) },
      replayIntervalMs: 250,
      n: tickToMove.length,
    };
  } finally {
    await stack.stop();
  }
}

// `node --import tsx bench/watcher.ts`: this figure alone.
if (process.argv[1]?.endsWith('watcher.ts')) {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const figures = await watcherLatency();
  console.log(JSON.stringify({ bench: 'watcher', node: process.version, priceToStopMoveMs: figures }));
  process.exit(0);
}
