// The watcher's loop in virtual time over a scripted stream: what it asks for, what the handlers
// get and in which order, how it backs off after drops, what a silent connection costs, and the
// gap it reads before going live again.
import { Backoff } from '../../../../shared/core/watcher/backoff';
import type { PriceGap, PriceTick } from '../../../../shared/core/ports/price-stream';
import { PriceWatcher, type TickHandler, type WatcherEvent } from '../../../../shared/core/watcher/price-watcher';
import type { ExchangeWatch } from '../../../../shared/core/watcher/watch-list';
import { ManualClock } from '../fakes';
import { ScriptedCatchUp, ScriptedStream, fixedWatch, virtualSleep, type Step } from './scripted';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const WATCH: ExchangeWatch = { symbols: [BTC, ETH], positions: new Map(), paperOrders: new Map() };

/** Every call a handler gets, in order. */
class Recorder implements TickHandler {
  readonly name = 'recorder';
  readonly seen: string[] = [];
  async onTicks(_exchange: string, ticks: readonly PriceTick[]) {
    this.seen.push(ticks.map((t) => `${t.symbol}@${t.last}`).join(','));
  }
  async onGap(_exchange: string, gap: PriceGap) {
    this.seen.push(`gap ${gap.symbol} ${gap.low}-${gap.high}`);
  }
}

function setup(
  steps: Step[],
  options: {
    heartbeatMs?: number;
    gaps?: ConstructorParameters<typeof ScriptedCatchUp>[0];
    handlers?: TickHandler[];
  } = {},
) {
  const clock = new ManualClock();
  const waits: number[] = [];
  const events: WatcherEvent[] = [];
  const recorder = new Recorder();
  let watcher: PriceWatcher | undefined = undefined;
  const stream = new ScriptedStream(steps, clock, () => void watcher?.stop());
  const catchUp = new ScriptedCatchUp(options.gaps ?? {}, clock);
  watcher = new PriceWatcher({
    exchange: 'paper',
    stream,
    catchUp,
    watchList: fixedWatch(clock, WATCH),
    handlers: options.handlers ?? [recorder],
    clock,
    sleep: virtualSleep(clock, waits),
    heartbeatMs: options.heartbeatMs ?? 30_000,
    // random = 1: each delay is its ceiling, so the sequence is exact
    backoff: { initialMs: 500, maxMs: 30_000, random: () => 0.999999 },
    onEvent: (e) => events.push(e),
  });
  return { clock, waits, events, recorder, stream, catchUp, watcher };
}

const reconnectWaits = (events: WatcherEvent[]) =>
  events.flatMap((e) => (e.kind === 'dropped' || e.kind === 'silent' ? [e.retryInMs] : []));

describe('PriceWatcher', () => {
  it('asks the stream for the watched symbols and hands every batch to the handlers in order', async () => {
    const { recorder, stream, watcher } = setup([
      { ticks: [[BTC, 50_000]] },
      {
        ticks: [
          [ETH, 3_000],
          [BTC, 50_010],
        ],
      },
    ]);
    await watcher.run();
    expect(stream.asked[0]).toEqual([BTC, ETH]);
    expect(recorder.seen).toEqual([`${BTC}@50000`, `${ETH}@3000,${BTC}@50010`]);
    expect(watcher.stats).toMatchObject({ batches: 2, ticks: 3, drops: 0 });
  });

  it('reconnects after drops with a doubling, capped delay, and reads the gap before the next live tick', async () => {
    const drops: Step[] = Array.from({ length: 8 }, (_, i) => ({ drop: `socket closed ${i}` }));
    const { recorder, events, catchUp, watcher } = setup(
      [{ ticks: [[BTC, 50_000]] }, ...drops, { ticks: [[BTC, 50_100]] }],
      {
        gaps: { [BTC]: { high: 51_000, low: 49_500, last: 50_100 } },
      },
    );
    await watcher.run();
    expect(reconnectWaits(events)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    // one catch-up per symbol after the reconnect that delivered, from its last tick (ETH: since watching began)
    expect(catchUp.asked.map((a) => a.symbol)).toEqual([BTC, ETH]);
    expect(recorder.seen).toEqual([`${BTC}@50000`, `gap ${BTC} 49500-51000`, `${BTC}@50100`]);
    expect(events.filter((e) => e.kind === 'dropped')).toHaveLength(8);
  });

  it('keeps backing off while a connection flaps, and starts again from the first delay after a healthy minute', async () => {
    const tick = (last: number): Step => ({ ticks: [[BTC, last]] });
    const steps: Step[] = [tick(1), { drop: 'a' }, tick(2), { drop: 'b' }, tick(3)];
    // the connection that delivered 3 lives a minute (the clock moved by hand) before 4 and the drop c
    const clockMover: TickHandler = {
      name: 'clock',
      onTicks: async (_e, ticks) => {
        if (ticks[0]?.last === 3) clock.advance(61_000);
      },
    };
    const { events, watcher, clock } = setup([...steps, tick(4), { drop: 'c' }, tick(5)], { handlers: [clockMover] });
    await watcher.run();
    // a, b back off 500 then 1000 (the connection between them lived no time); c comes after a healthy minute: 500 again
    expect(reconnectWaits(events)).toEqual([500, 1_000, 500]);
  });

  it('treats a connection silent for the heartbeat as dropped: closes it, reconnects and catches up', async () => {
    const { recorder, events, stream, catchUp, clock, watcher } = setup(
      [{ ticks: [[BTC, 50_000]] }, 'silence', { ticks: [[BTC, 49_000]] }],
      { heartbeatMs: 20_000, gaps: { [BTC]: { high: 50_200, low: 48_800, last: 49_000 } } },
    );
    const started = clock.now();
    await watcher.run();
    expect(events[0]).toMatchObject({ kind: 'silent', heartbeatMs: 20_000, retryInMs: 500 });
    expect(stream.closes).toBeGreaterThanOrEqual(1);
    expect(catchUp.asked[0]).toEqual({ symbol: BTC, from: started });
    expect(recorder.seen).toEqual([`${BTC}@50000`, `gap ${BTC} 48800-50200`, `${BTC}@49000`]);
    expect(watcher.stats.silences).toBe(1);
  });

  it('a handler that fails is reported and the others still get the ticks; the loop goes on', async () => {
    const failing: TickHandler = {
      name: 'broken',
      onTicks: () => Promise.reject(new Error('table unavailable')),
    };
    const recorder = new Recorder();
    const { events, watcher } = setup([{ ticks: [[BTC, 1]] }, { ticks: [[BTC, 2]] }], {
      handlers: [failing, recorder],
    });
    await watcher.run();
    expect(recorder.seen).toEqual([`${BTC}@1`, `${BTC}@2`]);
    expect(events.filter((e) => e.kind === 'handler-failed')).toEqual([
      { kind: 'handler-failed', exchange: 'paper', handler: 'broken', error: 'table unavailable' },
      { kind: 'handler-failed', exchange: 'paper', handler: 'broken', error: 'table unavailable' },
    ]);
  });
});

describe('Backoff', () => {
  it('stays within [ceiling/2, ceiling] and never exceeds the maximum', () => {
    const low = new Backoff({ initialMs: 500, maxMs: 30_000, random: () => 0 });
    expect(Array.from({ length: 8 }, () => low.next())).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
    low.reset();
    expect(low.next()).toBe(250);
  });
});
