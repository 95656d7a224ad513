// Process entry (container: an optional always-on service per stage, docs/WATCHER.md): reads the
// environment, composes the watchers and runs them until SIGTERM/SIGINT. Logs are Powertools JSON;
// metrics are EMF lines on stdout (the container's log group turns them into metrics).
import { createLogger } from '../../shared/platform/logger';
import { Metrics } from '../../shared/platform/metrics';
import { loadEnv } from '../../shared/platform/config';
import { checkPriceWatcherEnv, priceWatcherEnvSchema } from '../../shared/platform/price-watcher-config';
import { buildTradingRuntime } from '../../shared/runtime/executor';
import { buildLivePriceStore, buildPriceWatchers } from '../../shared/runtime/price-watcher';
import { logWatcherEvent, recordMove, startWatcherProcess } from './app';

const env = checkPriceWatcherEnv(loadEnv(priceWatcherEnvSchema));
const logger = createLogger('price-watcher');
const metrics = new Metrics({
  service: 'price-watcher',
  stage: env.STAGE,
  ...(process.env.POWERTOOLS_METRICS_DISABLED === 'true' ? {} : { write: (line) => process.stdout.write(`${line}\n`) }),
});
const runtime = buildTradingRuntime(env);
const watchers = buildPriceWatchers(env, runtime, {
  livePrices: buildLivePriceStore(env, runtime.clock),
  onEvent: (event) => logWatcherEvent(logger, event),
  onMoved: recordMove(metrics, logger),
});

const running = startWatcherProcess({ watchers, logger, metrics, now: () => Date.now() });
let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info('price watcher: stopping', { signal });
  void running.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error('price watcher: stop failed', { error: String(error) });
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
