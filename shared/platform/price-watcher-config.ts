// The price watcher's environment (functions/price-watcher, and the local stack's in-process
// watcher): the executor's (tables, key vault, exchanges, paper prices, market speed) and the
// watcher's own timings, each bounded: a value out of range fails the start, naming the variable
// and its bounds.
import * as z from 'zod/mini';
import { ConfigError } from '../core/errors';
import { csv, executorEnvSchema, int, oneOf } from './config';

/** The accounts' exchange ids a watcher can serve. */
export const WATCHABLE_EXCHANGES = ['paper', 'binanceusdm', 'okx', 'bybit', 'bitget', 'upbit'] as const;

export const priceWatcherEnvSchema = z.object({
  ...executorEnvSchema.shape,
  /** the accounts' exchanges to watch (default all of them; those with nothing open cost nothing) */
  WATCHER_EXCHANGES: csv,
  /** the paper accounts' stream: the replayed prices (local) or an exchange's public stream (cloud) */
  WATCHER_PAPER_STREAM: oneOf(['replay', 'exchange'], 'exchange'),
  /** no tick for this long → the connection is made again (docs/WATCHER.md: why 30 s) */
  WATCHER_HEARTBEAT_MS: int(30_000),
  /** the watch list (open positions, resting paper orders) is read again after this long */
  WATCHER_REFRESH_MS: int(3_000),
  /** reconnect backoff: first and largest delay */
  WATCHER_BACKOFF_INITIAL_MS: int(500),
  WATCHER_BACKOFF_MAX_MS: int(30_000),
  /** one circuit-breaker sample per account and symbol this often */
  WATCHER_SAMPLE_MS: int(10_000),
  /** the replay stream's read interval (local) */
  WATCHER_REPLAY_INTERVAL_MS: int(250),
});
export type PriceWatcherEnv = z.infer<typeof priceWatcherEnvSchema>;

const BOUNDS: Partial<Record<keyof PriceWatcherEnv, readonly [number, number]>> = {
  WATCHER_HEARTBEAT_MS: [1_000, 600_000],
  WATCHER_REFRESH_MS: [250, 60_000],
  WATCHER_BACKOFF_INITIAL_MS: [50, 60_000],
  WATCHER_BACKOFF_MAX_MS: [50, 600_000],
  WATCHER_SAMPLE_MS: [1_000, 600_000],
  WATCHER_REPLAY_INTERVAL_MS: [10, 10_000],
};

/** The bounds zod's whole-number check cannot say, and the exchange names; one error naming each bad one. */
export function checkPriceWatcherEnv(env: PriceWatcherEnv): PriceWatcherEnv {
  const problems: string[] = [];
  for (const [name, [min, max]] of Object.entries(BOUNDS) as [keyof PriceWatcherEnv, readonly [number, number]][]) {
    const value = env[name] as number;
    if (value < min || value > max) problems.push(`${name} must be between ${min} and ${max} (got ${value})`);
  }
  if (env.WATCHER_BACKOFF_MAX_MS < env.WATCHER_BACKOFF_INITIAL_MS)
    problems.push('WATCHER_BACKOFF_MAX_MS must be at least WATCHER_BACKOFF_INITIAL_MS');
  const unknown = env.WATCHER_EXCHANGES.filter((e) => !(WATCHABLE_EXCHANGES as readonly string[]).includes(e));
  if (unknown.length)
    problems.push(
      `WATCHER_EXCHANGES: unknown exchange ${unknown.join(', ')} (known: ${WATCHABLE_EXCHANGES.join(', ')})`,
    );
  if (problems.length) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return env;
}
