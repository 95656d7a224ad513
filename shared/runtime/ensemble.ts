// The ensemble filter's wiring (docs/AI-ensemble.md): one Advisor per model the stage lists in
// ENSEMBLE_MODELS, the vote over them, and the gate the executor asks for entries. No models
// listed: no gate at all, so the executor's path is the one it had (nothing asked, nothing read).
// Models listed: each account still decides with its own switch (settings.ensemble.enabled), read
// from the account the executor has already loaded.
import { EnsembleGate } from '../core/advisor/ensemble-gate';
import { EnsembleVote } from '../core/advisor/ensemble';
import type { Advisor } from '../core/advisor/types';
import type { CandleSource } from '../core/ports/candles';
import type { AuditLog } from '../core/ports/repositories';
import type { Clock } from '../core/ports/runtime';
import type { EntryGate } from '../core/execution/ports';
import { ConfigError } from '../core/errors';
import type { EnsembleEnv, ModelSpec } from '../platform/ensemble-config';

/** Builds the Advisor that asks one model (its provider adapter, budget and audit: shared/runtime/advisor.ts). */
export type AdvisorFor = (spec: ModelSpec) => Advisor;

/** Until the providers are wired in (the model lane's shared/runtime/advisor.ts), listing models is refused at cold start. */
export const noProviders: AdvisorFor = (spec) => {
  throw new ConfigError(
    `${spec.id} is configured (ENSEMBLE_MODELS / MARKET_SUMMARY_MODEL) but this build has no model providers wired`,
  );
};

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
