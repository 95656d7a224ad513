// A strategy a model drafted (or improved), as it is kept: the rule file that passed the rule
// validator and compiler, the report of its backtest / split / walk-forward, and what the model
// said about it. Its status is always 'draft': no code path here enables it; a human does that with
// `strategy enable --rules FILE` (docs/AI-strategies.md), which the second factor guards on a live
// account.
import type { ModelProvider } from './ports';
import type { StrategyDefinition } from '../strategies/types';
import type { StrategyEvaluation } from './strategy-evaluation';

/** One problem of a rule file, named by its path (`rules.entry.long[1].above`). */
export interface RuleError {
  path: string;
  message: string;
}

export type RuleParse<R> = { ok: true; rules: R } | { ok: false; errors: RuleError[] };

/** The rule format as the advisor uses it: the one validator and the one compiler (shared/core/strategies/rules). */
export interface RuleCodec<R> {
  parse(text: string): RuleParse<R>;
  /** throws (InvalidArgumentError, RangeError) when the rules cannot be compiled */
  compile(rules: R): StrategyDefinition;
}

export interface DraftModel {
  provider: ModelProvider;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
}

export interface StrategyDraft {
  id: string;
  /** always 'draft': enabling is a human act outside the advisor */
  status: 'draft';
  createdAt: number;
  /** whose model budget paid, and whose audit trail holds the question */
  accountId: string;
  origin: { kind: 'draft'; prompt: string } | { kind: 'improve'; goal: string; parent: string; proposal: string };
  name: string;
  rationale: string;
  /** the rule file exactly as validated (JSON text) */
  ruleFile: string;
  data: { source: string; candles: number; from: number; to: number };
  report: StrategyEvaluation;
  model: DraftModel;
}

/** Where drafts are kept (bin/commands/draft-files.ts: a local folder). */
export interface DraftStore {
  /** keeps a new draft; refuses (throws) an id already used: a draft is never overwritten */
  create(draft: StrategyDraft): Promise<void>;
  get(id: string): Promise<StrategyDraft | undefined>;
}

const DRAFT_ID = /^[a-z0-9][a-z0-9-]{0,79}$/;

export const isDraftId = (id: string): boolean => DRAFT_ID.test(id);

/** `draft-20240131-120000-trend-follower`: sortable by time, readable, safe as a file name. */
export function draftId(name: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `draft-${stamp}${slug ? `-${slug}` : ''}`;
}
