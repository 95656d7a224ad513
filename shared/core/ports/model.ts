// A language model behind one small port (docs/AI.md). Two providers implement it in
// shared/adapters/model: Amazon Bedrock's Converse API and any OpenAI-compatible chat-completions
// endpoint. The port only carries text: what the answer must look like (a JSON Schema), whether it
// does, what it cost and the audit trail are the advisor's (shared/core/advisor), so no provider
// can skip them. Nothing a model answers reaches an order: its answers are data the existing
// pipeline tests (a rule file to backtest, a vote that can only hold an entry back).

export type ModelProvider = 'bedrock' | 'openai';

/** One question whose answer must be a JSON object matching `jsonSchema`. */
export interface ModelQuestion {
  system: string;
  prompt: string;
  /** the answer's JSON Schema, sent as the provider's structured-output / tool schema */
  jsonSchema: Record<string, unknown>;
  /** a short identifier for the schema (provider tool or response-format name): [a-zA-Z0-9_-]{1,64} */
  schemaName: string;
  maxOutputTokens: number;
  /** the provider call is abandoned after this long (AbortSignal), counted as a timeout */
  timeoutMs: number;
}

/** What the provider returned, unvalidated: `text` is the answer's JSON as the model wrote it. */
export interface ModelReply {
  text: string;
  /**
   * the model declined to answer (OpenAI's `message.refusal`), in its words; `text` is then empty.
   * Optional, added after the contract: a provider without the notion never sets it.
   */
  refusal?: string;
  inputTokens: number;
  outputTokens: number;
  provider: ModelProvider;
  model: string;
}

export interface ModelPort {
  readonly provider: ModelProvider;
  readonly model: string;
  /** rejects with ModelTimeoutError after `timeoutMs`, with a retryable/terminal AppError otherwise */
  ask(question: ModelQuestion): Promise<ModelReply>;
}

/**
 * Tokens an account's asks used per UTC day (docs/AI.md "Budget"): the advisor reads the day's
 * total before a call (a spent budget: no call) and adds what the call really used after it. The
 * add is atomic (two functions asking at once both count); the limit is the advisor's, not the store's.
 */
export interface TokenBudget {
  /** tokens (input + output) charged to the account on the UTC day of `at` */
  spent(accountId: string, at: number): Promise<number>;
  /** adds `tokens` to the day of `at`; returns the day's new total */
  charge(accountId: string, tokens: number, at: number): Promise<number>;
}
