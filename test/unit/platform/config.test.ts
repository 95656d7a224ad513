import {
  ConfigError,
  executorEnvSchema,
  isEndpointOverride,
  loadEnv,
  tradingEnvSchema,
  webhookEnvSchema,
} from '../../../shared/platform/config';

test('defaults are typed values (numbers, lists), not the strings the environment would carry', () => {
  const env = loadEnv(webhookEnvSchema, { STAGE: 'dev', SIGNAL_QUEUE_URL: 'https://q' });

  expect(env).toMatchObject({
    MAX_BODY_BYTES: 8192,
    MAX_SIGNAL_AGE_MS: 60_000,
    MAX_FUTURE_SKEW_MS: 5_000,
    DEDUP_TTL_HOURS: 168,
    ACCOUNT_CACHE_MS: 30_000,
    IP_ALLOWLIST: [],
    AWS_REGION: 'us-east-1',
  });
  expect(typeof env.MAX_FUTURE_SKEW_MS).toBe('number');
});

test('values from the environment are parsed: numbers and comma-separated lists', () => {
  const env = loadEnv(webhookEnvSchema, {
    STAGE: 'prod',
    SIGNAL_QUEUE_URL: 'https://q',
    MAX_BODY_BYTES: '4096',
    IP_ALLOWLIST: '52.89.214.238, 34.212.75.30,',
  });

  expect(env.MAX_BODY_BYTES).toBe(4096);
  expect(env.IP_ALLOWLIST).toEqual(['52.89.214.238', '34.212.75.30']);
});

test('a missing or malformed variable fails fast and names it', () => {
  expect(() => loadEnv(webhookEnvSchema, { STAGE: 'dev' })).toThrow(/SIGNAL_QUEUE_URL/);
  expect(() => loadEnv(webhookEnvSchema, { STAGE: 'dev', SIGNAL_QUEUE_URL: 'q', MAX_BODY_BYTES: '8k' })).toThrow(
    /MAX_BODY_BYTES \(must be a whole number\)/,
  );
  expect(() => loadEnv(webhookEnvSchema, { STAGE: 'Dev!', SIGNAL_QUEUE_URL: 'q' })).toThrow(ConfigError);
});

test('the executor needs its key vault configured; the paper-trigger job needs none', () => {
  expect(() => loadEnv(executorEnvSchema, { STAGE: 'dev' })).toThrow(/KMS_KEY_ID/);
  expect(() => loadEnv(executorEnvSchema, { STAGE: 'dev', KEY_VAULT: 'local' })).toThrow(/LOCAL_KEY_FILE/);
  expect(loadEnv(executorEnvSchema, { STAGE: 'dev', KMS_KEY_ID: 'arn:aws:kms:x' })).toMatchObject({
    KEY_VAULT: 'kms',
    SIGNAL_LEASE_MS: 120_000,
    PAPER_PRICE_SOURCE: 'exchange',
  });
  expect(loadEnv(tradingEnvSchema, { STAGE: 'dev' })).toMatchObject({
    PAPER_PRICE_SOURCE: 'exchange',
    PAPER_REPLAY_MS_PER_CANDLE: 5_000,
  });
});

describe('endpoint overrides (fake exchange, fake Telegram, stand-ins) are refused where functions are deployed', () => {
  const executor = { KMS_KEY_ID: 'arn:aws:kms:x' };

  it.each(['dev', 'prod'])('fails at load in stage %s, naming the variable and not its value', (stage) => {
    const load = () =>
      loadEnv(executorEnvSchema, { STAGE: stage, ...executor, EXCHANGE_API_URL: 'http://attacker.example:8080' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/^invalid configuration: EXCHANGE_API_URL \(test-only endpoint\)$/);
    expect(load).not.toThrow(/attacker/);
  });

  it('names every override set, Telegram, the stand-ins and the AWS SDK endpoint variables included', () => {
    expect(() =>
      loadEnv(webhookEnvSchema, {
        STAGE: 'prod',
        SIGNAL_QUEUE_URL: 'https://q',
        TELEGRAM_API_URL: 'http://127.0.0.1:9/',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        SQS_ENDPOINT: 'http://127.0.0.1:9324',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
        AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:2',
      }),
    ).toThrow(
      /: TELEGRAM_API_URL,DYNAMODB_ENDPOINT,SQS_ENDPOINT,AWS_ENDPOINT_URL,AWS_ENDPOINT_URL_KMS \(test-only endpoint\)$/,
    );
  });

  it('refuses them inside Lambda whatever the stage is called', () => {
    expect(() =>
      loadEnv(executorEnvSchema, {
        STAGE: 'staging',
        AWS_LAMBDA_FUNCTION_NAME: 'tvat-staging-executor',
        ...executor,
        EXCHANGE_API_URL: 'http://x',
      }),
    ).toThrow(/EXCHANGE_API_URL \(test-only endpoint\)/);
  });

  it('honours them in the local stack, the tests and the bench (other stage names, off Lambda)', () => {
    for (const stage of ['local', 'test', 'bench', 'it0a1b2c3d']) {
      expect(
        loadEnv(executorEnvSchema, {
          STAGE: stage,
          ...executor,
          EXCHANGE_API_URL: 'http://127.0.0.1:4000',
          DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        }).EXCHANGE_API_URL,
      ).toBe('http://127.0.0.1:4000');
    }
  });

  it('ignores an empty override and variables that are configuration, not endpoints', () => {
    expect(() =>
      loadEnv(webhookEnvSchema, { STAGE: 'prod', SIGNAL_QUEUE_URL: 'https://q', EXCHANGE_API_URL: '' }),
    ).not.toThrow();
    expect(isEndpointOverride('SIGNAL_QUEUE_URL')).toBe(false);
    expect(isEndpointOverride('DISCORD_WEBHOOK_SECRET_ARN')).toBe(false);
    expect(isEndpointOverride('EXCHANGE_API_URL')).toBe(true);
  });
});
