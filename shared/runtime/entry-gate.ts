// The executor's ensemble gate (docs/AI-ensemble.md) as its composition holds it. The vote, the
// advisor and the model providers (the Bedrock client and its event-stream code) are reached only
// through the import() below, made when the gate is first asked about an entry. The executor is
// built with code splitting (SPLIT_FUNCTIONS, infra/constructs/bundling.ts), so they are files
// beside its index.mjs that a cold start neither reads nor compiles: a container
// whose stage lists no models never loads them, one that lists models does so once, on its first
// entry. (A bundle built without splitting inlines them, as code that runs only when asked.)
// What a configuration is refused for at cold start is still checked here, before anything is
// built: models listed with no LLM_* settings (noProviders) and an LLM_PRICES that does not parse;
// nothing else in the build depends on the environment.
// Keep the modules behind the import() off what the executor already loads from packages with
// `export *` indexes: esbuild keeps every export of those once they are reached lazily (the token
// budget's DynamoDB commands did: +62 KB, hence token-budget.ts).
import type { Account } from '../core/domain/account';
import type { EntryGate, EntryVerdict } from '../core/execution/ports';
import type { CandleSource } from '../core/ports/candles';
import type { TokenBudget } from '../core/ports/model';
import type { AuditLog } from '../core/ports/repositories';
import type { Clock } from '../core/ports/runtime';
import type { Signal } from '../core/signal/types';
import { parseModelPrices } from '../platform/advisor-config';
import type { EnsembleEnv } from '../platform/ensemble-config';
import { noProviders, type AdvisorFor, type LlmEnv } from './no-providers';

export interface DeferredEntryGateDeps {
  candles: CandleSource;
  audit: AuditLog;
  clock: Clock;
  /** the models' daily token budget (the stage's risk table), made when the gate is built */
  budget: () => TokenBudget;
}

/** An EntryGate built on its first use; a build that failed is tried again on the next. */
export class DeferredEntryGate implements EntryGate {
  private built: Promise<EntryGate> | undefined;

  constructor(private readonly build: () => Promise<EntryGate>) {}

  /** The gate itself, built now if it is not yet (the first entry's moment, or a test's). */
  ready(): Promise<EntryGate> {
    this.built ??= this.build().catch((error: unknown) => {
      this.built = undefined;
      throw error;
    });
    return this.built;
  }

  async check(signal: Signal, account: Account): Promise<EntryVerdict> {
    return (await this.ready()).check(signal, account);
  }
}

/**
 * The gate for the models the stage lists (none: no gate), over the stage's LLM_* settings (`llm`)
 * or a test's `advisorFor`, as shared/runtime/ensemble.ts builds it.
 */
export function deferredEntryGate(
  env: EnsembleEnv,
  options: { llm?: LlmEnv; advisorFor?: AdvisorFor },
  deps: DeferredEntryGateDeps,
): DeferredEntryGate | undefined {
  const first = env.ENSEMBLE_MODELS[0];
  if (!first) return undefined;
  if (!options.advisorFor) {
    if (!options.llm) noProviders(first);
    else parseModelPrices(options.llm.LLM_PRICES);
  }
  return new DeferredEntryGate(async () => {
    const { buildEntryGate, lazyAdvisors } = await import('./ensemble');
    const { candles, audit, clock } = deps;
    const advisorFor = lazyAdvisors(options, () => ({ audit, budget: deps.budget(), clock }));
    // defined: a model is listed
    return buildEntryGate(env, { candles, audit, clock, advisorFor }) as EntryGate;
  });
}
