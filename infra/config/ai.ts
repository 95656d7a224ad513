// The stage's models (docs/AI-ensemble.md): which vote on entries (the executor) and which writes
// the daily report's market summary (the report function), as the functions read them from their
// environment (shared/platform/ensemble-config.ts, advisor-config.ts). No `ai` block: no model
// variable on any function and no Bedrock grant, whatever the accounts' switches say.
// In the cloud only Bedrock models (IAM, no key) and keyless OpenAI-compatible endpoints
// (`openAiBaseUrl`, e.g. a self-hosted vLLM) are supported: the stack carries no OpenAI key yet.

// The functions' own rules (shared/platform/ensemble-config.ts), restated here because infra reads
// no code module (.dependency-cruiser.cjs); test/infra/ai-config.test.ts holds the two equal.
export const MAX_ENSEMBLE_MODELS = 7;
export const MAX_ENSEMBLE_TIMEOUT_MS = 10_000;
const MODEL_ID = /^[A-Za-z0-9._:/-]{1,128}$/;

interface ModelSpec {
  provider: 'bedrock' | 'openai';
  model: string;
}

/** `provider:model`, or what is wrong with it */
export function parseModelSpec(text: string): ModelSpec | string {
  const at = text.indexOf(':');
  const provider = text.slice(0, at);
  const model = text.slice(at + 1);
  if (at < 0 || (provider !== 'bedrock' && provider !== 'openai'))
    return `"${text.slice(0, 40)}" must be provider:model with provider bedrock or openai`;
  if (!MODEL_ID.test(model)) return `"${text.slice(0, 40)}": the model id must be 1-128 of A-Z a-z 0-9 . _ : / -`;
  return { provider, model };
}

export interface AiConfig {
  /** 'provider:model' entries that vote on entries (ENSEMBLE_MODELS), at most 7 */
  ensembleModels: readonly string[];
  /** each model's time to vote (ENSEMBLE_TIMEOUT_MS, 100..10000; the function's default 4000) */
  ensembleTimeoutMs?: number;
  /** 'provider:model' that writes the daily report's market summary (MARKET_SUMMARY_MODEL) */
  marketSummaryModel?: string;
  /** tokens per account per UTC day, every model together (LLM_DAILY_TOKENS; the function's default 200000) */
  dailyTokens?: number;
  /** USD per million tokens per model id, decimal text (LLM_PRICES) */
  prices?: Readonly<Record<string, { input: string; output: string }>>;
  /** a keyless OpenAI-compatible endpoint (OPENAI_BASE_URL); required by any `openai:` entry */
  openAiBaseUrl?: string;
}

/** One problem per bad field, each naming the field and its bound (validateStageConfig throws them together). */
export function aiProblems(ai: AiConfig | undefined): string[] {
  if (!ai) return [];
  // `-c ai='{...}'` is JSON of any shape: the lists and names are checked before they are read.
  if (!Array.isArray(ai.ensembleModels) || ai.ensembleModels.some((e) => typeof e !== 'string'))
    return ['ai.ensembleModels must be a list of "provider:model" strings (may be empty)'];
  if (ai.marketSummaryModel !== undefined && typeof ai.marketSummaryModel !== 'string')
    return ['ai.marketSummaryModel must be a "provider:model" string'];
  const problems: string[] = [];
  const specs: ModelSpec[] = [];
  const check = (field: string, entry: string) => {
    const spec = parseModelSpec(entry);
    if (typeof spec === 'string') problems.push(`ai.${field}: ${spec}`);
    else specs.push(spec);
  };
  if (ai.ensembleModels.length > MAX_ENSEMBLE_MODELS)
    problems.push(`ai.ensembleModels: at most ${MAX_ENSEMBLE_MODELS} models`);
  if (new Set(ai.ensembleModels).size !== ai.ensembleModels.length)
    problems.push('ai.ensembleModels: a model is listed twice (one model, one vote)');
  for (const entry of ai.ensembleModels) check('ensembleModels', entry);
  if (ai.marketSummaryModel !== undefined) check('marketSummaryModel', ai.marketSummaryModel);
  const timeout = ai.ensembleTimeoutMs;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 100 || timeout > MAX_ENSEMBLE_TIMEOUT_MS))
    problems.push(`ai.ensembleTimeoutMs must be an integer 100..${MAX_ENSEMBLE_TIMEOUT_MS}`);
  if (ai.dailyTokens !== undefined && (!Number.isInteger(ai.dailyTokens) || ai.dailyTokens < 0))
    problems.push('ai.dailyTokens must be an integer >= 0');
  if (ai.openAiBaseUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(ai.openAiBaseUrl))
    problems.push('ai.openAiBaseUrl must be an http(s) URL');
  if (specs.some((s) => s.provider === 'openai') && ai.openAiBaseUrl === undefined)
    problems.push(
      'ai: an openai: model needs ai.openAiBaseUrl (a keyless OpenAI-compatible endpoint); the stack carries no OpenAI key, use bedrock: models',
    );
  return problems;
}

/** The Bedrock model ids among `entries` (what the function's role may invoke). */
export function bedrockModelIds(entries: readonly string[]): string[] {
  return entries
    .map((entry) => parseModelSpec(entry))
    .flatMap((spec) => (typeof spec !== 'string' && spec.provider === 'bedrock' ? [spec.model] : []));
}

/** The LLM_* variables every asking function shares. */
function llmEnvironment(ai: AiConfig): Record<string, string> {
  return {
    ...(ai.dailyTokens !== undefined ? { LLM_DAILY_TOKENS: String(ai.dailyTokens) } : {}),
    ...(ai.prices ? { LLM_PRICES: JSON.stringify(ai.prices) } : {}),
    ...(ai.openAiBaseUrl ? { OPENAI_BASE_URL: ai.openAiBaseUrl } : {}),
  };
}

/** The executor's: the voting models and their time, with the LLM_* settings; none without models. */
export function executorAiEnvironment(ai: AiConfig | undefined): Record<string, string> {
  if (!ai || ai.ensembleModels.length === 0) return {};
  return {
    ENSEMBLE_MODELS: ai.ensembleModels.join(','),
    ...(ai.ensembleTimeoutMs !== undefined ? { ENSEMBLE_TIMEOUT_MS: String(ai.ensembleTimeoutMs) } : {}),
    ...llmEnvironment(ai),
  };
}

/** The report function's: the summary's model with the LLM_* settings; none without one. */
export function reportAiEnvironment(ai: AiConfig | undefined): Record<string, string> {
  if (!ai?.marketSummaryModel) return {};
  return { MARKET_SUMMARY_MODEL: ai.marketSummaryModel, ...llmEnvironment(ai) };
}
