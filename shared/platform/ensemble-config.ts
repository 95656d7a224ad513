// The stage's side of the models' switches (docs/AI-ensemble.md): which models vote on entries and
// how long each may take, which model writes the report's market summary. Unset: nothing is asked,
// whatever the accounts say. Read once at cold start with the function's other variables; a bad
// entry names itself.
import * as z from 'zod/mini';
import { int } from './config';

export type ModelProviderName = 'bedrock' | 'openai';

/** One model as the stage names it: `provider:model`, e.g. openai:gpt-4o-mini. */
export interface ModelSpec {
  provider: ModelProviderName;
  model: string;
  /** as written: how ballots and the summary's label name it */
  id: string;
}

/** Bedrock model and inference-profile ids, OpenAI and Ollama names: letters, digits and . _ : / - */
const MODEL_ID = /^[A-Za-z0-9._:/-]{1,128}$/;
/** more would multiply the cost of every entry for no better vote */
export const MAX_ENSEMBLE_MODELS = 7;
/** the executor's function timeout is 30 s and a batch holds up to 10 signals (infra/config/stages.ts) */
export const MAX_ENSEMBLE_TIMEOUT_MS = 10_000;

/** `provider:model`, or an error that names the entry and what it must be. */
export function parseModelSpec(text: string): ModelSpec | string {
  const at = text.indexOf(':');
  const provider = text.slice(0, at);
  const model = text.slice(at + 1);
  if (at < 0 || (provider !== 'bedrock' && provider !== 'openai'))
    return `"${text.slice(0, 40)}" must be provider:model with provider bedrock or openai`;
  if (!MODEL_ID.test(model)) return `"${text.slice(0, 40)}": the model id must be 1-128 of A-Z a-z 0-9 . _ : / -`;
  return { provider, model, id: text };
}

const modelList = z._default(
  z.pipe(
    z.string(),
    z.transform((s: string, ctx) => {
      const entries = s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      if (entries.length > MAX_ENSEMBLE_MODELS) {
        ctx.issues.push({ code: 'custom', message: `at most ${MAX_ENSEMBLE_MODELS} models`, input: s });
        return z.NEVER;
      }
      const specs: ModelSpec[] = [];
      for (const entry of entries) {
        const spec = parseModelSpec(entry);
        if (typeof spec === 'string') {
          ctx.issues.push({ code: 'custom', message: spec, input: entry });
          return z.NEVER;
        }
        if (specs.some((s) => s.id === spec.id)) {
          ctx.issues.push({ code: 'custom', message: `"${spec.id}" is listed twice (one model, one vote)`, input: s });
          return z.NEVER;
        }
        specs.push(spec);
      }
      return specs;
    }),
  ),
  [] as ModelSpec[],
);

const boundedTimeout = z.pipe(
  int(4_000),
  z
    .number()
    .check(
      z.minimum(100, 'at least 100 ms'),
      z.maximum(MAX_ENSEMBLE_TIMEOUT_MS, `at most ${MAX_ENSEMBLE_TIMEOUT_MS} ms`),
    ),
);

/** The executor's: the ensemble filter's models (empty: off for every account) and each one's time. */
export const ensembleEnv = {
  /** comma-separated provider:model, e.g. "bedrock:anthropic.claude-3-haiku-20240307-v1:0,openai:gpt-4o-mini" */
  ENSEMBLE_MODELS: modelList,
  /** how long each model may take to vote; the entry waits at most this + the candle read (1.5 s) + 0.25 s */
  ENSEMBLE_TIMEOUT_MS: boundedTimeout,
};

const optionalModel = z.optional(
  z.pipe(
    z.string(),
    z.transform((s: string, ctx) => {
      const spec = parseModelSpec(s.trim());
      if (typeof spec !== 'string') return spec;
      ctx.issues.push({ code: 'custom', message: spec, input: s });
      return z.NEVER;
    }),
  ),
);

export const ensembleEnvSchema = z.object(ensembleEnv);
export type EnsembleEnv = z.output<typeof ensembleEnvSchema>;

/** The report function's: the model that writes the market summary (unset: no summary for any account). */
export const marketSummaryEnv = {
  MARKET_SUMMARY_MODEL: optionalModel,
  MARKET_SUMMARY_TIMEOUT_MS: z.pipe(
    int(15_000),
    z.number().check(z.minimum(100, 'at least 100 ms'), z.maximum(60_000, 'at most 60000 ms')),
  ),
};

export const marketSummaryEnvSchema = z.object(marketSummaryEnv);
export type MarketSummaryEnv = z.output<typeof marketSummaryEnvSchema>;
