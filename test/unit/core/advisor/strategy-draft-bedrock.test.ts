// `strategy draft` over the real Advisor and Bedrock's Converse provider, the client under
// aws-sdk-client-mock answering with the Bedrock user guide's documented tool-use body
// (test/fixtures/model/bedrock.json, its source named there) whose tool input is a recorded
// answer: the draft is validated, backtested and kept, never enabled; a malformed tool input is
// refused, nothing kept, the question still in the audit trail.
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BedrockConverseModel } from '../../../../shared/adapters/model/bedrock-converse';
import { MemoryTokenBudget } from '../../../../shared/adapters/model/memory-token-budget';
import { createAdvisor } from '../../../../shared/core/advisor/advisor';
import { ruleFormatGuide } from '../../../../shared/core/advisor/rule-guide';
import { draftStrategy } from '../../../../shared/core/advisor/strategy-draft';
import { parseCandlesText } from '../../../../shared/core/backtest/candle-parsers';
import type { AuditEventOf } from '../../../../shared/core/domain/audit';
import { compileRules, parseRuleFile } from '../../../../shared/core/strategies/rules';
import bedrockDocs from '../../../fixtures/model/bedrock.json';
import { ManualClock } from '../fakes';
import { MemoryAudit } from '../memory-repos';
import { MemoryDraftStore } from './memory-draft-store';

const bedrock = mockClient(BedrockRuntimeClient);
afterEach(() => bedrock.reset());

const candles = parseCandlesText(
  readFileSync(join(__dirname, '../../../fixtures/backtest/ETHBTC-5m.csv'), 'utf8'),
  'ETHBTC-5m.csv',
);
const RULES = {
  format: 'strategy-rules/1',
  id: 'ema-trend',
  params: { fast: { type: 'int', default: 12, min: 5, max: 30, step: 1 } },
  rules: {
    entry: {
      long: [{ series: 'ema(close,$fast)', crossesAbove: 'ema(close,40)' }],
      short: [{ series: 'ema(close,$fast)', crossesBelow: 'ema(close,40)' }],
    },
  },
  protection: { sl: 1.5, trail: 2 },
};

/** The documented tool-use answer, its tool named as the Advisor forces it and its input our recorded answer. */
function documented(input: unknown) {
  const body = structuredClone(bedrockDocs.examples['toolUse.response'].body) as {
    output: { message: { content: Array<{ toolUse: { name: string; input: unknown } }> } };
  };
  body.output.message.content[0]!.toolUse.name = 'strategy_draft';
  body.output.message.content[0]!.toolUse.input = input;
  // No documented tool-use example carries token numbers: this usage block is ours (TokenUsage's field names).
  return { ...body, usage: { inputTokens: 2100, outputTokens: 350, totalTokens: 2450 } } as never;
}

function setup() {
  const audit = new MemoryAudit();
  const drafts = new MemoryDraftStore();
  const clock = new ManualClock(Date.UTC(2026, 11, 7, 18, 30));
  const advisor = createAdvisor({
    model: new BedrockConverseModel({
      model: 'anthropic.claude-3-haiku-20240307-v1:0',
      client: new BedrockRuntimeClient({ region: 'us-east-1' }),
    }),
    budget: new MemoryTokenBudget(),
    audit,
    clock,
    prices: { 'anthropic.claude-3-haiku-20240307-v1:0': { input: '0.25', output: '1.25' } },
    defaults: { dailyTokens: 100_000, maxOutputTokens: 4_000, timeoutMs: 5_000 },
  });
  const rules = { parse: (t: string) => parseRuleFile(t), compile: compileRules, guide: ruleFormatGuide() };
  const input = {
    accountId: 'acc-1',
    prompt: 'an EMA trend follower with a trailing stop',
    candles,
    data: { source: 'ETHBTC-5m.csv' },
    evaluation: {
      config: {
        cash: 10_000,
        takerFee: 0.0004,
        makerFee: 0.0004,
        slippageBps: 2,
        fillOn: 'next_open' as const,
        size: { kind: 'percent' as const, value: 100 },
        leverage: 1,
        lotStep: 0.001,
        maintenanceMarginRate: 0.004,
        longOnly: false,
      },
    },
  };
  const asked = () => audit.events as Array<AuditEventOf<'model.asked'>>;
  return { deps: { advisor, rules, drafts, clock }, drafts, input, asked };
}

test('draft over Bedrock: the forced tool carries the draft schema; validated, backtested, kept as a draft', async () => {
  const { deps, drafts, input, asked } = setup();
  bedrock
    .on(ConverseCommand)
    .resolves(documented({ name: 'EMA trend', rationale: 'follows trends', ruleFile: JSON.stringify(RULES) }));
  const outcome = await draftStrategy(deps, input);
  if (!outcome.ok) throw new Error(outcome.detail);

  const call = bedrock.commandCalls(ConverseCommand)[0]!.args[0].input;
  expect(call.toolConfig!.toolChoice).toEqual({ tool: { name: 'strategy_draft' } });
  expect(call.toolConfig!.tools![0]!.toolSpec!.inputSchema!.json).toMatchObject({
    required: ['name', 'rationale', 'ruleFile'],
    additionalProperties: false,
  });
  expect(outcome.draft).toMatchObject({
    status: 'draft',
    model: { provider: 'bedrock', inputTokens: 2100, outputTokens: 350, costUsd: '0.0009625' },
  });
  expect(parseRuleFile(outcome.draft.ruleFile)).toEqual({ ok: true, rules: RULES });
  expect(outcome.draft.report.full.metrics.trades).toBeGreaterThan(0);
  expect([...drafts.drafts.keys()]).toEqual([outcome.draft.id]);
  expect(asked().map((e) => [e.type, e.data?.purpose, e.data?.outcome])).toEqual([
    ['model.asked', 'strategy-draft', 'ok'],
  ]);
});

test('a malformed tool input (no rule file) is refused naming the path: nothing kept, the question audited', async () => {
  const { deps, drafts, input, asked } = setup();
  bedrock.on(ConverseCommand).resolves(documented({ name: 'EMA trend', rationale: 'follows trends' }));
  const outcome = await draftStrategy(deps, input);
  expect(outcome).toMatchObject({ ok: false, stage: 'model', reason: 'invalid-answer' });
  expect(!outcome.ok && outcome.detail).toMatch(/ruleFile/);
  expect(drafts.drafts.size).toBe(0);
  expect(asked().map((e) => e.data?.outcome)).toEqual(['invalid-answer']);
});
