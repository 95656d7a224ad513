// The model port over Amazon Bedrock's Converse API (docs/AI.md): the cloud default, authorised by
// the function's IAM role (bedrock:InvokeModel on the one model), so there is no key to keep.
// Structured output the way Converse offers it: one tool whose input schema is the answer's JSON
// Schema, forced with toolChoice, and the model's toolUse input is the answer. No retry here (every
// try is paid for: the advisor decides); the SDK's own retries are off for the same reason.
import { BedrockRuntimeClient, ConverseCommand, type ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import { AdapterError, InvalidArgumentError, ModelTimeoutError } from '../../core/errors';
import type { ModelPort, ModelQuestion, ModelReply } from '../../core/ports/model';

export interface BedrockConverseOptions {
  /** a model id or inference profile id / ARN (e.g. anthropic.claude-3-5-haiku-20241022-v1:0) */
  model: string;
  /** built once per container by the composition root; a test passes one under aws-sdk-client-mock */
  client: BedrockRuntimeClient;
}

/** How much of the service's error text goes into ours. */
const ERROR_TEXT_LIMIT = 300;

/** Errors a later try may not meet: the service or the model was busy or failing. */
const RETRYABLE: Record<string, string> = {
  ThrottlingException: 'MODEL_THROTTLED',
  ServiceQuotaExceededException: 'MODEL_THROTTLED',
  InternalServerException: 'MODEL_PROVIDER_FAILED',
  ServiceUnavailableException: 'MODEL_PROVIDER_FAILED',
  ModelNotReadyException: 'MODEL_PROVIDER_FAILED',
  ModelTimeoutException: 'MODEL_PROVIDER_FAILED',
  ModelErrorException: 'MODEL_PROVIDER_FAILED',
};
/** Errors the same request meets again: a bad schema or model id, no access. */
const TERMINAL: Record<string, string> = {
  ValidationException: 'MODEL_REFUSED',
  AccessDeniedException: 'MODEL_REFUSED',
  ResourceNotFoundException: 'MODEL_REFUSED',
  ConflictException: 'MODEL_REFUSED',
  CredentialsProviderError: 'MODEL_CREDENTIALS',
};

export class BedrockConverseModel implements ModelPort {
  readonly provider = 'bedrock' as const;
  readonly model: string;
  private readonly client: BedrockRuntimeClient;

  constructor(options: BedrockConverseOptions) {
    if (!options.model.trim()) throw new InvalidArgumentError('bedrock: the model id is empty');
    this.model = options.model;
    this.client = options.client;
  }

  async ask(question: ModelQuestion): Promise<ModelReply> {
    const command = new ConverseCommand({
      modelId: this.model,
      system: [{ text: question.system }],
      messages: [{ role: 'user', content: [{ text: question.prompt }] }],
      inferenceConfig: { maxTokens: question.maxOutputTokens },
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: question.schemaName,
              description: 'Give your whole answer as this tool input, matching its schema exactly.',
              inputSchema: { json: question.jsonSchema as never },
            },
          },
        ],
        toolChoice: { tool: { name: question.schemaName } },
      },
    });
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // The SDK stops the request on the signal; the race makes the deadline hold even for a client
    // that ignores it (a stalled socket the SDK has not noticed, a test's mocked send).
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new ModelTimeoutError('bedrock', question.timeoutMs));
      }, question.timeoutMs);
    });
    let output: ConverseCommandOutput;
    try {
      output = await Promise.race([this.client.send(command, { abortSignal: controller.signal }), deadline]);
    } catch (error) {
      if (error instanceof ModelTimeoutError || controller.signal.aborted)
        throw new ModelTimeoutError('bedrock', question.timeoutMs);
      throw translate(error);
    } finally {
      clearTimeout(timer);
    }
    return {
      text: answerText(output, question.schemaName),
      inputTokens: tokens(output.usage?.inputTokens),
      outputTokens: tokens(output.usage?.outputTokens),
      provider: this.provider,
      model: this.model,
    };
  }
}

/**
 * The forced tool's input as JSON text; when the model wrote prose instead (a model that does not
 * honour toolChoice), that prose, which the advisor then refuses as not JSON.
 */
function answerText(output: ConverseCommandOutput, toolName: string): string {
  const content = output.output?.message?.content ?? [];
  const use = content.find((block) => block.toolUse?.name === toolName)?.toolUse;
  if (use) return JSON.stringify(use.input ?? null);
  return content
    .map((block) => block.text ?? '')
    .join('')
    .trim();
}

/** An SDK error as an AdapterError, read by its name (the service's exception), never its message. */
function translate(error: unknown): AdapterError {
  const { name, message, $fault, $metadata } = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const label = typeof name === 'string' ? name : 'Error';
  const text = `bedrock: ${label}${typeof message === 'string' && message ? `: ${message.slice(0, ERROR_TEXT_LIMIT)}` : ''}`;
  const retryableCode = RETRYABLE[label];
  if (retryableCode) return new AdapterError(text, retryableCode, true);
  const terminalCode = TERMINAL[label];
  if (terminalCode) return new AdapterError(text, terminalCode, false);
  // An exception this version does not name: the service's own verdict (5xx / server fault) decides.
  if ($fault === 'server' || ($metadata?.httpStatusCode ?? 0) >= 500)
    return new AdapterError(text, 'MODEL_PROVIDER_FAILED', true);
  if ($fault === 'client') return new AdapterError(text, 'MODEL_REFUSED', false);
  // No service answer at all: the network (the SDK's message may name the endpoint, not a secret).
  return new AdapterError(`bedrock: network error (${label})`, 'MODEL_UNREACHABLE', true);
}

/** A token count as the service wrote it; absent or not a whole non-negative number counts 0. */
const tokens = (n: unknown): number => (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : 0);

/** The client as the composition root builds it: the SDK's retries off (each try is billed; the advisor decides). */
export const createBedrockClient = (region: string): BedrockRuntimeClient =>
  new BedrockRuntimeClient({ region, maxAttempts: 1 });
