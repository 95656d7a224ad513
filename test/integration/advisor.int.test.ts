// The Advisor end to end on the stand-ins, built by its composition root (shared/runtime/advisor.ts)
// from the environment: the OpenAI-compatible provider against a fake server replaying OpenAI's
// documented bodies (test/fixtures/model/openai.json), the budget on the risk table and the audit
// trail on the audit table, both through the real SDK on the local DynamoDB. A malformed answer is
// refused and the trail keeps it; the budget, once spent, stops the next call before any request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod/mini';
import type { StoredAuditEvent } from '../../shared/core/domain/audit';
import { advisorEnvSchema } from '../../shared/platform/advisor-config';
import { loadEnv } from '../../shared/platform/config';
import { buildAdvisor } from '../../shared/runtime/advisor';
import { dynamoTokenBudget } from '../../shared/runtime/token-budget';
import fixtures from '../fixtures/model/openai.json';
import { createHarness, type Harness } from './harness';

const docs = fixtures.examples;
const MathReasoning = z.object({
  steps: z.array(z.object({ explanation: z.string(), output: z.string() })),
  final_answer: z.string(),
});

let h: Harness;
let server: Server;
let baseUrl: string;
const script: string[] = [];
let requests = 0;

beforeAll(async () => {
  h = await createHarness();
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      const body = structuredClone(docs['chatCompletion.object'].body);
      body.choices[0]!.message.content = script.shift() ?? '';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('documented answer accepted, malformed one refused, then the budget (40 tokens; 21 per documented answer) stops calls', async () => {
  const env = loadEnv(advisorEnvSchema, {
    STAGE: h.stage,
    LLM_PROVIDER: 'openai',
    LLM_MODEL: 'gpt-4o-mini',
    OPENAI_BASE_URL: baseUrl,
    LLM_DAILY_TOKENS: '40',
    LLM_PRICES: '{"gpt-4o-mini":{"input":"0.15","output":"0.60"}}',
  });
  const budget = dynamoTokenBudget(h.runtime.repos.documentClient, h.stage);
  const { advisor } = buildAdvisor(env, { audit: h.runtime.repos.audit, budget })!;
  const accountId = `acc-ai-${Date.now()}`;
  const ask = {
    accountId,
    purpose: 'strategy-review' as const,
    system: 'You are a helpful math tutor. Guide the user through the solution step by step.',
    prompt: 'how can I solve 8x + 7 = -23',
    schema: MathReasoning,
    schemaName: 'math_reasoning',
  };
  const good = JSON.stringify(docs['structuredOutputs.mathReasoning.content'].body);
  const broken = good.replace('"final_answer":"x = -15 / 4"', '"final_answer":null');
  script.push(good, broken, good);

  expect(await advisor.ask(ask)).toMatchObject({ ok: true, value: { final_answer: 'x = -15 / 4' } });
  const refused = await advisor.ask(ask);
  expect(refused).toMatchObject({ ok: false, reason: 'invalid-answer' });
  expect(refused.ok ? '' : refused.detail).toMatch(/^final_answer: /);
  expect(await advisor.ask(ask)).toMatchObject({ ok: false, reason: 'budget-spent' });
  expect(requests).toBe(2);
  expect(await budget.spent(accountId, Date.now())).toBe(42);

  const trail = (await h.runtime.repos.audit.listByAccount(accountId, 10)) as StoredAuditEvent[];
  const asked = trail.filter((e) => e.type === 'model.asked').reverse();
  expect(asked.map((e) => (e.data as { outcome?: string }).outcome)).toEqual(['ok', 'invalid-answer', 'budget-spent']);
  expect(asked[1]!.data).toMatchObject({
    prompt: 'how can I solve 8x + 7 = -23',
    answer: broken,
    inputTokens: 9,
    outputTokens: 12,
    // 9 × 0.15 / 1M + 12 × 0.60 / 1M
    costUsd: '0.00000855',
  });
});
