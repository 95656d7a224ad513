// The advisor's own rules, with a ModelPort that returns what each test scripts (the providers'
// behaviour is proven in test/unit/adapters/model on their documented bodies): a caller's mistake
// throws before anything is asked or charged, a provider's unexpected error is a refusal named by
// class only, and an ask the audit trail cannot keep is not handed back.
import * as z from 'zod/mini';
import { MemoryTokenBudget } from '../../../../shared/adapters/model/memory-token-budget';
import { createAdvisor } from '../../../../shared/core/advisor/advisor';
import type { ModelPort, ModelQuestion, ModelReply } from '../../../../shared/core/ports/model';
import { InvalidArgumentError } from '../../../../shared/core/errors';
import type { AuditEventOf } from '../../../../shared/core/domain/audit';
import { ManualClock } from '../fakes';
import { MemoryAudit } from '../memory-repos';

class ScriptedModel implements ModelPort {
  readonly provider = 'openai' as const;
  readonly model = 'm-1';
  readonly questions: ModelQuestion[] = [];
  constructor(private readonly next: (q: ModelQuestion) => Promise<ModelReply>) {}
  ask(question: ModelQuestion): Promise<ModelReply> {
    this.questions.push(question);
    return this.next(question);
  }
}
const reply = (text: string): ModelReply => ({
  text,
  inputTokens: 3,
  outputTokens: 4,
  provider: 'openai',
  model: 'm-1',
});
const Vote = z.object({ vote: z.enum(['long', 'short', 'out']) });
const ask = {
  accountId: 'acc-1',
  purpose: 'ensemble-vote' as const,
  system: 's',
  prompt: 'p',
  schema: Vote,
  schemaName: 'vote',
};

function setup(next: (q: ModelQuestion) => Promise<ModelReply>, audit = new MemoryAudit()) {
  const model = new ScriptedModel(next);
  const budget = new MemoryTokenBudget();
  const clock = new ManualClock();
  const advisor = createAdvisor({
    model,
    budget,
    audit,
    clock,
    prices: {},
    defaults: { dailyTokens: 1_000, maxOutputTokens: 200, timeoutMs: 2_000 },
  });
  return { advisor, model, budget, clock, audit };
}

test("the defaults fill what an ask leaves out; the ask's own values win", async () => {
  const { advisor, model } = setup(async () => reply('{"vote":"long"}'));
  expect(await advisor.ask(ask)).toMatchObject({ ok: true, value: { vote: 'long' } });
  await advisor.ask({ ...ask, maxOutputTokens: 50, timeoutMs: 900 });
  expect(model.questions.map((q) => [q.maxOutputTokens, q.timeoutMs, q.schemaName])).toEqual([
    [200, 2_000, 'vote'],
    [50, 900, 'vote'],
  ]);
});

test.each([
  ['schemaName', { schemaName: 'has space' }, 'schemaName: 1-64 of'],
  ['maxOutputTokens', { maxOutputTokens: 0 }, 'maxOutputTokens: must be a whole number from 1 to 32000 (got 0)'],
  ['timeoutMs', { timeoutMs: 1.5 }, 'timeoutMs: must be a whole number from 1 to 300000 (got 1.5)'],
  ['accountId', { accountId: '' }, 'accountId: required'],
  // 50,001 three-byte characters: under 150,000 characters, over 150,000 bytes
  ['prompt', { prompt: '価'.repeat(50_001) }, 'prompt: system + prompt is 150004 bytes, over 150000 (UTF-8)'],
])('a bad %s throws before anything is asked, charged or audited', async (_f, over, message) => {
  const { advisor, model, audit, budget, clock } = setup(async () => reply('{"vote":"long"}'));
  const error = await advisor.ask({ ...ask, ...over }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as Error).message).toContain(message);
  expect(model.questions).toHaveLength(0);
  expect(audit.events).toHaveLength(0);
  expect(await budget.spent('acc-1', clock.now())).toBe(0);
});

test('bad defaults are refused when the advisor is built, naming the field', () => {
  expect(() =>
    createAdvisor({
      model: new ScriptedModel(async () => reply('')),
      budget: new MemoryTokenBudget(),
      audit: new MemoryAudit(),
      clock: new ManualClock(),
      prices: {},
      defaults: { dailyTokens: -1, maxOutputTokens: 10, timeoutMs: 10 },
    }),
  ).toThrow('defaults.dailyTokens: must be a whole number from 0');
});

test("a provider's unexpected error is a provider-error refusal named by its class, never its message", async () => {
  const { advisor, audit } = setup(async () => {
    throw new TypeError('fetch failed for https://user:pass@proxy.example');
  });
  const answer = await advisor.ask(ask);
  expect(answer).toEqual({ ok: false, reason: 'provider-error', detail: 'unexpected TypeError' });
  expect(JSON.stringify(audit.events)).not.toContain('pass@');
});

test('an enum answer outside the schema is refused naming the path; a wrong root type names (root)', async () => {
  const answers = ['{"vote":"buy"}', '[1,2]'];
  const { advisor } = setup(async () => reply(answers.shift()!));
  const first = await advisor.ask(ask);
  const second = await advisor.ask(ask);
  expect(first.ok ? '' : first.detail).toMatch(/^vote: /);
  expect(second.ok ? '' : second.detail).toMatch(/^\(root\): .*\(expected object\)$/);
});

test('an answer the audit trail cannot keep is not handed back (the error propagates)', async () => {
  const audit = new MemoryAudit();
  audit.append = async () => {
    throw new Error('table unavailable');
  };
  const { advisor } = setup(async () => reply('{"vote":"short"}'), audit);
  await expect(advisor.ask(ask)).rejects.toThrow('table unavailable');
});

test('latency is the provider call as the clock saw it', async () => {
  const audit = new MemoryAudit();
  const clocks: ManualClock[] = [];
  const s = setup(async () => {
    clocks[0]!.advance(750);
    return reply('{"vote":"out"}');
  }, audit);
  clocks.push(s.clock);
  await s.advisor.ask(ask);
  expect((audit.events[0] as AuditEventOf<'model.asked'>).data.latencyMs).toBe(750);
});

test("a long answer is kept whole in the answer and cut, marked, in the audit copy (the item stays under DynamoDB's 400 KB)", async () => {
  const long = `{"vote":"long","pad":"${'x'.repeat(120_000)}"}`;
  const { advisor, audit } = setup(async () => reply(long));
  const answer = await advisor.ask({
    ...ask,
    schema: z.object({ vote: z.enum(['long', 'short', 'out']), pad: z.string() }),
  });
  expect(answer.ok && answer.reply.text).toBe(long);
  const copy = (audit.events[0] as AuditEventOf<'model.asked'>).data.answer!;
  expect(copy.startsWith(long.slice(0, 100_000))).toBe(true);
  expect(copy.endsWith(`…[cut: ${long.length - 100_000} more bytes]`)).toBe(true);
});
