// The advisor's wiring (docs/AI.md): the composition root every part that asks a model calls (the
// ensemble vote, strategy draft / improve / review). From the environment it picks the provider
// (Bedrock Converse over the function's IAM role, or an OpenAI-compatible endpoint), the daily
// token budget (the risk table's llm#<day> items; in memory for tests and a local run without
// DynamoDB), the price table and the defaults. LLM_PROVIDER unset: no advisor, AI off.
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { BedrockConverseModel, createBedrockClient } from '../adapters/model/bedrock-converse';
import { OpenAiChatModel } from '../adapters/model/openai-chat';
import { createAdvisor } from '../core/advisor/advisor';
import type { Advisor } from '../core/advisor/types';
import { ConfigError } from '../core/errors';
import type { ModelPort, TokenBudget } from '../core/ports/model';
import type { AuditLog } from '../core/ports/repositories';
import { systemClock, type Clock } from '../core/ports/runtime';
import { parseModelPrices, type AdvisorEnv } from '../platform/advisor-config';

export interface AdvisorRuntimeDeps {
  audit: AuditLog;
  budget: TokenBudget;
  clock?: Clock;
  /** tests: a client under aws-sdk-client-mock; default one per container, SDK retries off */
  bedrockClient?: BedrockRuntimeClient;
  /** tests: a scripted fetch for the OpenAI-compatible provider */
  fetch?: typeof fetch;
}

export interface AdvisorRuntime {
  advisor: Advisor;
  provider: ModelPort['provider'];
  model: string;
}

/** The advisor the environment configures, or undefined when LLM_PROVIDER is unset (AI off). */
export function buildAdvisor(
  env: Pick<
    AdvisorEnv,
    | 'AWS_REGION'
    | 'LLM_PROVIDER'
    | 'LLM_MODEL'
    | 'OPENAI_BASE_URL'
    | 'OPENAI_API_KEY'
    | 'LLM_DAILY_TOKENS'
    | 'LLM_TIMEOUT_MS'
    | 'LLM_MAX_OUTPUT_TOKENS'
    | 'LLM_PRICES'
  >,
  deps: AdvisorRuntimeDeps,
): AdvisorRuntime | undefined {
  if (!env.LLM_PROVIDER) return undefined;
  if (!env.LLM_MODEL)
    throw new ConfigError(`invalid configuration: LLM_MODEL (required when LLM_PROVIDER=${env.LLM_PROVIDER})`);
  const model: ModelPort =
    env.LLM_PROVIDER === 'bedrock'
      ? new BedrockConverseModel({
          model: env.LLM_MODEL,
          client: deps.bedrockClient ?? createBedrockClient(env.AWS_REGION),
        })
      : new OpenAiChatModel({
          model: env.LLM_MODEL,
          baseUrl: env.OPENAI_BASE_URL,
          apiKey: env.OPENAI_API_KEY,
          fetch: deps.fetch,
        });
  const advisor = createAdvisor({
    model,
    budget: deps.budget,
    audit: deps.audit,
    clock: deps.clock ?? systemClock,
    prices: parseModelPrices(env.LLM_PRICES),
    defaults: {
      dailyTokens: env.LLM_DAILY_TOKENS,
      maxOutputTokens: env.LLM_MAX_OUTPUT_TOKENS,
      timeoutMs: env.LLM_TIMEOUT_MS,
    },
    // The key's exact value is refused in any prompt, besides every key-shaped text.
    secrets: env.OPENAI_API_KEY ? [env.OPENAI_API_KEY] : [],
  });
  return { advisor, provider: model.provider, model: model.model };
}
