// The watcher's environment: defaults, and a bad value refused at start with its name and bounds.
import { loadEnv } from '../../../shared/platform/config';
import { checkPriceWatcherEnv, priceWatcherEnvSchema } from '../../../shared/platform/price-watcher-config';

const base = { STAGE: 'dev', KMS_KEY_ID: 'key' };

test('defaults: every exchange, a 30 s heartbeat, 0.5 s → 30 s backoff', () => {
  const env = checkPriceWatcherEnv(loadEnv(priceWatcherEnvSchema, base));
  expect(env).toMatchObject({
    WATCHER_EXCHANGES: [],
    WATCHER_HEARTBEAT_MS: 30_000,
    WATCHER_BACKOFF_INITIAL_MS: 500,
    WATCHER_BACKOFF_MAX_MS: 30_000,
    WATCHER_PAPER_STREAM: 'exchange',
  });
});

test('an out-of-range timing or an unknown exchange fails the start, each named once with its bounds', () => {
  expect(() =>
    checkPriceWatcherEnv(
      loadEnv(priceWatcherEnvSchema, { ...base, WATCHER_HEARTBEAT_MS: '10', WATCHER_EXCHANGES: 'paper,kraken' }),
    ),
  ).toThrow(
    'invalid configuration: WATCHER_HEARTBEAT_MS must be between 1000 and 600000 (got 10); WATCHER_EXCHANGES: unknown exchange kraken (known: paper, binanceusdm, okx, bybit, bitget, upbit)',
  );
});
