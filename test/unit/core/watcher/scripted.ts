// A scripted websocket for the watcher's tests (no network): each `next` takes the next step —
// ticks, a drop (rejects), or silence (never answers until closed) — and records what it was asked.
// The sleep advances a manual clock instead of waiting, unless the caller woke it first.
import type { PriceGap, PriceTick } from '../../../../shared/core/ports/price-stream';
import type { PriceCatchUp, PriceStream } from '../../../../shared/core/watcher/ports';
import { WatchSnapshot, type ExchangeWatch } from '../../../../shared/core/watcher/watch-list';
import type { ManualClock } from '../fakes';

export type Step = { ticks: Array<[symbol: string, last: number]> } | { drop: string } | 'silence';

export class ScriptedStream implements PriceStream {
  readonly exchange = 'paper';
  readonly asked: string[][] = [];
  closes = 0;
  private pendingReject: ((error: Error) => void) | undefined;

  constructor(
    private readonly steps: Step[],
    private readonly clock: ManualClock,
    /** called when the script has run out (the test stops the watcher there) */
    private readonly onEnd: () => void,
  ) {}

  next(symbols: readonly string[]): Promise<PriceTick[]> {
    this.asked.push([...symbols]);
    const step = this.steps.shift();
    if (step === undefined) {
      this.onEnd();
      return new Promise((_, reject) => (this.pendingReject = reject));
    }
    if (step === 'silence') return new Promise((_, reject) => (this.pendingReject = reject));
    if ('drop' in step) return Promise.reject(new Error(step.drop));
    const now = this.clock.now();
    return Promise.resolve(
      step.ticks.map(([symbol, last]) => ({ symbol, last, timestamp: now, exchange: 'paper', receivedAt: now })),
    );
  }

  async close(): Promise<void> {
    this.closes++;
    this.pendingReject?.(new Error('closed'));
    this.pendingReject = undefined;
  }
}

export class ScriptedCatchUp implements PriceCatchUp {
  readonly asked: Array<{ symbol: string; from: number }> = [];
  constructor(
    private readonly gaps: Record<string, Omit<PriceGap, 'symbol' | 'from' | 'to'>>,
    private readonly clock: ManualClock,
  ) {}
  async since(symbol: string, from: number): Promise<PriceGap | undefined> {
    this.asked.push({ symbol, from });
    const gap = this.gaps[symbol];
    return gap && { symbol, ...gap, from, to: this.clock.now() };
  }
}

/** Virtual time: the clock moves by the wait, unless the waiter is woken first. Every wait is recorded. */
export function virtualSleep(clock: ManualClock, waits: number[]) {
  return (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      waits.push(ms);
      if (signal?.aborted) return resolve();
      const timer = setImmediate(() => {
        signal?.removeEventListener('abort', wake);
        clock.advance(ms);
        resolve();
      });
      const wake = () => {
        clearImmediate(timer);
        resolve();
      };
      signal?.addEventListener('abort', wake, { once: true });
    });
}

/** A watch list that always names the same watch for `paper`. */
export const fixedWatch = (clock: ManualClock, watch: ExchangeWatch) => ({
  current: async () => new WatchSnapshot(clock.now(), new Map([['paper', watch]])),
});
