// `strategy draft`: a natural-language request → the model's rule file → the rule validator (its
// path-named errors are the refusal) → the compiler → backtest, split and walk-forward on the
// user's candles → kept as a draft with its report. Any step that fails refuses the whole draft
// and nothing is kept; nothing here can enable a strategy or reach an order (the advisor layer
// never imports execution: .dependency-cruiser.cjs).
import * as z from 'zod/mini';
import type { Candles } from '../backtest/types';
import { InvalidArgumentError } from '../errors';
import type { StrategyDefinition, StrategyParams } from '../strategies/types';
import type { Clock } from './ports';
import {
  draftId,
  type DraftModel,
  type DraftStore,
  type RuleCodec,
  type RuleError,
  type StrategyDraft,
} from './strategy-drafts';
import { evaluateStrategy, type EvaluationOptions, type StrategyEvaluation } from './strategy-evaluation';
import type { Advisor, AdvisorRefusal, StructuredAnswer } from './types';

export const MAX_PROMPT_CHARS = 4000;
/** A rule file longer than this is not a strategy anyone will review. */
export const MAX_RULE_FILE_CHARS = 20_000;

/**
 * The answer: the rule file travels as JSON text, so the one rule validator (parseRuleFile) reads
 * it exactly as it reads a file, with its path-named errors, and the schema the provider enforces
 * stays small and closed (strict structured outputs take no open-ended objects).
 */
export const draftAnswerSchema = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(64)),
  rationale: z.string().check(z.maxLength(2000)),
  ruleFile: z.string().check(z.minLength(2), z.maxLength(MAX_RULE_FILE_CHARS)),
});
export type DraftAnswer = z.infer<typeof draftAnswerSchema>;

export interface DraftDeps<R> {
  advisor: Advisor;
  rules: RuleCodec<R> & { /** the format's reference for the model (docs/STRATEGIES.md, an example) */ guide: string };
  drafts: DraftStore;
  clock: Clock;
}

export interface DraftInput {
  accountId: string;
  prompt: string;
  candles: Candles;
  data: { source: string; symbol?: string; timeframe?: string };
  evaluation: EvaluationOptions;
}

/** Where a refused draft stopped. */
export type DraftStage = 'model' | 'rules' | 'compile' | 'backtest';

export type DraftOutcome =
  | { ok: true; draft: StrategyDraft }
  | { ok: false; stage: DraftStage; reason: AdvisorRefusal | 'invalid-rules'; detail: string; errors?: RuleError[] };

export async function draftStrategy<R>(deps: DraftDeps<R>, input: DraftInput): Promise<DraftOutcome> {
  const prompt = input.prompt.trim();
  if (prompt.length === 0) throw new InvalidArgumentError('--prompt: empty; say what the strategy should do');
  if (prompt.length > MAX_PROMPT_CHARS)
    throw new InvalidArgumentError(`--prompt: ${prompt.length} characters; at most ${MAX_PROMPT_CHARS}`);

  const answer = await deps.advisor.ask({
    accountId: input.accountId,
    purpose: 'strategy-draft',
    system: draftSystem(deps.rules.guide),
    prompt: [`Request: ${prompt}`, '', dataLine(input)].join('\n'),
    schema: draftAnswerSchema,
    schemaName: 'strategy_draft',
  });
  if (!answer.ok) return { ok: false, stage: 'model', reason: answer.reason, detail: answer.detail };

  const tested = await testRuleFile(deps.rules, answer.value.ruleFile, input);
  if (!tested.ok) return tested;
  const at = deps.clock.now();
  const draft: StrategyDraft = {
    id: draftId(answer.value.name, at),
    status: 'draft',
    createdAt: at,
    accountId: input.accountId,
    origin: { kind: 'draft', prompt },
    name: answer.value.name,
    rationale: answer.value.rationale,
    ruleFile: tested.ruleFile,
    data: dataOf(input),
    report: tested.report,
    model: modelOf(answer),
  };
  await deps.drafts.create(draft);
  return { ok: true, draft };
}

export type TestedRuleFile<R> =
  | {
      ok: true;
      rules: R;
      definition: StrategyDefinition;
      params: StrategyParams;
      ruleFile: string;
      report: StrategyEvaluation;
    }
  | { ok: false; stage: DraftStage; reason: 'invalid-rules'; detail: string; errors?: RuleError[] };

/** A rule file from a model through the validator, the compiler and the evaluation; refused at the first failure. */
export async function testRuleFile<R>(
  codec: RuleCodec<R>,
  text: string,
  input: Pick<DraftInput, 'candles' | 'evaluation'>,
): Promise<TestedRuleFile<R>> {
  const parsed = codec.parse(text);
  if (!parsed.ok) {
    const shown = parsed.errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`);
    return {
      ok: false,
      stage: 'rules',
      reason: 'invalid-rules',
      detail: `the rule file is invalid: ${shown.join('; ')}${parsed.errors.length > 5 ? ` (+${parsed.errors.length - 5} more)` : ''}`,
      errors: parsed.errors,
    };
  }
  let definition: StrategyDefinition;
  let params: StrategyParams;
  try {
    definition = codec.compile(parsed.rules);
    params = defaultParams(definition);
    definition.create(params);
  } catch (error) {
    return {
      ok: false,
      stage: 'compile',
      reason: 'invalid-rules',
      detail: `the rule file does not compile: ${messageOf(error)}`,
    };
  }
  let report: StrategyEvaluation;
  try {
    report = await evaluateStrategy(input.candles, definition, params, input.evaluation);
  } catch (error) {
    // The candles and the config were checked before the model was asked: what fails here is the strategy.
    return {
      ok: false,
      stage: 'backtest',
      reason: 'invalid-rules',
      detail: `the backtest refused it: ${messageOf(error)}`,
    };
  }
  return { ok: true, rules: parsed.rules, definition, params, ruleFile: canonical(text), report };
}

export function defaultParams(def: StrategyDefinition): StrategyParams {
  return Object.fromEntries(def.params.map((p) => [p.name, p.default]));
}

export function modelOf(answer: StructuredAnswer<unknown> & { ok: true }): DraftModel {
  return {
    provider: answer.reply.provider,
    model: answer.reply.model,
    inputTokens: answer.reply.inputTokens,
    outputTokens: answer.reply.outputTokens,
    costUsd: answer.costUsd,
  };
}

export function dataOf(input: Pick<DraftInput, 'candles' | 'data'>): StrategyDraft['data'] {
  const t = input.candles.time;
  return { source: input.data.source, candles: t.length, from: t[0]!, to: t[t.length - 1]! };
}

function dataLine(input: DraftInput): string {
  const t = input.candles.time;
  const market = [input.data.symbol, input.data.timeframe].filter(Boolean).join(' ');
  return `It will be backtested on ${t.length} candles${market ? ` of ${market}` : ''} from ${new Date(t[0]!).toISOString()} to ${new Date(t[t.length - 1]!).toISOString()}, then walked forward.`;
}

function draftSystem(guide: string): string {
  return [
    'You write trading strategies for crypto perpetual futures as rule files, the declarative format described below.',
    'Answer with one JSON object: "name" (a short name), "rationale" (why the rules should work, and when they would not),',
    'and "ruleFile": the complete rule file as JSON text. Every entry must have an exit and a stop-loss; declare tunable',
    'numbers as parameters with ranges. Use only what the format defines. Your rule file is validated, backtested and',
    'walked forward; it can never place an order, and a human decides whether it is ever enabled.',
    '',
    'The rule format:',
    guide,
  ].join('\n');
}

/** The rule file as kept: pretty JSON when it is JSON, otherwise (YAML) as written. */
function canonical(text: string): string {
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text;
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
