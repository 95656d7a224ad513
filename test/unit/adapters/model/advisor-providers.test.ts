// The Advisor over both real providers, offline (issue 16 item 2's "must show"): the OpenAI-compatible
// one against a fake server (node:http, port 0) replaying OpenAI's documented bodies, Bedrock's
// under aws-sdk-client-mock answering with the user guide's documented tool-use body
// (test/fixtures/model, each body with its source). A malformed answer is refused and nothing but
// the audit event and the budget changes; a spent budget stops the next call before any request.
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod/mini';
import { BedrockConverseModel } from '../../../../shared/adapters/model/bedrock-converse';
import { MemoryTokenBudget } from '../../../../shared/adapters/model/memory-token-budget';
import { OpenAiChatModel } from '../../../../shared/adapters/model/openai-chat';
import { createAdvisor } from '../../../../shared/core/advisor/advisor';
import type { AuditEventOf } from '../../../../shared/core/domain/audit';
import { ManualClock } from '../../core/fakes';
import { MemoryAudit } from '../../core/memory-repos';
import bedrockDocs from '../../../fixtures/model/bedrock.json';
import openaiDocs from '../../../fixtures/model/openai.json';

const oa = openaiDocs.examples;
const br = bedrockDocs.examples;

/** The structured-outputs guide's schema, as the caller's zod schema. */
const MathReasoning = z.object({
  steps: z.array(z.object({ explanation: z.string(), output: z.string() })),
  final_answer: z.string(),
});
const TopSong = z.object({ sign: z.string().check(z.regex(/^[A-Z]{4}$/)) });
const mathAsk = {
  accountId: 'acc-1',
  purpose: 'strategy-review' as const,
  system: oa['structuredOutputs.mathReasoning.request'].body.messages[0]!.content,
  prompt: oa['structuredOutputs.mathReasoning.request'].body.messages[1]!.content,
  schema: MathReasoning,
  schemaName: 'math_reasoning',
};

let server: Server;
let baseUrl: string;
/** what the fake answers next: the documented bodies in order */
const script: unknown[] = [];
let requests = 0;
const requestBodies: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      requests += 1;
      requestBodies.push(JSON.parse(raw) as Record<string, unknown>);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(script.shift()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  script.length = 0;
  requests = 0;
  requestBodies.length = 0;
});

/** OpenAI's documented completion object (9 + 12 tokens) carrying `content`. */
const completion = (content: string) => {
  const body = structuredClone(oa['chatCompletion.object'].body);
  body.choices[0]!.message.content = content;
  return body;
};
const documentedMath = () => completion(JSON.stringify(oa['structuredOutputs.mathReasoning.content'].body));

function openAiAdvisor(dailyTokens = 10_000) {
  const audit = new MemoryAudit();
  const budget = new MemoryTokenBudget();
  const clock = new ManualClock();
  const advisor = createAdvisor({
    model: new OpenAiChatModel({ model: 'gpt-4o-2024-08-06', baseUrl, apiKey: 'sk-test-key-0123456789abcdef' }),
    budget,
    audit,
    clock,
    prices: { 'gpt-4o-2024-08-06': { input: '2.50', output: '10.00' } },
    defaults: { dailyTokens, maxOutputTokens: 400, timeoutMs: 5_000 },
    secrets: ['sk-test-key-0123456789abcdef'],
  });
  const asked = () => audit.events as AuditEventOf<'model.asked'>[];
  return { advisor, audit, budget, clock, asked };
}

describe('OpenAI-compatible provider', () => {
  test('the documented structured answer passes the schema; JSON Schema sent from the zod schema; tokens, cost, audit', async () => {
    const { advisor, budget, clock, asked } = openAiAdvisor();
    script.push(documentedMath());
    const answer = await advisor.ask(mathAsk);

    expect(answer).toMatchObject({ ok: true, value: oa['structuredOutputs.mathReasoning.content'].body });
    // 9 × 2.50 / 1M + 12 × 10.00 / 1M, exactly
    expect(answer.ok && answer.costUsd).toBe('0.0001425');
    // The schema the provider received is the guide's schema, derived here from zod.
    expect(requestBodies[0]).toMatchObject({
      response_format: oa['structuredOutputs.mathReasoning.request'].body.response_format,
    });
    expect(await budget.spent('acc-1', clock.now())).toBe(21);
    expect(asked()).toHaveLength(1);
    expect(asked()[0]).toMatchObject({
      type: 'model.asked',
      accountId: 'acc-1',
      data: {
        purpose: 'strategy-review',
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        outcome: 'ok',
        system: mathAsk.system,
        prompt: mathAsk.prompt,
        answer: JSON.stringify(oa['structuredOutputs.mathReasoning.content'].body),
        inputTokens: 9,
        outputTokens: 12,
        costUsd: '0.0001425',
      },
    });
  });

  test('a malformed answer is refused, naming the path; nothing changes but the audit event and the tokens charged', async () => {
    const { advisor, budget, clock, asked } = openAiAdvisor();
    const broken = structuredClone(oa['structuredOutputs.mathReasoning.content'].body) as Record<string, unknown>;
    (broken.steps as Record<string, unknown>[])[2]!.output = 30;
    script.push(completion(JSON.stringify(broken)));
    const answer = await advisor.ask(mathAsk);

    expect(answer).toMatchObject({ ok: false, reason: 'invalid-answer' });
    expect(answer.ok ? '' : answer.detail).toBe('steps.2.output: Invalid input (expected string)');
    expect(answer).not.toHaveProperty('value');
    expect(asked().map((e) => [e.data.outcome, e.data.error])).toEqual([
      ['invalid-answer', 'steps.2.output: Invalid input (expected string)'],
    ]);
    expect(await budget.spent('acc-1', clock.now())).toBe(21);
  });

  test('the documented plain-prose completion (not JSON) and the documented refusal are refused as invalid answers', async () => {
    const { advisor, asked } = openAiAdvisor();
    script.push(oa['chatCompletion.object'].body, oa['structuredOutputs.refusal'].body);
    const prose = await advisor.ask(mathAsk);
    const declined = await advisor.ask(mathAsk);
    expect(prose).toMatchObject({ ok: false, reason: 'invalid-answer', detail: '(root): the answer is not JSON' });
    expect(declined).toMatchObject({
      ok: false,
      reason: 'invalid-answer',
      detail: "the model declined: I'm sorry, I cannot assist with that request.",
    });
    expect(asked().map((e) => e.data.answer)).toEqual([
      '\n\nHello there, how may I assist you today?',
      "I'm sorry, I cannot assist with that request.",
    ]);
  });

  test('the budget stops calls when spent: no request reaches the server, the refusal is audited', async () => {
    // 21 tokens per documented answer; a budget of 40 allows two asks (0 → 21 → 42), then stops.
    const { advisor, budget, clock, asked } = openAiAdvisor(40);
    script.push(documentedMath(), documentedMath(), documentedMath());
    expect((await advisor.ask(mathAsk)).ok).toBe(true);
    expect((await advisor.ask(mathAsk)).ok).toBe(true);
    const third = await advisor.ask(mathAsk);

    expect(third).toMatchObject({ ok: false, reason: 'budget-spent' });
    expect(third.ok ? '' : third.detail).toContain('42 of 40 tokens');
    expect(requests).toBe(2);
    expect(await budget.spent('acc-1', clock.now())).toBe(42);
    expect(asked().map((e) => e.data.outcome)).toEqual(['ok', 'ok', 'budget-spent']);
    // Another account's budget is its own; the next UTC day starts at 0.
    script.length = 0;
    script.push(documentedMath());
    expect((await advisor.ask({ ...mathAsk, accountId: 'acc-2' })).ok).toBe(true);
    clock.t = Date.UTC(2023, 10, 15, 0, 0, 0); // the day after T0 (2023-11-14 22:13 UTC)
    script.push(documentedMath());
    expect((await advisor.ask(mathAsk)).ok).toBe(true);
    expect(requests).toBe(4);
  });

  test('a prompt carrying the configured key is refused before sending and not kept in the audit trail', async () => {
    const { advisor, asked } = openAiAdvisor();
    const answer = await advisor.ask({ ...mathAsk, prompt: 'debug: key is sk-test-key-0123456789abcdef' });
    expect(answer).toMatchObject({ ok: false, reason: 'unsafe-prompt' });
    expect(requests).toBe(0);
    expect(JSON.stringify(asked())).not.toContain('0123456789abcdef');
    expect(asked()[0]!.data).toMatchObject({
      outcome: 'unsafe-prompt',
      prompt: '[withheld: looks like a configured secret]',
    });
  });
});

describe('Bedrock Converse provider', () => {
  const bedrock = mockClient(BedrockRuntimeClient);
  beforeEach(() => bedrock.reset());

  function bedrockAdvisor(dailyTokens = 10_000) {
    const audit = new MemoryAudit();
    const budget = new MemoryTokenBudget();
    const clock = new ManualClock();
    const advisor = createAdvisor({
      model: new BedrockConverseModel({
        model: 'anthropic.claude-3-haiku-20240307-v1:0',
        client: new BedrockRuntimeClient({ region: 'us-east-1' }),
      }),
      budget,
      audit,
      clock,
      prices: {},
      defaults: { dailyTokens, maxOutputTokens: 400, timeoutMs: 5_000 },
    });
    return { advisor, audit, budget, clock, asked: () => audit.events as AuditEventOf<'model.asked'>[] };
  }
  const songAsk = {
    accountId: 'acc-1',
    purpose: 'market-summary' as const,
    system: 'Answer with the tool.',
    prompt: br['toolUse.request.messages'].body[0]!.content[0]!.text,
    schema: TopSong,
    schemaName: 'top_song',
  };
  /** The documented tool-use answer; the usage block is ours (the documented one has none). */
  const documented = (usage?: { inputTokens: number; outputTokens: number }) => ({
    $metadata: {},
    ...(structuredClone(br['toolUse.response'].body) as object),
    ...(usage ? { usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens } } : {}),
  });

  test('the documented toolUse answer passes the schema; an unpriced model costs 0 and the audit says so', async () => {
    const { advisor, asked } = bedrockAdvisor();
    bedrock.on(ConverseCommand).resolves(documented());
    const answer = await advisor.ask(songAsk);
    expect(answer).toMatchObject({ ok: true, value: { sign: 'WZPZ' }, costUsd: '0' });
    const tool = bedrock.commandCalls(ConverseCommand)[0]!.args[0].input.toolConfig!.tools![0]!.toolSpec!;
    // The tool's input schema is the zod schema's JSON Schema, without the `$schema` dialect line.
    expect(tool.inputSchema!.json).toEqual({
      type: 'object',
      properties: { sign: { type: 'string', pattern: '^[A-Z]{4}$' } },
      required: ['sign'],
      additionalProperties: false,
    });
    expect(asked()[0]!.message).toContain('cost unknown: no price for model anthropic.claude-3-haiku-20240307-v1:0');
  });

  test('a malformed tool input (the documented answer with a sign that breaks the schema) is refused, naming the path', async () => {
    const { advisor, asked } = bedrockAdvisor();
    const body = documented({ inputTokens: 30, outputTokens: 5 }) as unknown as {
      output: { message: { content: { toolUse: { input: unknown } }[] } };
    };
    body.output.message.content[0]!.toolUse.input = { sign: 'wzpz radio' };
    bedrock.on(ConverseCommand).resolves(body as never);
    const answer = await advisor.ask(songAsk);
    expect(answer).toMatchObject({ ok: false, reason: 'invalid-answer' });
    expect(answer.ok ? '' : answer.detail).toMatch(/^sign: /);
    expect(asked()[0]!.data).toMatchObject({
      outcome: 'invalid-answer',
      answer: '{"sign":"wzpz radio"}',
      inputTokens: 30,
    });
  });

  test('the budget stops Converse calls when spent', async () => {
    const { advisor, budget, clock } = bedrockAdvisor(100);
    bedrock.on(ConverseCommand).resolves(documented({ inputTokens: 80, outputTokens: 25 }));
    expect((await advisor.ask(songAsk)).ok).toBe(true);
    expect(await advisor.ask(songAsk)).toMatchObject({ ok: false, reason: 'budget-spent' });
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(1);
    expect(await budget.spent('acc-1', clock.now())).toBe(105);
  });

  test('a throttled call is a provider-error refusal, audited, nothing charged', async () => {
    const { advisor, budget, clock, asked } = bedrockAdvisor();
    const { ThrottlingException } = await import('@aws-sdk/client-bedrock-runtime');
    bedrock.on(ConverseCommand).rejects(new ThrottlingException({ message: 'Too many requests', $metadata: {} }));
    const answer = await advisor.ask(songAsk);
    expect(answer).toMatchObject({
      ok: false,
      reason: 'provider-error',
      detail: 'MODEL_THROTTLED: bedrock: ThrottlingException: Too many requests',
    });
    expect(await budget.spent('acc-1', clock.now())).toBe(0);
    expect(asked()[0]!.data.outcome).toBe('provider-error');
  });

  test('a deadline passed is a timeout refusal', async () => {
    const { advisor, asked } = bedrockAdvisor();
    bedrock.on(ConverseCommand).callsFake(() => new Promise(() => undefined));
    const answer = await advisor.ask({ ...songAsk, timeoutMs: 100 });
    expect(answer).toMatchObject({ ok: false, reason: 'timeout', detail: 'bedrock: no answer within 100 ms' });
    expect(asked()[0]!.data.outcome).toBe('timeout');
  });
});
