// `strategy improve`: a model's recorded proposals for the shipped sma-cross rule file, each
// re-tested on shipped candles; the best OUT OF SAMPLE is chosen (here not the in-sample best),
// values outside the declared ranges and invalid rule files are refused with their reason,
// over-fitting is warned, and only a proposal that beats the original is ever kept (--save).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { improveStrategy, type ImproveInput } from '../../../../shared/core/advisor/strategy-improve';
import { evaluateStrategy } from '../../../../shared/core/advisor/strategy-evaluation';
import { objectiveScore } from '../../../../shared/core/backtest/objective';
import { parseCandlesText } from '../../../../shared/core/backtest/candle-parsers';
import type { BacktestConfig } from '../../../../shared/core/backtest/types';
import { compileRules, parseRuleFile, type RuleFile } from '../../../../shared/core/strategies/rules';
import { ManualClock } from '../fakes';
import { MemoryDraftStore } from './memory-draft-store';
import { replayAdvisor } from './replay-advisor';

const candles = parseCandlesText(
  readFileSync(join(__dirname, '../../../fixtures/backtest/ETHBTC-5m.csv'), 'utf8'),
  'ETHBTC-5m.csv',
);
const SMA_CROSS = readFileSync(join(__dirname, '../../../../strategies/sma-cross.json'), 'utf8');
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
const codec = { parse: (text: string) => parseRuleFile(text), compile: compileRules };
const definition = compileRules((parseRuleFile(SMA_CROSS) as { rules: RuleFile }).rules);
const defaults = Object.fromEntries(definition.params.map((p) => [p.name, p.default]));

const params = (title: string, values: Record<string, number>) => ({
  title,
  rationale: 'recorded',
  kind: 'params',
  params: Object.entries(values).map(([name, value]) => ({ name, value })),
  ruleFile: '',
});
const PROPOSALS = [
  params('slower pair', { fast: 15, slow: 50 }),
  params('faster pair', { fast: 10, slow: 20 }),
  params('very slow', { slow: 500 }),
  { title: 'typo', rationale: 'recorded', kind: 'rules', params: [], ruleFile: '{"format":"strategy-rules/1"}' },
  params('long pair', { fast: 20, slow: 60 }),
];

const input: ImproveInput = {
  accountId: 'acc-1',
  goal: 'lower drawdown',
  original: { ruleFile: SMA_CROSS, draftId: 'draft-20261207-170000-sma' },
  maxProposals: 5,
  save: true,
  candles,
  data: { source: 'ETHBTC-5m.csv' },
  evaluation: { config: CONFIG },
};

function setup(answers: string[]) {
  const advisor = replayAdvisor(answers);
  const drafts = new MemoryDraftStore();
  return {
    advisor,
    drafts,
    deps: { advisor, rules: codec, drafts, clock: new ManualClock(Date.UTC(2026, 11, 7, 18)) },
  };
}

const oos = async (values: Record<string, number>) =>
  objectiveScore(
    (await evaluateStrategy(candles, definition, { ...defaults, ...values }, { config: CONFIG })).split.outOfSample
      .metrics,
    'sharpe',
  );

test('each proposal re-tested; the best out of sample is chosen beside the original and kept as a draft', async () => {
  const { advisor, drafts, deps } = setup([JSON.stringify({ proposals: PROPOSALS })]);
  const outcome = await improveStrategy(deps, input);
  if (!outcome.ok) throw new Error(outcome.detail);
  const r = outcome.report;

  expect(advisor.asked[0]).toMatchObject({ purpose: 'strategy-improve', accountId: 'acc-1' });
  expect(advisor.asked[0]!.prompt).toMatch(/Goal: lower drawdown/);
  expect(advisor.asked[0]!.prompt).toMatch(/fast \(int, 5\.\.50, now 10\)/);

  expect(r.proposals.map((p) => p.status)).toEqual(['tested', 'tested', 'refused', 'refused', 'tested']);
  expect(r.proposals[2]!.reason).toBe('slow: 500 is above its range [20, 200]');
  expect(r.proposals[3]!.reason).toMatch(/^the rule file is invalid: /);
  expect(r.proposals[3]!.errors!.length).toBeGreaterThan(0);

  // The choice is out of sample: the in-sample leader (proposal 0) is not the one chosen.
  const scores = [
    await oos({ fast: 15, slow: 50 }),
    await oos({ fast: 10, slow: 20 }),
    await oos({ fast: 20, slow: 60 }),
  ];
  expect(r.proposals[0]!.outOfSampleScore).toBe(scores[0]);
  expect(r.proposals[1]!.outOfSampleScore).toBe(scores[1]);
  expect(scores[1]).toBeGreaterThan(Math.max(scores[0]!, scores[2]!));
  expect(r.proposals[0]!.evaluation!.split.inSample.metrics.sharpe).toBeGreaterThan(
    r.proposals[1]!.evaluation!.split.inSample.metrics.sharpe,
  );
  expect(r.best).toBe(1);
  expect(r.original.outOfSampleScore).toBe(await oos({}));
  expect(r.bestBeatsOriginal).toBe(scores[1]! > r.original.outOfSampleScore);
  expect(r.bestBeatsOriginal).toBe(true);

  // over-fitting warned for each tested proposal whose split or walk-forward gap passes the threshold
  // (proposal 5's split: sharpe 0.72 in-sample → 0.18 out-of-sample), the best one marked
  const flagged = r.proposals.filter(
    (p) =>
      p.evaluation && (p.evaluation.split.overfitting.overfitted || p.evaluation.walkForward.overfitting.overfitted),
  );
  expect(r.proposals[4]!.evaluation!.split.overfitting).toMatchObject({ overfitted: true, threshold: 0.5 });
  expect(r.warnings).toHaveLength(flagged.length);
  expect(r.warnings).toContainEqual(
    expect.stringMatching(
      /^proposal 5 \(long pair\) looks over-fitted: over-fitting \(split\): in-sample sharpe 0\.72, out-of-sample 0\.18: 7\d % lower \(threshold 50 %\)/,
    ),
  );
  if (flagged.some((p) => p.index === 1))
    expect(r.warnings).toContainEqual(
      expect.stringMatching(/^proposal 2 \(faster pair\), the best out of sample, looks over-fitted/),
    );

  // kept: the tested values as the rule file's defaults, a draft, its parent named
  expect(r.savedDraft).toBeDefined();
  const kept = drafts.drafts.get(r.savedDraft!)!;
  expect(kept).toMatchObject({
    status: 'draft',
    origin: { kind: 'improve', goal: 'lower drawdown', parent: 'draft-20261207-170000-sma', proposal: 'faster pair' },
  });
  const keptRules = parseRuleFile(kept.ruleFile);
  expect(keptRules.ok && keptRules.rules.params).toMatchObject({ fast: { default: 10 }, slow: { default: 20 } });
  expect(kept.report).toEqual(r.proposals[1]!.evaluation);
});

test('no proposal beating the original out of sample: the original stands and nothing is kept, even with --save', async () => {
  const { drafts, deps } = setup([JSON.stringify({ proposals: [params('long pair', { fast: 20, slow: 60 })] })]);
  const outcome = await improveStrategy(deps, input);
  if (!outcome.ok) throw new Error(outcome.detail);
  expect(outcome.report).toMatchObject({ best: 0, bestBeatsOriginal: false });
  expect(outcome.report.warnings[0]).toBe('no proposal beats the original out of sample: the original stands');
  expect(drafts.drafts.size).toBe(0);
});

test('a malformed answer (more proposals than asked) is refused; nothing tested, nothing kept', async () => {
  const { drafts, deps } = setup([JSON.stringify({ proposals: PROPOSALS })]);
  const outcome = await improveStrategy(deps, { ...input, maxProposals: 2 });
  expect(outcome).toMatchObject({ ok: false, stage: 'model', reason: 'invalid-answer' });
  expect(drafts.drafts.size).toBe(0);
});

test('an original rule file the validator refuses stops before the model is asked', async () => {
  const { advisor, deps } = setup([JSON.stringify({ proposals: PROPOSALS })]);
  const outcome = await improveStrategy(deps, { ...input, original: { ruleFile: '{"format":"x"}' } });
  expect(outcome).toMatchObject({ ok: false, stage: 'original', reason: 'invalid-rules' });
  expect(advisor.asked).toHaveLength(0);
});

test('a rule edit is tested as a draft is; kept as written when it is the best and beats the original', async () => {
  const rewritten = {
    ...(JSON.parse(SMA_CROSS) as Record<string, unknown>),
    id: 'sma-cross-trend',
    rules: {
      entry: {
        long: [{ series: 'sma(close,$fast)', crossesAbove: 'sma(close,$slow)' }],
        short: [{ series: 'sma(close,$fast)', crossesBelow: 'sma(close,$slow)' }],
      },
      exit: {
        long: [{ series: 'close', below: 'sma(close,$slow)' }],
        short: [{ series: 'close', above: 'sma(close,$slow)' }],
      },
    },
    params: {
      ...(JSON.parse(SMA_CROSS) as { params: object }).params,
      fast: { type: 'int', default: 10, min: 5, max: 50, step: 5 },
      slow: { type: 'int', default: 20, min: 20, max: 200, step: 10 },
    },
  };
  const edit = {
    title: 'exit below the slow average',
    rationale: 'r',
    kind: 'rules',
    params: [],
    ruleFile: JSON.stringify(rewritten),
  };
  const { drafts, deps } = setup([JSON.stringify({ proposals: [edit] })]);
  const outcome = await improveStrategy(deps, input);
  if (!outcome.ok) throw new Error(outcome.detail);
  const [p] = outcome.report.proposals;
  expect(p).toMatchObject({ status: 'tested', kind: 'rules' });
  const def = compileRules(rewritten as unknown as RuleFile);
  const expected = await evaluateStrategy(
    candles,
    def,
    Object.fromEntries(def.params.map((s) => [s.name, s.default])),
    { config: CONFIG },
  );
  expect(p!.evaluation).toEqual(expected);
  expect(outcome.report.bestBeatsOriginal).toBe(p!.outOfSampleScore! > outcome.report.original.outOfSampleScore);
  const kept = [...drafts.drafts.values()];
  expect(kept.map((d) => JSON.parse(d.ruleFile) as unknown)).toEqual(
    outcome.report.bestBeatsOriginal ? [rewritten] : [],
  );
});
