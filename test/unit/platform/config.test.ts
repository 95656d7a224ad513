import { ConfigError, executorEnvSchema, loadEnv, tradingEnvSchema, webhookEnvSchema } from '../../../shared/platform/config';

test('defaults are typed values (numbers, lists), not the strings the environment would carry', () => {
  const env = loadEnv(webhookEnvSchema, { STAGE: 'dev', SIGNAL_QUEUE_URL: 'https://q' });

  expect(env).toMatchObject({ MAX_BODY_BYTES: 8192, MAX_SIGNAL_AGE_MS: 60_000, MAX_FUTURE_SKEW_MS: 5_000, DEDUP_TTL_HOURS: 168, ACCOUNT_CACHE_MS: 30_000, IP_ALLOWLIST: [], AWS_REGION: 'us-east-1' });
  expect(typeof env.MAX_FUTURE_SKEW_MS).toBe('number');
});

test('values from the environment are parsed: numbers and comma-separated lists', () => {
  const env = loadEnv(webhookEnvSchema, { STAGE: 'prod', SIGNAL_QUEUE_URL: 'https://q', MAX_BODY_BYTES: '4096', IP_ALLOWLIST: '52.89.214.238, 34.212.75.30,' });

  expect(env.MAX_BODY_BYTES).toBe(4096);
  expect(env.IP_ALLOWLIST).toEqual(['52.89.214.238', '34.212.75.30']);
});

test('a missing or malformed variable fails fast and names it', () => {
  expect(() => loadEnv(webhookEnvSchema, { STAGE: 'dev' })).toThrow(/SIGNAL_QUEUE_URL/);
  expect(() => loadEnv(webhookEnvSchema, { STAGE: 'dev', SIGNAL_QUEUE_URL: 'q', MAX_BODY_BYTES: '8k' })).toThrow(/MAX_BODY_BYTES \(must be a whole number\)/);
  expect(() => loadEnv(webhookEnvSchema, { STAGE: 'Dev!', SIGNAL_QUEUE_URL: 'q' })).toThrow(ConfigError);
});

test('the executor needs its key vault configured; the paper-trigger job needs none', () => {
  expect(() => loadEnv(executorEnvSchema, { STAGE: 'dev' })).toThrow(/KMS_KEY_ID/);
  expect(() => loadEnv(executorEnvSchema, { STAGE: 'dev', KEY_VAULT: 'local' })).toThrow(/LOCAL_KEY_FILE/);
  expect(loadEnv(executorEnvSchema, { STAGE: 'dev', KMS_KEY_ID: 'arn:aws:kms:x' })).toMatchObject({ KEY_VAULT: 'kms', SIGNAL_LEASE_MS: 120_000, PAPER_PRICE_SOURCE: 'exchange' });
  expect(loadEnv(tradingEnvSchema, { STAGE: 'dev' })).toMatchObject({ PAPER_PRICE_SOURCE: 'exchange', PAPER_REPLAY_MS_PER_CANDLE: 5_000 });
});
