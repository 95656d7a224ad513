// How fast `npm start` replays its hourly candle files: REPLAY_MS_PER_CANDLE wall-clock
// milliseconds per candle (default 5000: a replayed day passes in two minutes). Checked before
// anything starts, so a typo is one line naming the variable and its bounds, not a stack trace.

export const DEFAULT_REPLAY_MS_PER_CANDLE = 5_000;
/** Faster than this, the 2 s paper tick and the 5 s risk check would skip whole candles. */
export const MIN_REPLAY_MS_PER_CANDLE = 500;
/** One hour per hourly candle: real time. */
export const MAX_REPLAY_MS_PER_CANDLE = 3_600_000;

export class ReplaySpeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplaySpeedError';
  }
}

/** REPLAY_MS_PER_CANDLE from the environment: unset or empty → the default; anything else must be in bounds. */
export function replayMsPerCandleFrom(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.REPLAY_MS_PER_CANDLE?.trim();
  if (!raw) return DEFAULT_REPLAY_MS_PER_CANDLE;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < MIN_REPLAY_MS_PER_CANDLE || value > MAX_REPLAY_MS_PER_CANDLE)
    throw new ReplaySpeedError(
      `REPLAY_MS_PER_CANDLE must be a whole number of milliseconds from ${MIN_REPLAY_MS_PER_CANDLE} to ${MAX_REPLAY_MS_PER_CANDLE} (real time for the hourly candles), not "${raw}"`,
    );
  return value;
}
