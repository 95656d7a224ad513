// The strategy runner's environment: the queue URL is required, the rest has working defaults,
// and a wrong value fails at cold start naming the variable.
import { ConfigError, loadEnv } from '../../../shared/platform/config';
import { strategyRunnerEnvSchema } from '../../../shared/platform/strategy-runner-config';

describe('strategyRunnerEnvSchema', () => {
  it('defaults to Binance USDⓈ-M public candles, a 10 s settle and a week of dedup', () => {
    const env = loadEnv(strategyRunnerEnvSchema, { STAGE: 'prod', SIGNAL_QUEUE_URL: 'https://sqs/q.fifo' });

    expect(env).toMatchObject({
      CANDLE_SOURCE: 'exchange',
      CANDLE_EXCHANGE: 'binanceusdm',
      SETTLE_MS: 10_000,
      DEDUP_TTL_HOURS: 168,
      EXCHANGE_TIMEOUT_MS: 5_000,
    });
  });

  it('reads the replay settings for the local stack', () => {
    const env = loadEnv(strategyRunnerEnvSchema, {
      STAGE: 'local',
      SIGNAL_QUEUE_URL: 'q',
      CANDLE_SOURCE: 'replay',
      PAPER_REPLAY_MS_PER_CANDLE: '250',
      SETTLE_MS: '0',
    });

    expect(env).toMatchObject({ CANDLE_SOURCE: 'replay', PAPER_REPLAY_MS_PER_CANDLE: 250, SETTLE_MS: 0 });
  });

  it.each([
    [{ STAGE: 'prod' }, /SIGNAL_QUEUE_URL/],
    [{ STAGE: 'prod', SIGNAL_QUEUE_URL: 'q', CANDLE_EXCHANGE: 'kraken' }, /CANDLE_EXCHANGE/],
    [{ STAGE: 'prod', SIGNAL_QUEUE_URL: 'q', SETTLE_MS: '10s' }, /SETTLE_MS/],
  ])('refuses %j naming the variable', (env, name) => {
    expect(() => loadEnv(strategyRunnerEnvSchema, env)).toThrow(ConfigError);
    expect(() => loadEnv(strategyRunnerEnvSchema, env)).toThrow(name);
  });
});
