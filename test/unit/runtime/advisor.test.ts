// The advisor's composition root: AI off without a provider; the OpenAI-compatible provider built
// from OPENAI_BASE_URL / OPENAI_API_KEY / LLM_MODEL (the request goes where the environment says,
// with its key, and the key's value is refused inside a prompt); Bedrock with the configured model
// and the stage's prices; the defaults from the environment.
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import * as z from 'zod/mini';
import { MemoryTokenBudget } from '../../../shared/adapters/model/memory-token-budget';
import { advisorEnvSchema } from '../../../shared/platform/advisor-config';
import { loadEnv } from '../../../shared/platform/config';
import { buildAdvisor } from '../../../shared/runtime/advisor';
import { ManualClock } from '../core/fakes';
import { MemoryAudit } from '../core/memory-repos';
import bedrockDocs from '../../fixtures/model/bedrock.json';
import openaiDocs from '../../fixtures/model/openai.json';

const KEY = 'sk-proj-configured-key-0123456789';
const ask = {
  accountId: 'acc-1',
  purpose: 'market-summary' as const,
  system: 's',
  prompt: 'p',
  schema: z.object({ sign: z.string() }),
  schemaName: 'top_song',
};

test('LLM_PROVIDER unset: no advisor (AI off)', () => {
  const env = loadEnv(advisorEnvSchema, { STAGE: 'test' });
  expect(buildAdvisor(env, { audit: new MemoryAudit(), budget: new MemoryTokenBudget() })).toBeUndefined();
});

test('openai: the request goes to OPENAI_BASE_URL with the key; defaults from the environment; the key is refused in a prompt', async () => {
  const env = loadEnv(advisorEnvSchema, {
    STAGE: 'test',
    LLM_PROVIDER: 'openai',
    LLM_MODEL: 'llama3.1:8b',
    OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/',
    OPENAI_API_KEY: KEY,
    LLM_MAX_OUTPUT_TOKENS: '321',
    LLM_TIMEOUT_MS: '4000',
    LLM_PRICES: '{"llama3.1:8b":{"input":"0","output":"0"}}',
  });
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchStub = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const body = structuredClone(openaiDocs.examples['chatCompletion.object'].body);
    body.choices[0]!.message.content = '{"sign":"WZPZ"}';
    return new Response(JSON.stringify(body), { status: 200 });
  }) as unknown as typeof fetch;
  const audit = new MemoryAudit();
  const built = buildAdvisor(env, {
    audit,
    budget: new MemoryTokenBudget(),
    clock: new ManualClock(),
    fetch: fetchStub,
  })!;
  expect(built).toMatchObject({ provider: 'openai', model: 'llama3.1:8b' });

  expect(await built.advisor.ask(ask)).toMatchObject({ ok: true, value: { sign: 'WZPZ' }, costUsd: '0' });
  expect(calls[0]!.url).toBe('http://127.0.0.1:11434/v1/chat/completions');
  expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe(`Bearer ${KEY}`);
  expect(JSON.parse(String(calls[0]!.init.body))).toMatchObject({ model: 'llama3.1:8b', max_tokens: 321 });
  expect(audit.events[0]!.message).not.toContain('cost unknown');

  expect(await built.advisor.ask({ ...ask, prompt: `here: ${KEY}` })).toMatchObject({
    ok: false,
    reason: 'unsafe-prompt',
  });
  expect(calls).toHaveLength(1);
});

test('bedrock: the configured model id on ConverseCommand, and its price from LLM_PRICES', async () => {
  const bedrock = mockClient(BedrockRuntimeClient);
  bedrock.on(ConverseCommand).resolves({
    $metadata: {},
    ...(bedrockDocs.examples['toolUse.response'].body as object),
    usage: { inputTokens: 1000, outputTokens: 100, totalTokens: 1100 }, // ours: the documented body has none
  });
  const env = loadEnv(advisorEnvSchema, {
    STAGE: 'test',
    LLM_PROVIDER: 'bedrock',
    LLM_MODEL: 'anthropic.claude-3-haiku-20240307-v1:0',
    LLM_PRICES: '{"anthropic.claude-3-haiku-20240307-v1:0":{"input":"0.25","output":"1.25"}}',
  });
  const built = buildAdvisor(env, {
    audit: new MemoryAudit(),
    budget: new MemoryTokenBudget(),
    bedrockClient: new BedrockRuntimeClient({ region: 'us-east-1' }),
  })!;
  // 1000 × 0.25 / 1M + 100 × 1.25 / 1M
  expect(await built.advisor.ask(ask)).toMatchObject({ ok: true, value: { sign: 'WZPZ' }, costUsd: '0.000375' });
  expect(bedrock.commandCalls(ConverseCommand)[0]!.args[0].input).toMatchObject({
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    inferenceConfig: { maxTokens: 2_000 },
  });
  bedrock.restore();
});
