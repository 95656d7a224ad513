// `strategy draft` end to end below the CLI: a model's recorded answer → the real rule validator
// and compiler → backtest, split and walk-forward on shipped candles → kept as a draft, never
// enabled. Every malformed answer (not JSON, not the schema, an invalid rule file, one that does
// not compile) is refused with nothing kept; a bad prompt is refused before the model is asked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { draftStrategy, type DraftInput } from '../../../../shared/core/advisor/strategy-draft';
import { ruleFormatGuide } from '../../../../shared/core/advisor/rule-guide';
import { runBacktest } from '../../../../shared/core/backtest/engine';
import { parseCandlesText } from '../../../../shared/core/backtest/candle-parsers';
import type { BacktestConfig } from '../../../../shared/core/backtest/types';
import { compileRules, parseRuleFile } from '../../../../shared/core/strategies/rules';
import { ManualClock } from '../fakes';
import { MemoryDraftStore } from './memory-draft-store';
import { replayAdvisor } from './replay-advisor';

const candles = parseCandlesText(
  readFileSync(join(__dirname, '../../../fixtures/backtest/ETHBTC-5m.csv'), 'utf8'),
  'ETHBTC-5m.csv',
);
const CONFIG: BacktestConfig = {
  cash: 10_000,
  takerFee: 0.0004,
  makerFee: 0.0004,
  slippageBps: 2,
  fillOn: 'next_open',
  size: { kind: 'percent', value: 100 },
  leverage: 1,
  lotStep: 0.001,
  maintenanceMarginRate: 0.004,
  longOnly: false,
};
const codec = { parse: (text: string) => parseRuleFile(text), compile: compileRules, guide: ruleFormatGuide() };

/** What a model answered for "buy RSI dips, with a stop": a rule file as JSON text. */
const RSI_DIP = {
  format: 'strategy-rules/1',
  id: 'rsi-dip',
  description: 'buy when RSI leaves oversold, sell when it reaches overbought',
  params: {
    period: { type: 'int', default: 14, min: 7, max: 28, step: 7 },
    oversold: { type: 'float', default: 35, min: 20, max: 40, step: 5 },
  },
  rules: {
    entry: { long: [{ series: 'rsi(close,$period)', crossesAbove: '$oversold' }] },
    exit: { long: [{ series: 'rsi(close,$period)', atLeast: 65 }] },
  },
  protection: { sl: 2, tp: 4 },
};
const answer = (ruleFile: unknown, name = 'RSI dip') =>
  JSON.stringify({
    name,
    rationale: 'mean reversion after oversold readings',
    ruleFile: typeof ruleFile === 'string' ? ruleFile : JSON.stringify(ruleFile),
  });

const input: DraftInput = {
  accountId: 'acc-1',
  prompt: 'buy RSI dips on ETHBTC with a tight stop',
  candles,
  data: { source: 'ETHBTC-5m.csv', symbol: 'ETHBTC', timeframe: '5m' },
  evaluation: { config: CONFIG },
};

function setup(answers: string[]) {
  const advisor = replayAdvisor(answers);
  const drafts = new MemoryDraftStore();
  const clock = new ManualClock(Date.UTC(2026, 11, 7, 18, 0, 0));
  return { advisor, drafts, deps: { advisor, rules: codec, drafts, clock } };
}

test('draft → validated → backtested → kept as a draft with its report, never enabled', async () => {
  const { advisor, drafts, deps } = setup([answer(RSI_DIP)]);
  const outcome = await draftStrategy(deps, input);
  if (!outcome.ok) throw new Error(outcome.detail);
  const { draft } = outcome;

  expect(advisor.asked).toHaveLength(1);
  expect(advisor.asked[0]).toMatchObject({
    accountId: 'acc-1',
    purpose: 'strategy-draft',
    schemaName: 'strategy_draft',
  });
  expect(advisor.asked[0]!.prompt).toContain('buy RSI dips on ETHBTC with a tight stop');
  expect(advisor.asked[0]!.system).toContain('crossesAbove');

  expect(draft).toMatchObject({
    id: 'draft-20261207-180000-rsi-dip',
    status: 'draft',
    accountId: 'acc-1',
    origin: { kind: 'draft', prompt: input.prompt },
    data: { source: 'ETHBTC-5m.csv', candles: 600 },
    model: { provider: 'openai', model: 'gpt-test', inputTokens: 900, outputTokens: 300, costUsd: '0.0042' },
  });
  expect(Object.keys(draft)).not.toContain('enabled');
  // the kept rule file is the validated one, and the report is its backtest on these candles
  const kept = parseRuleFile(draft.ruleFile);
  expect(kept).toEqual({ ok: true, rules: RSI_DIP });
  const definition = compileRules(RSI_DIP as never);
  const params = Object.fromEntries(definition.params.map((p) => [p.name, p.default]));
  expect(draft.report.full.metrics).toEqual(runBacktest(candles, definition, params, CONFIG).metrics);
  expect(draft.report.full.metrics.trades).toBeGreaterThan(0);
  expect(draft.report.walkForward.windows).toHaveLength(4);
  expect([...drafts.drafts.values()]).toEqual([draft]);
});

describe('a malformed answer is refused and nothing is kept', () => {
  test.each([
    ['not JSON', 'Sure! Here is your strategy: {', 'model', 'invalid-answer'],
    ['not the schema (no ruleFile)', JSON.stringify({ name: 'x', rationale: 'y' }), 'model', 'invalid-answer'],
    [
      'an extra field',
      JSON.stringify({ name: 'x', rationale: 'y', ruleFile: '{}', enable: true }),
      'model',
      'invalid-answer',
    ],
    ['a rule file that is not JSON', answer('entry: buy low'), 'rules', 'invalid-rules'],
  ])('%s', async (_label, text, stage, reason) => {
    const { drafts, deps } = setup([text]);
    const outcome = await draftStrategy(deps, input);
    expect(outcome).toMatchObject({ ok: false, stage, reason });
    expect(drafts.drafts.size).toBe(0);
  });

  test('a rule file the validator refuses: its errors, each with its path, are the refusal', async () => {
    const typo = { ...RSI_DIP, rules: { entry: { long: [{ series: 'rsi(0)', crossesAbove: 30 }] } } };
    const { drafts, deps } = setup([answer(typo)]);
    const outcome = await draftStrategy(deps, input);
    if (outcome.ok) throw new Error('an invalid rule file was kept');
    expect(outcome.stage).toBe('rules');
    expect(outcome.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'rules.entry.long[0].series' })]),
    );
    expect(outcome.detail).toMatch(/^the rule file is invalid: rules\.entry\.long\[0\]\.series: /);
    expect(drafts.drafts.size).toBe(0);
  });

  test('a provider refusal (timeout, budget) is passed on as it is', async () => {
    const { drafts, deps } = setup([]);
    expect(await draftStrategy(deps, input)).toMatchObject({ ok: false, stage: 'model', reason: 'provider-error' });
    expect(drafts.drafts.size).toBe(0);
  });
});

test('an empty or oversized prompt is refused naming the option, before the model is asked', async () => {
  const { advisor, deps } = setup([answer(RSI_DIP)]);
  await expect(draftStrategy(deps, { ...input, prompt: '  ' })).rejects.toThrow(/--prompt: empty/);
  await expect(draftStrategy(deps, { ...input, prompt: 'x'.repeat(4001) })).rejects.toThrow(/at most 4000/);
  expect(advisor.asked).toHaveLength(0);
});
