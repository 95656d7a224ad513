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
