// The advisor's contract (docs/AI.md): a structured question to a model, validated, metered against
// the account's daily token budget and audited ('model.asked'), whatever the provider. Everything
// that uses a model (strategy draft / improve / review, the market summary, the ensemble vote) asks
// through an Advisor and never sees a provider.
import type * as z from 'zod/mini';
import type { ModelReply } from './ports';

export type AdvisorPurpose =
  'strategy-draft' | 'strategy-improve' | 'strategy-review' | 'market-summary' | 'ensemble-vote';

export interface StructuredAsk<T> {
  /** whose budget pays and whose audit trail keeps the question */
  accountId: string;
  purpose: AdvisorPurpose;
  system: string;
  prompt: string;
  /** the answer's schema: its JSON Schema goes to the provider, and the answer must parse with it */
  schema: z.ZodMiniType<T>;
  schemaName: string;
  maxOutputTokens?: number;
  timeoutMs?: number;
}

/**
 * Why an answer was not used. 'unsafe-prompt' (added with the advisor): the question looked like it
 * carried a key or a token and was never sent.
 */
export type AdvisorRefusal = 'timeout' | 'invalid-answer' | 'budget-spent' | 'provider-error' | 'unsafe-prompt';

export type StructuredAnswer<T> =
  | { ok: true; value: T; reply: ModelReply; costUsd: string }
  | {
      ok: false;
      reason: AdvisorRefusal;
      /** what went wrong, naming the path for an invalid answer; never a key or a token */
      detail: string;
      reply?: ModelReply;
    };

export interface Advisor {
  /** never throws for a model's failure: a refusal says why; nothing changed but the audit and the budget */
  ask<T>(question: StructuredAsk<T>): Promise<StructuredAnswer<T>>;
}
