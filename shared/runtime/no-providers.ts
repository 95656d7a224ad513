// The refusal a composition gives when the stage lists models but it has no model providers to build
// them with, and the shapes it is about. Its own module so that a caller can refuse at cold start
// without loading the providers (shared/runtime/entry-gate.ts); ensemble.ts re-exports it.
import { ConfigError } from '../core/errors';
import type { Advisor } from '../core/advisor/types';
import type { ModelSpec } from '../platform/ensemble-config';
import type { AdvisorEnv } from '../platform/advisor-config';

/** The stage's LLM_* settings every listed model shares; each entry brings its own provider and model. */
export type LlmEnv = Omit<AdvisorEnv, 'LLM_PROVIDER' | 'LLM_MODEL'>;

/** Builds the Advisor that asks one model (its provider adapter, budget and audit: shared/runtime/advisor.ts). */
export type AdvisorFor = (spec: ModelSpec) => Advisor;

/** A composition given no LLM_* settings: listing models is refused at cold start, naming the model. */
export const noProviders: AdvisorFor = (spec) => {
  throw new ConfigError(
    `${spec.id} is configured (ENSEMBLE_MODELS / MARKET_SUMMARY_MODEL) but this build has no model providers wired`,
  );
};
