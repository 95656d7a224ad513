// Reconnect delays: exponential from `initialMs` to `maxMs`, with "equal jitter" (half the step
// fixed, half random), so a fleet of watchers that lost the same exchange does not reconnect in
// step, and no delay is ever zero (a refused connection is not hammered). Reset by the watcher
// only after a connection stayed healthy a while (a flapping one keeps backing off).

export interface BackoffOptions {
  /** first delay's ceiling, ms (default 500) */
  initialMs?: number;
  /** largest delay, ms (default 30,000) */
  maxMs?: number;
  /** [0, 1) */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  readonly initialMs: number;
  readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt: in [ceiling/2, ceiling], the ceiling doubling per attempt up to maxMs. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
