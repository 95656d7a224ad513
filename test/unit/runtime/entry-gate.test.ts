// The executor's ensemble gate builds its models on the first entry it is asked about, not at cold
// start (so a container loads the providers only when it uses them), and still refuses at cold
// start what a configuration is refused for: models listed with no LLM_* settings, an unreadable
// LLM_PRICES. The vote itself is the real EnsembleGate's over a scripted advisor.
import { MemoryTokenBudget } from '../../../shared/adapters/model/memory-token-budget';
import { EnsembleGate } from '../../../shared/core/advisor/ensemble-gate';
import { ConfigError } from '../../../shared/core/errors';
import type { EntryGate } from '../../../shared/core/execution/ports';
import { normalizeSymbol } from '../../../shared/core/signal/symbols';
import type { Signal } from '../../../shared/core/signal/types';
import { advisorEnvSchema } from '../../../shared/platform/advisor-config';
import { loadEnv } from '../../../shared/platform/config';
import { ensembleEnvSchema } from '../../../shared/platform/ensemble-config';
import { DeferredEntryGate, deferredEntryGate } from '../../../shared/runtime/entry-gate';
import { fakeAdvisor } from '../core/advisor/fake-advisor';
import { ManualClock } from '../core/fakes';
import { MemoryAudit } from '../core/memory-repos';
import { accountWithSettings } from '../core/risk/fixtures';

const ensemble = (models: string) => loadEnv(ensembleEnvSchema, { ENSEMBLE_MODELS: models });
const llm = (extra: Record<string, string> = {}) =>
  loadEnv(advisorEnvSchema, { STAGE: 'gate', AWS_REGION: 'eu-west-1', ...extra });
const budget = jest.fn(() => new MemoryTokenBudget());
const deps = () => ({
  candles: { closedCandles: jest.fn(), spanMs: () => 3_600_000 },
  audit: new MemoryAudit(),
  clock: new ManualClock(),
  budget,
});

const signal: Signal = {
  v: 1,
  signalId: 's1',
  accountId: 'acc-1',
  intent: 'enter_long',
  symbol: normalizeSymbol('BTCUSDT'),
  receivedAt: 0,
  source: 'webhook',
};
/** ensemble off for the account: the gate lets it through without a vote (the build is what is watched) */
const account = accountWithSettings({}, { accountId: 'acc-1' });

beforeEach(() => budget.mockClear());

test('no models listed: no gate', () => {
  expect(deferredEntryGate(ensemble(''), { llm: llm() }, deps())).toBeUndefined();
});

test('models listed: nothing is built at construction; the first entry builds each model once, concurrent entries share it', async () => {
  const built: string[] = [];
  const gate = deferredEntryGate(
    ensemble('openai:m-a,bedrock:m-b'),
    {
      advisorFor: (spec) => {
        built.push(spec.id);
        return fakeAdvisor('{"vote":"long","reason":"up"}');
      },
    },
    deps(),
  );
  expect(gate).toBeInstanceOf(DeferredEntryGate);
  expect(built).toEqual([]);

  const verdicts = await Promise.all([gate!.check(signal, account), gate!.check(signal, account)]);
  expect(verdicts).toEqual([{ proceed: true }, { proceed: true }]);
  expect(built).toEqual(['openai:m-a', 'bedrock:m-b']);
  expect(await gate!.ready()).toBeInstanceOf(EnsembleGate);
  await gate!.check(signal, account);
  expect(built).toHaveLength(2);
});

test("over the stage's LLM_* settings: the token budget is made when the gate is built, not before", async () => {
  const gate = deferredEntryGate(ensemble('bedrock:amazon.nova-micro-v1:0'), { llm: llm() }, deps());
  expect(budget).not.toHaveBeenCalled();
  expect(await gate!.ready()).toBeInstanceOf(EnsembleGate);
  expect(budget).toHaveBeenCalledTimes(1);
});

test('models listed with no LLM_* settings: refused at construction (cold start), naming the model', () => {
  expect(() => deferredEntryGate(ensemble('openai:gpt-4o-mini'), {}, deps())).toThrow(
    'openai:gpt-4o-mini is configured (ENSEMBLE_MODELS / MARKET_SUMMARY_MODEL) but this build has no model providers wired',
  );
});

test('an LLM_PRICES that does not parse: refused at construction (cold start), naming the variable', () => {
  const build = () => deferredEntryGate(ensemble('openai:gpt-4o-mini'), { llm: llm({ LLM_PRICES: '{oops' }) }, deps());
  expect(build).toThrow(ConfigError);
  expect(build).toThrow('LLM_PRICES (not JSON)');
});

test('a build that failed is tried again on the next entry', async () => {
  const real: EntryGate = { check: () => Promise.resolve({ proceed: true }) };
  const build = jest
    .fn<Promise<EntryGate>, []>()
    .mockRejectedValueOnce(new Error('import failed'))
    .mockResolvedValueOnce(real);
  const gate = new DeferredEntryGate(build);
  await expect(gate.check(signal, account)).rejects.toThrow('import failed');
  await expect(gate.check(signal, account)).resolves.toEqual({ proceed: true });
  await gate.check(signal, account);
  expect(build).toHaveBeenCalledTimes(2);
});
