// BedrockConverseModel against a mocked Bedrock Runtime client (aws-sdk-client-mock) answering with
// AWS's documented Converse tool-use bodies (test/fixtures/model/bedrock.json, each with its
// source): the request carries the question's schema as the one tool, forced by toolChoice, as the
// user guide's top_song example does, and the documented toolUse answer becomes the reply's text.
// The errors are the SDK's own exception classes, as the client throws them.
import {
  AccessDeniedException,
  BedrockRuntimeClient,
  ConverseCommand,
  InternalServerException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { BedrockConverseModel } from '../../../../shared/adapters/model/bedrock-converse';
import { AdapterError, ModelTimeoutError } from '../../../../shared/core/errors';
import type { ModelQuestion } from '../../../../shared/core/ports/model';
import fixtures from '../../../fixtures/model/bedrock.json';

const docs = fixtures.examples;
const toolSpec = docs['toolUse.request.toolConfig'].body.tools[0]!.toolSpec;
const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

const bedrock = mockClient(BedrockRuntimeClient);
const model = new BedrockConverseModel({ model: MODEL, client: new BedrockRuntimeClient({ region: 'us-east-1' }) });
beforeEach(() => bedrock.reset());

/** The user guide's question: its schema and tool name, its user message. */
const topSong = (over: Partial<ModelQuestion> = {}): ModelQuestion => ({
  system: 'You answer with the tool only.',
  prompt: docs['toolUse.request.messages'].body[0]!.content[0]!.text,
  jsonSchema: toolSpec.inputSchema.json,
  schemaName: toolSpec.name,
  maxOutputTokens: 300,
  timeoutMs: 5_000,
  ...over,
});
const meta = { $metadata: {} };

test("the question's schema is the one tool, forced as the user guide forces top_song; the documented toolUse input is the text", async () => {
  bedrock.on(ConverseCommand).resolves({ ...meta, ...(docs['toolUse.response'].body as object) });
  const reply = await model.ask(topSong());

  const input = bedrock.commandCalls(ConverseCommand)[0]!.args[0].input;
  expect(input).toMatchObject({
    modelId: MODEL,
    system: [{ text: 'You answer with the tool only.' }],
    messages: docs['toolUse.request.messages'].body,
    inferenceConfig: { maxTokens: 300 },
    toolConfig: { toolChoice: docs['toolUse.request.toolChoice'].body },
  });
  expect(input.toolConfig!.tools).toHaveLength(1);
  expect(input.toolConfig!.tools![0]!.toolSpec).toMatchObject({ name: 'top_song', inputSchema: toolSpec.inputSchema });
  expect(JSON.parse(reply.text)).toEqual({ sign: 'WZPZ' });
  // The documented example has no usage block: nothing to count, and nothing invented.
  expect(reply).toMatchObject({ provider: 'bedrock', model: MODEL, inputTokens: 0, outputTokens: 0 });
});

test("usage.inputTokens / outputTokens are the reply's tokens (the usage numbers here are ours; the field names TokenUsage's)", async () => {
  bedrock.on(ConverseCommand).resolves({
    ...meta,
    ...(docs['toolUse.response'].body as object),
    usage: { inputTokens: 412, outputTokens: 57, totalTokens: 469 },
  });
  expect(await model.ask(topSong())).toMatchObject({ inputTokens: 412, outputTokens: 57 });
});

test('a model that writes prose instead of using the tool: the prose is the text (the advisor refuses it)', async () => {
  // Not a documented body (AWS documents none for a forced tool ignored): the shape is the API
  // reference's ContentBlock text, the words ours.
  bedrock.on(ConverseCommand).resolves({
    ...meta,
    output: {
      message: {
        role: 'assistant',
        content: [{ text: 'The most popular song on WZPZ is ' }, { text: 'Elemental Hotel.' }],
      },
    },
    stopReason: 'end_turn',
    usage: { inputTokens: 10, outputTokens: 8, totalTokens: 18 },
  });
  const reply = await model.ask(topSong());
  expect(reply.text).toBe('The most popular song on WZPZ is Elemental Hotel.');
  expect(reply.outputTokens).toBe(8);
});

test('ThrottlingException: retryable MODEL_THROTTLED; InternalServerException: retryable', async () => {
  bedrock
    .on(ConverseCommand)
    .rejects(new ThrottlingException({ message: 'Too many requests, please wait before trying again.', ...meta }));
  const throttled = await model.ask(topSong()).catch((e: unknown) => e);
  expect(throttled).toBeInstanceOf(AdapterError);
  expect(throttled).toMatchObject({ retryable: true, code: 'MODEL_THROTTLED' });
  expect((throttled as Error).message).toBe(
    'bedrock: ThrottlingException: Too many requests, please wait before trying again.',
  );

  bedrock.on(ConverseCommand).rejects(new InternalServerException({ message: 'internal', ...meta }));
  await expect(model.ask(topSong())).rejects.toMatchObject({ retryable: true, code: 'MODEL_PROVIDER_FAILED' });
});

test('ValidationException and AccessDeniedException: terminal MODEL_REFUSED', async () => {
  bedrock
    .on(ConverseCommand)
    .rejects(
      new ValidationException({ message: "This model doesn't support the toolConfig.toolChoice.tool field.", ...meta }),
    );
  await expect(model.ask(topSong())).rejects.toMatchObject({ retryable: false, code: 'MODEL_REFUSED' });
  bedrock.on(ConverseCommand).rejects(
    new AccessDeniedException({
      message: "You don't have access to the model with the specified model ID.",
      ...meta,
    }),
  );
  await expect(model.ask(topSong())).rejects.toMatchObject({ retryable: false, code: 'MODEL_REFUSED' });
});

test('an error with no service answer (the network): retryable MODEL_UNREACHABLE', async () => {
  const socket = Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:443'), { name: 'TimeoutError' });
  bedrock.on(ConverseCommand).rejects(socket);
  await expect(model.ask(topSong())).rejects.toMatchObject({
    retryable: true,
    code: 'MODEL_UNREACHABLE',
    message: 'bedrock: network error (TimeoutError)',
  });
});

test('no answer within timeoutMs: ModelTimeoutError, and the abort signal handed to send() fires', async () => {
  // The mock holds the call open: only the adapter's deadline can end it.
  const send = jest.spyOn(BedrockRuntimeClient.prototype, 'send');
  bedrock.on(ConverseCommand).callsFake(() => new Promise(() => undefined));
  const pending = model.ask(topSong({ timeoutMs: 120 }));
  const signal = (send.mock.calls[0]?.[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
  const error = await pending.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelTimeoutError);
  expect(error).toMatchObject({ retryable: true, code: 'MODEL_TIMEOUT', provider: 'bedrock', timeoutMs: 120 });
  expect(signal?.aborted).toBe(true);
  send.mockRestore();
});
