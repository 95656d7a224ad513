// The model port over any OpenAI-compatible chat-completions endpoint (docs/AI.md): OpenAI itself,
// or a local Ollama / vLLM serving Llama models at OPENAI_BASE_URL. One POST per question with
// Structured Outputs (response_format json_schema, strict), nothing streamed, no retry here (every
// try is paid for: the advisor decides). The API key travels only in the Authorization header and
// never into an error: error texts are scrubbed of it, and of anything shaped like a bearer token,
// in case a proxy or the server echoes the request.
import { AdapterError, InvalidArgumentError, ModelTimeoutError } from '../../core/errors';
import type { ModelPort, ModelQuestion, ModelReply } from '../../core/ports/model';
import { describeNetworkError } from '../notify/network-error';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAiChatOptions {
  model: string;
  /** default https://api.openai.com/v1; a local Ollama is http://localhost:11434/v1 */
  baseUrl?: string;
  /** optional: a local Ollama or vLLM usually takes none */
  apiKey?: string;
  /**
   * The output cap's field: OpenAI's current `max_completion_tokens` (its reasoning models refuse
   * `max_tokens`), or `max_tokens`, which older OpenAI-compatible servers read. Default: the first on
   * api.openai.com, the second elsewhere.
   */
  maxTokensField?: 'max_completion_tokens' | 'max_tokens';
  fetch?: typeof fetch;
}

/** The part of a chat completion object this adapter reads. */
interface ChatCompletion {
  choices?: { message?: { content?: string | null; refusal?: string | null }; finish_reason?: string }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  error?: { message?: string; code?: string | null; type?: string };
}

/** How much of a provider's error text goes into ours. */
const ERROR_TEXT_LIMIT = 300;

export class OpenAiChatModel implements ModelPort {
  readonly provider = 'openai' as const;
  readonly model: string;
  private readonly url: string;
  private readonly apiKey: string | undefined;
  private readonly maxTokensField: 'max_completion_tokens' | 'max_tokens';
  private readonly fetchImpl: typeof fetch;

  constructor(options: OpenAiChatOptions) {
    if (!options.model.trim()) throw new InvalidArgumentError('openai: the model name is empty');
    const base = options.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
    let parsed: URL;
    try {
      parsed = new URL(base);
    } catch {
      throw new InvalidArgumentError('openai: OPENAI_BASE_URL is not a valid URL');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new InvalidArgumentError('openai: OPENAI_BASE_URL must be http(s)');
    this.model = options.model;
    this.url = `${base.replace(/\/+$/, '')}/chat/completions`;
    this.apiKey = options.apiKey || undefined;
    this.maxTokensField =
      options.maxTokensField ?? (parsed.hostname === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens');
    this.fetchImpl = options.fetch ?? fetch;
  }

  async ask(question: ModelQuestion): Promise<ModelReply> {
    const body = {
      model: this.model,
      messages: [
        { role: 'system', content: question.system },
        { role: 'user', content: question.prompt },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: question.schemaName, schema: question.jsonSchema, strict: true },
      },
      [this.maxTokensField]: question.maxOutputTokens,
    };
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.apiKey) headers.Authorization = `Bearer ${this.apiKey}`;
    const signal = AbortSignal.timeout(question.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal,
      });
      status = response.status;
      // The body is read under the same signal: a server that answers headers and then stalls times out too.
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw new ModelTimeoutError('openai', question.timeoutMs);
      // Only the error's name and code: undici's messages and causes can carry the address.
      throw new AdapterError(`openai: network error (${describeNetworkError(error)})`, 'MODEL_UNREACHABLE', true);
    }
    const answer = parseJson(text);
    if (status < 200 || status >= 300) throw this.httpError(status, answer);
    if (!answer)
      throw new AdapterError(
        `openai: HTTP ${status} answer is not a chat completion (not JSON)`,
        'MODEL_BAD_RESPONSE',
        true,
      );
    const choice = answer.choices?.[0];
    if (!choice?.message)
      throw new AdapterError(`openai: HTTP ${status} answer has no choices[0].message`, 'MODEL_BAD_RESPONSE', true);
    const refusal = choice.message.refusal;
    return {
      text: typeof choice.message.content === 'string' ? choice.message.content : '',
      ...(typeof refusal === 'string' && refusal ? { refusal: this.scrub(refusal) } : {}),
      inputTokens: tokens(answer.usage?.prompt_tokens),
      outputTokens: tokens(answer.usage?.completion_tokens),
      provider: this.provider,
      model: this.model,
    };
  }

  /** 429 and 5xx may pass (retryable); any other 4xx is this request refused (terminal). */
  private httpError(status: number, answer: ChatCompletion | undefined): AdapterError {
    const said = answer?.error?.message ? `: ${this.scrub(answer.error.message).slice(0, ERROR_TEXT_LIMIT)}` : '';
    const code = answer?.error?.code ? ` (${this.scrub(String(answer.error.code)).slice(0, 60)})` : '';
    const message = `openai: HTTP ${status}${said}${code}`;
    if (status === 429) return new AdapterError(message, 'MODEL_THROTTLED', true);
    if (status >= 500 || status === 408) return new AdapterError(message, 'MODEL_PROVIDER_FAILED', true);
    return new AdapterError(message, 'MODEL_REFUSED', false);
  }

  /** The key's value and any bearer/sk- token out of a text a server wrote. */
  private scrub(text: string): string {
    let out = this.apiKey ? text.split(this.apiKey).join('[redacted]') : text;
    out = out.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]').replace(/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-[redacted]');
    return out;
  }
}

function parseJson(text: string): ChatCompletion | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as ChatCompletion) : undefined;
  } catch {
    return undefined;
  }
}

/** A token count as the server wrote it; anything not a whole non-negative number counts 0. */
const tokens = (n: unknown): number => (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : 0);
