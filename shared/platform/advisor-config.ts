// The advisor's environment (docs/AI.md "Configuration"): which model answers, through which
// provider, how many tokens an account may use per UTC day, and what they cost. LLM_PROVIDER unset
// = AI off (nothing asks a model). A function that asks spreads `advisorEnv` into its own schema
// and hands the result to shared/runtime/advisor.ts. OPENAI_API_KEY is read here once and never
// logged (the logger masks the name) nor put in an error (none below names a value).
import * as z from 'zod/mini';
import type { ModelPrices } from '../core/advisor/model-prices';
import { ConfigError, common, int } from './config';

/** a price: USD per million tokens as decimal text, 0 … 1000 */
const PRICE = /^(?:0|[1-9]\d{0,2})(?:\.\d{1,6})?$|^1000(?:\.0{1,6})?$/;
const priceSchema = z.object({
  input: z.string().check(z.regex(PRICE, 'USD per 1M tokens, decimal text 0-1000')),
  output: z.string().check(z.regex(PRICE, 'USD per 1M tokens, decimal text 0-1000')),
});
const pricesSchema = z.record(z.string().check(z.minLength(1), z.maxLength(200)), priceSchema);

/** LLM_PRICES: JSON {"<model id>": {"input": "0.25", "output": "1.25"}}; absent = every model unpriced. */
export function parseModelPrices(raw: string | undefined): ModelPrices {
  if (raw === undefined || raw.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError('invalid configuration: LLM_PRICES (not JSON)');
  }
  const parsed = pricesSchema.safeParse(json);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `LLM_PRICES.${i.path.map(String).join('.')} (${i.message})`);
    throw new ConfigError(`invalid configuration: ${names.join(', ')}`);
  }
  return parsed.data;
}

/** The advisor's fields, to spread into the schema of a function that asks. */
export const advisorEnv = {
  /** bedrock (the cloud default: IAM, no key) | openai (any OpenAI-compatible endpoint); unset = AI off */
  LLM_PROVIDER: z.optional(z.enum(['bedrock', 'openai'])),
  /** the model id: a Bedrock model / inference profile id, or the endpoint's model name (gpt-4o-mini, llama3.1:8b) */
  LLM_MODEL: z.optional(
    z.string().check(z.regex(/^[\w.:/@+-]{1,200}$/, 'a model id: letters, digits and . : / @ + - _')),
  ),
  /** OpenAI-compatible base URL (default https://api.openai.com/v1; a local Ollama: http://localhost:11434/v1) */
  OPENAI_BASE_URL: z.optional(z.url({ protocol: /^https?$/, error: 'an http(s) URL' })),
  /** optional for a local Ollama / vLLM; never logged */
  OPENAI_API_KEY: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
  /** tokens (input + output) per account per UTC day; 0 = every ask refused */
  LLM_DAILY_TOKENS: int(200_000),
  /** one ask's deadline */
  LLM_TIMEOUT_MS: int(30_000),
  /** one ask's output cap when the caller names none */
  LLM_MAX_OUTPUT_TOKENS: int(2_000),
  /** the price table, JSON (parseModelPrices) */
  LLM_PRICES: z.optional(z.string()),
};

const requireModel = z.superRefine((env: { LLM_PROVIDER?: string; LLM_MODEL?: string }, ctx) => {
  if (env.LLM_PROVIDER && !env.LLM_MODEL)
    ctx.issues.push({
      code: 'custom',
      message: `required when LLM_PROVIDER=${env.LLM_PROVIDER}`,
      input: undefined,
      path: ['LLM_MODEL'],
    });
});

/** The advisor's own schema (the CLI, tests); functions spread `advisorEnv` and add `advisorEnvCheck`. */
export const advisorEnvSchema = z.object({ ...common, ...advisorEnv }).check(requireModel);
export const advisorEnvCheck = requireModel;

export type AdvisorEnv = z.output<typeof advisorEnvSchema>;
