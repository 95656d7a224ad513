// The advisor's environment: unset provider = AI off, a provider needs a model, bounds and the price
// table named field by field, and OPENAI_API_KEY masked by the logger and absent from every error.
import { advisorEnvSchema, parseModelPrices } from '../../../shared/platform/advisor-config';
import { loadEnv } from '../../../shared/platform/config';
import { isSecretKey, redact } from '../../../shared/platform/logger';

const base = { STAGE: 'test' };

test('no LLM_PROVIDER: AI off, with the defaults in place', () => {
  const env = loadEnv(advisorEnvSchema, base);
  expect(env.LLM_PROVIDER).toBeUndefined();
  expect(env).toMatchObject({
    LLM_DAILY_TOKENS: 200_000,
    LLM_TIMEOUT_MS: 30_000,
    LLM_MAX_OUTPUT_TOKENS: 2_000,
  });
});

test('a provider without a model is refused, naming LLM_MODEL', () => {
  expect(() => loadEnv(advisorEnvSchema, { ...base, LLM_PROVIDER: 'openai' })).toThrow(
    'invalid configuration: LLM_MODEL (required when LLM_PROVIDER=openai)',
  );
});

test('bad values are refused by name, and the key is never in the error', () => {
  const env = {
    ...base,
    LLM_PROVIDER: 'claude',
    LLM_MODEL: 'a model with spaces',
    OPENAI_BASE_URL: 'localhost:11434',
    OPENAI_API_KEY: 'sk-never-in-an-error-0123456789',
    LLM_DAILY_TOKENS: '-5',
  };
  let message = '';
  try {
    loadEnv(advisorEnvSchema, env);
  } catch (error) {
    message = (error as Error).message;
  }
  for (const name of ['LLM_PROVIDER', 'LLM_MODEL', 'OPENAI_BASE_URL', 'LLM_DAILY_TOKENS'])
    expect(message).toContain(name);
  expect(message).not.toContain('never-in-an-error');
});

test('LLM_PRICES: JSON of USD per 1M tokens as decimal text; every bad entry named', () => {
  expect(parseModelPrices(undefined)).toEqual({});
  expect(parseModelPrices('{"gpt-4o-mini":{"input":"0.15","output":"0.60"}}')).toEqual({
    'gpt-4o-mini': { input: '0.15', output: '0.60' },
  });
  expect(() => parseModelPrices('{oops')).toThrow('LLM_PRICES (not JSON)');
  expect(() => parseModelPrices('{"m":{"input":0.15,"output":"-1"}}')).toThrow(
    /LLM_PRICES\.m\.input .*LLM_PRICES\.m\.output/,
  );
});

test('the logger masks OPENAI_API_KEY wherever it appears', () => {
  expect(isSecretKey('OPENAI_API_KEY')).toBe(true);
  expect(JSON.stringify(redact({ env: { OPENAI_API_KEY: 'sk-live-abc' } }))).not.toContain('sk-live-abc');
});
