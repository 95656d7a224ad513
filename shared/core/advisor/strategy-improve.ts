// `strategy improve --goal`: the model reads a strategy's rule file and its report and proposes up
// to N changes — parameter values inside the declared ranges, or a rewritten rule file. Each
// proposal is tested exactly as a draft is (validator, compiler, backtest, split, walk-forward);
// the best one out of sample is shown beside the original with the in-sample / out-of-sample gap.
// Out of sample decides, never in-sample: an in-sample winner is what over-fitting produces.
import * as z from 'zod/mini';
import { objectiveScore } from '../backtest/objective';
import { InvalidArgumentError } from '../errors';
import type { ParamSpec, StrategyDefinition, StrategyParams } from '../strategies/types';
import type { Clock } from './ports';
import { dataOf, defaultParams, MAX_RULE_FILE_CHARS, modelOf, testRuleFile, type DraftInput } from './strategy-draft';
import { draftId, type DraftStore, type RuleCodec, type RuleError, type StrategyDraft } from './strategy-drafts';
import { evaluateStrategy, type StrategyEvaluation } from './strategy-evaluation';
import type { Advisor, AdvisorRefusal } from './types';

export const MAX_PROPOSALS = 5;
export const MAX_GOAL_CHARS = 500;

/** Every field present (strict structured outputs): `params` empty for a rule edit, `ruleFile` "" for a parameter change. */
export function improveAnswerSchema(maxProposals: number) {
  return z.strictObject({
    proposals: z
      .array(
        z.strictObject({
          title: z.string().check(z.minLength(1), z.maxLength(120)),
          rationale: z.string().check(z.maxLength(2000)),
          kind: z.enum(['params', 'rules']),
          params: z
            .array(z.strictObject({ name: z.string().check(z.maxLength(64)), value: z.number() }))
            .check(z.maxLength(50)),
          ruleFile: z.string().check(z.maxLength(MAX_RULE_FILE_CHARS)),
        }),
      )
      .check(z.minLength(1), z.maxLength(maxProposals)),
  });
}
export type ImproveAnswer = z.infer<ReturnType<typeof improveAnswerSchema>>;
type Proposal = ImproveAnswer['proposals'][number];

export interface ImproveDeps<R> {
  advisor: Advisor;
  rules: RuleCodec<R>;
  drafts: DraftStore;
  clock: Clock;
}

export interface ImproveInput extends Omit<DraftInput, 'prompt'> {
  goal: string;
  /** the strategy improved: a saved draft's rule file, or a rule file given by path */
  original: { ruleFile: string; draftId?: string };
  maxProposals: number;
  /** keep the best proposal as a new draft when it beats the original out of sample */
  save: boolean;
}

export interface ProposalResult {
  index: number;
  title: string;
  rationale: string;
  kind: 'params' | 'rules';
  status: 'tested' | 'refused';
  /** why a refused proposal was not tested (a value outside its range, a rule error…) */
  reason?: string;
  errors?: RuleError[];
  params?: StrategyParams;
  evaluation?: StrategyEvaluation;
  /** the objective out of sample (the split's second part) */
  outOfSampleScore?: number;
}

export interface ImproveReport {
  goal: string;
  objective: string;
  original: { params: StrategyParams; evaluation: StrategyEvaluation; outOfSampleScore: number };
  proposals: ProposalResult[];
  /** index of the best tested proposal out of sample, or null when none was tested */
  best: number | null;
  /** whether that best beats the original out of sample */
  bestBeatsOriginal: boolean;
  /** the draft the best proposal was kept as (`save` and it beats the original) */
  savedDraft?: string;
  warnings: string[];
}

export type ImproveOutcome =
  | { ok: true; report: ImproveReport }
  | {
      ok: false;
      stage: 'original' | 'model';
      reason: AdvisorRefusal | 'invalid-rules';
      detail: string;
      errors?: RuleError[];
    };

export async function improveStrategy<R>(deps: ImproveDeps<R>, input: ImproveInput): Promise<ImproveOutcome> {
  const goal = input.goal.trim();
  if (goal.length === 0) throw new InvalidArgumentError('--goal: empty; say what to improve (e.g. "lower drawdown")');
  if (goal.length > MAX_GOAL_CHARS)
    throw new InvalidArgumentError(`--goal: ${goal.length} characters; at most ${MAX_GOAL_CHARS}`);
  if (!(Number.isInteger(input.maxProposals) && input.maxProposals >= 1 && input.maxProposals <= MAX_PROPOSALS))
    throw new InvalidArgumentError(
      `--proposals must be a whole number in [1, ${MAX_PROPOSALS}] (got ${input.maxProposals})`,
    );

  // The original is re-tested on these candles: its stored report may come from other data.
  const original = await testRuleFile(deps.rules, input.original.ruleFile, input);
  if (!original.ok) return { ...original, stage: 'original' };
  const objective = original.report.objective;
  const originalScore = objectiveScore(original.report.split.outOfSample.metrics, objective);

  const answer = await deps.advisor.ask({
    accountId: input.accountId,
    purpose: 'strategy-improve',
    system: IMPROVE_SYSTEM,
    prompt: improvePrompt(goal, input.maxProposals, original.ruleFile, original.definition, original.report),
    schema: improveAnswerSchema(input.maxProposals),
    schemaName: 'strategy_improvements',
  });
  if (!answer.ok) return { ok: false, stage: 'model', reason: answer.reason, detail: answer.detail };

  const proposals: ProposalResult[] = [];
  const tested: Array<{ index: number; ruleFile: string; evaluation: StrategyEvaluation }> = [];
  for (const [index, proposal] of answer.value.proposals.entries()) {
    const head = { index, title: proposal.title, rationale: proposal.rationale, kind: proposal.kind };
    const outcome = await testProposal(deps.rules, proposal, original, input);
    if (!outcome.ok) {
      proposals.push({
        ...head,
        status: 'refused',
        reason: outcome.reason,
        ...(outcome.errors ? { errors: outcome.errors } : {}),
      });
      continue;
    }
    const score = objectiveScore(outcome.evaluation.split.outOfSample.metrics, objective);
    proposals.push({
      ...head,
      status: 'tested',
      params: outcome.evaluation.params,
      evaluation: outcome.evaluation,
      outOfSampleScore: score,
    });
    tested.push({ index, ruleFile: outcome.ruleFile, evaluation: outcome.evaluation });
  }

  const bestTested = tested.reduce<(typeof tested)[number] | undefined>(
    (best, t) => (best === undefined || oosScore(t.evaluation) > oosScore(best.evaluation) ? t : best),
    undefined,
  );
  const bestBeatsOriginal = bestTested !== undefined && oosScore(bestTested.evaluation) > originalScore;
  const warnings = proposalWarnings(proposals, bestTested?.index, bestBeatsOriginal);

  let savedDraft: string | undefined;
  if (input.save && bestTested && bestBeatsOriginal) {
    const at = deps.clock.now();
    const proposal = answer.value.proposals[bestTested.index]!;
    const draft: StrategyDraft = {
      id: draftId(`improved ${proposal.title}`, at),
      status: 'draft',
      createdAt: at,
      accountId: input.accountId,
      origin: { kind: 'improve', goal, parent: input.original.draftId ?? 'rule file', proposal: proposal.title },
      name: proposal.title,
      rationale: proposal.rationale,
      ruleFile: bestTested.ruleFile,
      data: dataOf(input),
      report: bestTested.evaluation,
      model: modelOf(answer),
    };
    await deps.drafts.create(draft);
    savedDraft = draft.id;
  }
  return {
    ok: true,
    report: {
      goal,
      objective,
      original: { params: original.params, evaluation: original.report, outOfSampleScore: originalScore },
      proposals,
      best: bestTested?.index ?? null,
      bestBeatsOriginal,
      ...(savedDraft ? { savedDraft } : {}),
      warnings,
    },
  };
}

const oosScore = (e: StrategyEvaluation): number => objectiveScore(e.split.outOfSample.metrics, e.objective);

type ProposalTest =
  { ok: true; ruleFile: string; evaluation: StrategyEvaluation } | { ok: false; reason: string; errors?: RuleError[] };

async function testProposal<R>(
  codec: RuleCodec<R>,
  proposal: Proposal,
  original: { ruleFile: string; definition: StrategyDefinition; params: StrategyParams },
  input: ImproveInput,
): Promise<ProposalTest> {
  if (proposal.kind === 'rules') {
    const tested = await testRuleFile(codec, proposal.ruleFile, input);
    return tested.ok
      ? { ok: true, ruleFile: tested.ruleFile, evaluation: tested.report }
      : { ok: false, reason: tested.detail, ...(tested.errors ? { errors: tested.errors } : {}) };
  }
  if (proposal.params.length === 0) return { ok: false, reason: 'a parameter change that changes no parameter' };
  const params = { ...original.params };
  for (const { name, value } of proposal.params) {
    const spec = original.definition.params.find((p) => p.name === name);
    const refused = spec === undefined ? `${name}: no such parameter` : outOfRange(spec, value);
    if (refused) return { ok: false, reason: refused };
    params[name] = spec!.type === 'bool' ? value !== 0 : value;
  }
  try {
    original.definition.create(params);
  } catch (error) {
    return { ok: false, reason: `the strategy refuses these parameters: ${(error as Error).message}` };
  }
  const evaluation = await evaluateStrategy(input.candles, original.definition, params, input.evaluation);
  return { ok: true, ruleFile: withDefaults(original.ruleFile, original.definition, params), evaluation };
}

/** A proposed value outside the declared range (or of the wrong kind) is refused, never clamped. */
function outOfRange(spec: ParamSpec, value: number): string | undefined {
  if (spec.type === 'bool')
    return value === 0 || value === 1 ? undefined : `${spec.name}: a boolean is 0 or 1, not ${value}`;
  if (!Number.isFinite(value)) return `${spec.name}: not a number`;
  if (spec.type === 'int' && !Number.isInteger(value)) return `${spec.name}: a whole number, not ${value}`;
  if (spec.min !== undefined && value < spec.min)
    return `${spec.name}: ${value} is below its range [${spec.min}, ${spec.max ?? '∞'}]`;
  if (spec.max !== undefined && value > spec.max)
    return `${spec.name}: ${value} is above its range [${spec.min ?? '−∞'}, ${spec.max}]`;
  return undefined;
}

/**
 * The rule file with the proposal's values as its parameters' defaults, so the kept draft is the
 * tested strategy. Only JSON rule files whose `params` hold a `default` per name are rewritten;
 * otherwise the tested values are in the report's params.
 */
function withDefaults(ruleFile: string, def: StrategyDefinition, params: StrategyParams): string {
  try {
    const doc = JSON.parse(ruleFile) as { params?: Record<string, { default?: unknown }> };
    const declared = doc.params;
    if (declared && typeof declared === 'object') {
      for (const spec of def.params) {
        const entry = declared[spec.name];
        if (entry && typeof entry === 'object' && 'default' in entry) entry.default = params[spec.name];
      }
    }
    return `${JSON.stringify(doc, null, 2)}\n`;
  } catch {
    return ruleFile;
  }
}

function proposalWarnings(proposals: readonly ProposalResult[], best: number | undefined, beats: boolean): string[] {
  const warnings: string[] = [];
  if (!proposals.some((p) => p.status === 'tested')) warnings.push('no proposal could be tested: the original stands');
  else if (!beats) warnings.push('no proposal beats the original out of sample: the original stands');
  for (const p of proposals) {
    if (p.evaluation === undefined) continue;
    const overfit = [p.evaluation.split.overfitting, p.evaluation.walkForward.overfitting].some((c) => c.overfitted);
    if (overfit)
      warnings.push(
        `proposal ${p.index + 1} (${p.title})${p.index === best ? ', the best out of sample,' : ''} looks over-fitted: ${p.evaluation.warnings.filter((w) => w.startsWith('over-fitting')).join('; ')}`,
      );
  }
  return warnings;
}

const IMPROVE_SYSTEM = [
  'You improve trading strategies written as rule files for crypto perpetual futures.',
  'You get a rule file, its backtest report (in-sample, out-of-sample, walk-forward) and a goal.',
  'Propose changes as JSON: "proposals", each with "title", "rationale", "kind" ("params": new values for declared',
  'parameters, inside their ranges, listed in "params" as {name, value} with booleans as 0/1, and "ruleFile" ""; or',
  '"rules": a complete rewritten rule file as JSON text in "ruleFile", and "params" []). Every proposal is re-tested;',
  'the best one out of sample is shown to a human, who alone decides whether anything is enabled.',
  'Prefer few, robust changes over fitting the in-sample period.',
].join('\n');

function improvePrompt(
  goal: string,
  max: number,
  ruleFile: string,
  def: StrategyDefinition,
  report: StrategyEvaluation,
): string {
  const m = (label: string, x: StrategyEvaluation['full']['metrics']) =>
    `${label}: return ${x.returnPct.toFixed(2)} %, max drawdown ${x.maxDrawdownPct.toFixed(2)} %, sharpe ${x.sharpe.toFixed(2)}, trades ${x.trades}, win rate ${x.winRatePct.toFixed(1)} %`;
  const ranges = def.params.map(
    (p) =>
      `${p.name} (${p.type}${p.min !== undefined ? `, ${p.min}..${p.max}` : ''}, now ${String(defaultParams(def)[p.name])})`,
  );
  return [
    `Goal: ${goal}`,
    `Propose at most ${max} changes.`,
    '',
    'Rule file:',
    ruleFile,
    `Parameters: ${ranges.length ? ranges.join('; ') : 'none declared'}`,
    '',
    'Report:',
    m('whole period', report.full.metrics),
    m('in-sample', report.split.inSample.metrics),
    m('out-of-sample', report.split.outOfSample.metrics),
    m('walk-forward (out-of-sample, chained)', report.walkForward.metrics),
    ...report.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}
