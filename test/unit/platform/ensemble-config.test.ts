// The stage's model switches: ENSEMBLE_MODELS unset is off (no gate is built: the executor's path is
// unchanged); each entry is provider:model; a bad list or an unbounded timeout fails at cold start
// naming the variable; MARKET_SUMMARY_MODEL likewise.
import { EnsembleGate } from '../../../shared/core/advisor/ensemble-gate';
import { ConfigError } from '../../../shared/core/errors';
import { loadEnv } from '../../../shared/platform/config';
import { ensembleEnvSchema, marketSummaryEnvSchema } from '../../../shared/platform/ensemble-config';
import { buildEntryGate, noProviders } from '../../../shared/runtime/ensemble';
import { fakeAdvisor } from '../core/advisor/fake-advisor';
import { ManualClock } from '../core/fakes';
import { MemoryAudit } from '../core/memory-repos';

const load = (env: Record<string, string>) => loadEnv(ensembleEnvSchema, env);

test('unset: no models and a 4 s vote; no gate is built, nothing is constructed per model', () => {
  const env = load({});
  expect(env).toEqual({ ENSEMBLE_MODELS: [], ENSEMBLE_TIMEOUT_MS: 4_000 });
  const advisorFor = jest.fn(noProviders);
  const deps = {
    candles: { closedCandles: jest.fn(), spanMs: () => 1 },
    audit: new MemoryAudit(),
    clock: new ManualClock(),
    advisorFor,
  };
  expect(buildEntryGate(env, deps)).toBeUndefined();
  expect(advisorFor).not.toHaveBeenCalled();
});

test('a list of provider:model entries, one advisor each, named as written', () => {
  const env = load({
    ENSEMBLE_MODELS: ' bedrock:anthropic.claude-3-haiku-20240307-v1:0, openai:gpt-4o-mini,openai:llama3 ',
    ENSEMBLE_TIMEOUT_MS: '2500',
  });
  expect(env.ENSEMBLE_MODELS).toEqual([
    {
      provider: 'bedrock',
      model: 'anthropic.claude-3-haiku-20240307-v1:0',
      id: 'bedrock:anthropic.claude-3-haiku-20240307-v1:0',
    },
    { provider: 'openai', model: 'gpt-4o-mini', id: 'openai:gpt-4o-mini' },
    { provider: 'openai', model: 'llama3', id: 'openai:llama3' },
  ]);
  expect(env.ENSEMBLE_TIMEOUT_MS).toBe(2_500);
  const asked: string[] = [];
  const gate = buildEntryGate(env, {
    candles: { closedCandles: jest.fn(), spanMs: () => 1 },
    audit: new MemoryAudit(),
    clock: new ManualClock(),
    advisorFor: (spec) => {
      asked.push(spec.id);
      return fakeAdvisor('{}');
    },
  });
  expect(gate).toBeInstanceOf(EnsembleGate);
  expect(asked).toEqual(['bedrock:anthropic.claude-3-haiku-20240307-v1:0', 'openai:gpt-4o-mini', 'openai:llama3']);
});

test.each([
  [
    { ENSEMBLE_MODELS: 'gpt-4o-mini' },
    'ENSEMBLE_MODELS ("gpt-4o-mini" must be provider:model with provider bedrock or openai)',
  ],
  [{ ENSEMBLE_MODELS: 'azure:gpt-4o' }, 'provider bedrock or openai'],
  [{ ENSEMBLE_MODELS: 'openai:gpt 4o' }, 'the model id must be 1-128 of'],
  [{ ENSEMBLE_MODELS: 'openai:a,openai:a' }, '"openai:a" is listed twice'],
  [{ ENSEMBLE_MODELS: 'openai:1,openai:2,openai:3,openai:4,openai:5,openai:6,openai:7,openai:8' }, 'at most 7 models'],
  [{ ENSEMBLE_TIMEOUT_MS: '60000' }, 'ENSEMBLE_TIMEOUT_MS (at most 10000 ms)'],
  [{ ENSEMBLE_TIMEOUT_MS: '10' }, 'ENSEMBLE_TIMEOUT_MS (at least 100 ms)'],
])('%j is refused at cold start: %s', (env, message) => {
  expect(() => load(env)).toThrow(ConfigError);
  expect(() => load(env)).toThrow(message);
});

test('models listed but no providers wired: refused at cold start, naming the model', () => {
  const env = load({ ENSEMBLE_MODELS: 'openai:gpt-4o-mini' });
  const deps = {
    candles: { closedCandles: jest.fn(), spanMs: () => 1 },
    audit: new MemoryAudit(),
    clock: new ManualClock(),
  };
  expect(() => buildEntryGate(env, { ...deps, advisorFor: noProviders })).toThrow(
    'openai:gpt-4o-mini is configured (ENSEMBLE_MODELS / MARKET_SUMMARY_MODEL) but this build has no model providers wired',
  );
});

test('MARKET_SUMMARY_MODEL: unset is off; one provider:model; anything else names the variable', () => {
  expect(loadEnv(marketSummaryEnvSchema, {})).toEqual({ MARKET_SUMMARY_TIMEOUT_MS: 15_000 });
  expect(loadEnv(marketSummaryEnvSchema, { MARKET_SUMMARY_MODEL: 'openai:gpt-4o-mini' }).MARKET_SUMMARY_MODEL).toEqual({
    provider: 'openai',
    model: 'gpt-4o-mini',
    id: 'openai:gpt-4o-mini',
  });
  expect(() => loadEnv(marketSummaryEnvSchema, { MARKET_SUMMARY_MODEL: 'gpt' })).toThrow('MARKET_SUMMARY_MODEL');
});
