// The ensemble over the real Advisor (shared/runtime/advisor.ts: createAdvisor, budget, audit) and
// the real OpenAI-compatible provider, one per listed model; only fetch is scripted, answering with
// OpenAI's documented chat-completion body (test/fixtures/model/openai.json) whose content is each
// model's vote. 2 of 3 pass, 1 of 3 blocks, a refusal (OpenAI's documented refusal) abstains, and
// every question is metered and audited (model.asked) beside the one signal.vote.
import { MemoryTokenBudget } from '../../../shared/adapters/model/memory-token-budget';
import { EnsembleVote } from '../../../shared/core/advisor/ensemble';
import { advisorEnvSchema } from '../../../shared/platform/advisor-config';
import { loadEnv } from '../../../shared/platform/config';
import { ensembleEnvSchema } from '../../../shared/platform/ensemble-config';
import { advisorForEach } from '../../../shared/runtime/ensemble';
import { ManualClock } from '../core/fakes';
import { MemoryAudit } from '../core/memory-repos';
import openaiDocs from '../../fixtures/model/openai.json';

/** fetch as the OpenAI-compatible endpoint: each model's next answer, in OpenAI's documented shapes */
function endpoint(answers: Record<string, { vote: string } | 'refusal'>) {
  const asked: string[] = [];
  const fetchStub = (async (_url: string, init: RequestInit) => {
    const request = JSON.parse(String(init.body)) as { model: string };
    asked.push(request.model);
    const answer = answers[request.model];
    // OpenAI's documented refusal body as it is, or its documented completion with the vote as content.
    if (answer === 'refusal')
      return new Response(JSON.stringify(openaiDocs.examples['structuredOutputs.refusal'].body), { status: 200 });
    const body = structuredClone(openaiDocs.examples['chatCompletion.object'].body);
    body.model = request.model;
    body.choices[0]!.message.content = JSON.stringify({ ...answer, reason: `${request.model} says ${answer?.vote}` });
    return new Response(JSON.stringify(body), { status: 200 });
  }) as unknown as typeof fetch;
  return { fetchStub, asked };
}

function ensemble(answers: Record<string, { vote: string } | 'refusal'>) {
  const { ENSEMBLE_MODELS, ENSEMBLE_TIMEOUT_MS } = loadEnv(ensembleEnvSchema, {
    ENSEMBLE_MODELS: 'openai:m-a,openai:m-b,openai:m-c',
  });
  const llm = loadEnv(advisorEnvSchema, { STAGE: 'test', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' });
  const audit = new MemoryAudit();
  const clock = new ManualClock();
  const { fetchStub, asked } = endpoint(answers);
  const advisorFor = advisorForEach(llm, { audit, budget: new MemoryTokenBudget(), clock, fetch: fetchStub });
  const vote = new EnsembleVote({
    voters: ENSEMBLE_MODELS.map((spec) => ({ model: spec.id, advisor: advisorFor(spec) })),
    audit,
    clock,
    timeoutMs: ENSEMBLE_TIMEOUT_MS,
  });
  const decide = () =>
    vote.decide({
      accountId: 'acc-1',
      signalId: 's1',
      symbol: 'BTC/USDT:USDT',
      intent: 'enter_long',
      required: 2,
      context: { timeframe: '1h', candles: 100, close: 50_000, recentCloses: [50_000] },
    });
  return { decide, audit, asked };
}

test('2 of 3 through the real advisor and provider: proceed; each question audited as model.asked, one signal.vote', async () => {
  const { decide, audit, asked } = ensemble({
    'm-a': { vote: 'long' },
    'm-b': { vote: 'out' },
    'm-c': { vote: 'long' },
  });
  const outcome = await decide();
  expect(outcome).toMatchObject({ decision: 'proceed', agreeing: 2 });
  expect(outcome.ballots).toEqual([
    { model: 'openai:m-a', vote: 'long', reason: 'm-a says long' },
    { model: 'openai:m-b', vote: 'out', reason: 'm-b says out' },
    { model: 'openai:m-c', vote: 'long', reason: 'm-c says long' },
  ]);
  expect(asked.sort()).toEqual(['m-a', 'm-b', 'm-c']);
  const types = audit.events.map((e) => e.type);
  expect(types.filter((t) => t === 'model.asked')).toHaveLength(3);
  expect(types.filter((t) => t === 'signal.vote')).toHaveLength(1);
  expect(audit.events.find((e) => e.type === 'model.asked')?.data).toMatchObject({ purpose: 'ensemble-vote' });
});

test("1 of 3, and a model's refusal abstains: block", async () => {
  const { decide } = ensemble({ 'm-a': { vote: 'long' }, 'm-b': 'refusal', 'm-c': { vote: 'short' } });
  const outcome = await decide();
  expect(outcome).toMatchObject({ decision: 'block', agreeing: 1 });
  expect(outcome.ballots[1]).toMatchObject({ model: 'openai:m-b', vote: 'abstain' });
});

test('an answer outside the vote schema abstains (the advisor refuses it as invalid-answer)', async () => {
  const { decide } = ensemble({ 'm-a': { vote: 'buy' }, 'm-b': { vote: 'long' }, 'm-c': { vote: 'long' } });
  const outcome = await decide();
  expect(outcome.ballots[0]).toMatchObject({ vote: 'abstain' });
  expect(outcome.ballots[0]?.reason).toMatch(/^invalid-answer: /);
  expect(outcome.decision).toBe('proceed');
});
