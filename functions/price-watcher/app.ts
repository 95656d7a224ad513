// The price watcher as a long-running process (not a Lambda: a Node process that runs until
// SIGTERM): runs the watchers, logs their events as JSON, and emits the heartbeat metric each
// minute while every loop is turning (a stuck loop stops the beat, and the cloud's alarm on a
// missing WatcherHeartbeat fires) and each trailing move's latency. Reused by the local stack.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { TrailMove } from '../../shared/core/watcher/trailing-stops';
import type { WatcherEvent } from '../../shared/core/watcher/price-watcher';
import type { Metrics } from '../../shared/platform/metrics';
import type { PriceWatchers } from '../../shared/runtime/price-watcher';

export interface WatcherProcessDeps {
  watchers: PriceWatchers;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  /** default 60 s */
  heartbeatEveryMs?: number;
}

export interface WatcherProcess {
  /** resolves once the loops have ended (after stop) */
  done: Promise<void>;
  stop(): Promise<void>;
  /** one heartbeat decision now (the timer calls it each minute) */
  beat(): boolean;
}

/** A loop that has not turned for two beats is stuck: no heartbeat until it turns again. */
export function startWatcherProcess(deps: WatcherProcessDeps): WatcherProcess {
  const every = deps.heartbeatEveryMs ?? 60_000;
  const { watchers, logger, metrics } = deps;
  logger.info('price watcher started', {
    exchanges: watchers.watchers.map((w) => w.exchange),
    // accounts on these keep the one-minute jobs only (no stream wired for them)
    unwatched: watchers.unwatched,
  });
  const beat = (): boolean => {
    const alive = watchers.watchers.length > 0 && deps.now() - watchers.lastTurnAt() < 2 * every;
    if (alive) metrics.put('WatcherHeartbeat', 1);
    else logger.warn('price watcher: a loop has not turned for two heartbeats', { lastTurnAt: watchers.lastTurnAt() });
    return alive;
  };
  beat();
  const timer = setInterval(beat, every);
  const done = watchers.run().finally(() => clearInterval(timer));
  return {
    done,
    beat,
    async stop() {
      clearInterval(timer);
      await watchers.stop();
      await done;
      logger.info('price watcher stopped', {
        moved: watchers.trailing.stats.moved,
        paperFills: watchers.paperFills.fills,
        breakerTrips: watchers.breaker.stats.trips,
      });
    },
  };
}

/** Watcher events as log lines: drops and silences warn, the rest is info. */
export function logWatcherEvent(logger: Logger, event: WatcherEvent): void {
  if (event.kind === 'caught-up' && !event.gap) return;
  const level = event.kind === 'caught-up' ? 'info' : 'warn';
  logger[level](`price watcher: ${event.kind}`, { ...event });
}

/** A trailing move's latency (price received → stop moved) as the WatcherTickToActionMs metric. */
export function recordMove(metrics: Metrics, logger: Logger) {
  return (move: TrailMove): void => {
    const ms = move.movedAt - move.tickAt;
    metrics.put('WatcherTickToActionMs', ms, { unit: 'Milliseconds', by: { exchange: move.exchange } });
    logger.info('trailing stop moved', { ...move, latencyMs: ms });
  };
}
