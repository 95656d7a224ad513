// The ensemble filter's wiring (docs/AI-ensemble.md): one Advisor per model the stage lists in
// ENSEMBLE_MODELS, the vote over them, and the gate the executor asks for entries. No models
// listed: no gate at all, so the executor's path is the one it had (nothing asked, nothing read).
// Models listed: each account still decides with its own switch (settings.ensemble.enabled), read
// from the account the executor has already loaded.
import { EnsembleGate } from '../core/advisor/ensemble-gate';
import { EnsembleVote } from '../core/advisor/ensemble';
import type { CandleSource } from '../core/ports/candles';
import type { AuditLog } from '../core/ports/repositories';
import type { Clock } from '../core/ports/runtime';
import type { EntryGate } from '../core/execution/ports';
import { ConfigError } from '../core/errors';
import type { EnsembleEnv } from '../platform/ensemble-config';
import { buildAdvisor, type AdvisorRuntimeDeps } from './advisor';
import { noProviders, type AdvisorFor, type LlmEnv } from './no-providers';

export { noProviders, type AdvisorFor, type LlmEnv };

/**
 * One Advisor per listed model through the advisor's composition root (shared/runtime/advisor.ts):
 * the stage's LLM_* settings (OpenAI base URL and key, daily tokens, prices, output cap) with the
 * provider and model of the entry. Every model draws on the same per-account daily budget.
 */
export function advisorForEach(env: LlmEnv, deps: AdvisorRuntimeDeps): AdvisorFor {
  return (spec) => {
    const built = buildAdvisor({ ...env, LLM_PROVIDER: spec.provider, LLM_MODEL: spec.model }, deps);
    if (!built) throw new ConfigError(`no advisor for ${spec.id}`); // unreachable: a provider is given
    return built.advisor;
  };
}

/**
 * What a function's composition asks for its models: the test override, else the real Advisors
 * over the stage's LLM_* settings (the budget and its table client are made only when a model is
 * listed, so a function without models builds nothing more), else the refusal at cold start.
 */
export function lazyAdvisors(
  options: { llm?: LlmEnv; advisorFor?: AdvisorFor },
  deps: () => AdvisorRuntimeDeps,
): AdvisorFor {
  if (options.advisorFor) return options.advisorFor;
  const llm = options.llm;
  if (!llm) return noProviders;
  let forEach: AdvisorFor | undefined;
  return (spec) => (forEach ??= advisorForEach(llm, deps()))(spec);
}

export function buildEntryGate(
  env: EnsembleEnv,
  deps: { candles: CandleSource; audit: Pick<AuditLog, 'append'>; clock: Clock; advisorFor: AdvisorFor },
): EntryGate | undefined {
  if (env.ENSEMBLE_MODELS.length === 0) return undefined;
  const vote = new EnsembleVote({
    voters: env.ENSEMBLE_MODELS.map((spec) => ({ model: spec.id, advisor: deps.advisorFor(spec) })),
    audit: deps.audit,
    clock: deps.clock,
    timeoutMs: env.ENSEMBLE_TIMEOUT_MS,
  });
  return new EnsembleGate({ vote, candles: deps.candles, clock: deps.clock });
}
