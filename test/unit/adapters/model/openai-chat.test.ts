// OpenAiChatModel against a fake OpenAI-compatible server (node:http on 127.0.0.1, port 0) that
// replays OpenAI's documented bodies (test/fixtures/model/openai.json, each with its source): the
// request is the structured-outputs request OpenAI documents, the answer its chat completion
// object. The fake is ours; what it answers is OpenAI's. Its faults (a 429, a 500, a stall, an error
// that echoes the Authorization header) are the ones the adapter must classify and scrub.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAiChatModel } from '../../../../shared/adapters/model/openai-chat';
import { AdapterError, ModelTimeoutError } from '../../../../shared/core/errors';
import type { ModelQuestion } from '../../../../shared/core/ports/model';
import fixtures from '../../../fixtures/model/openai.json';

const docs = fixtures.examples;
const mathRequest = docs['structuredOutputs.mathReasoning.request'].body;
const KEY = 'sk-test-0123456789abcdefghijklmnopqrstuv';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  body: Record<string, unknown>;
}
type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const s: Seen = {
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      };
      seen.push(s);
      handler(req, res, s);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => (seen.length = 0));

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

/** OpenAI's documented chat completion object carrying, as its content, the documented structured answer. */
const structuredAnswer = () => {
  const body = structuredClone(docs['chatCompletion.object'].body) as { choices: { message: { content: string } }[] };
  body.choices[0]!.message.content = JSON.stringify(docs['structuredOutputs.mathReasoning.content'].body);
  return body;
};

const mathQuestion = (over: Partial<ModelQuestion> = {}): ModelQuestion => ({
  system: mathRequest.messages[0]!.content,
  prompt: mathRequest.messages[1]!.content,
  jsonSchema: mathRequest.response_format.json_schema.schema,
  schemaName: mathRequest.response_format.json_schema.name,
  maxOutputTokens: 500,
  timeoutMs: 5_000,
  ...over,
});

const model = (over: Partial<ConstructorParameters<typeof OpenAiChatModel>[0]> = {}) =>
  new OpenAiChatModel({ model: 'gpt-4o-2024-08-06', baseUrl, apiKey: KEY, ...over });

test("sends OpenAI's documented structured-outputs request and reads the documented answer", async () => {
  handler = (_req, res) => json(res, 200, structuredAnswer());
  const reply = await model().ask(mathQuestion());

  expect(seen).toHaveLength(1);
  expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions', authorization: `Bearer ${KEY}` });
  // The documented request body, field for field, plus the output cap.
  expect(seen[0]!.body).toEqual({ ...mathRequest, max_tokens: 500 });
  expect(JSON.parse(reply.text)).toEqual(docs['structuredOutputs.mathReasoning.content'].body);
  expect(reply).toMatchObject({ inputTokens: 9, outputTokens: 12, provider: 'openai', model: 'gpt-4o-2024-08-06' });
  expect(reply.refusal).toBeUndefined();
});

test('no key (a local Ollama or vLLM): no Authorization header at all', async () => {
  handler = (_req, res) => json(res, 200, structuredAnswer());
  await model({ apiKey: undefined }).ask(mathQuestion());
  expect(seen[0]!.authorization).toBeUndefined();
});

test('api.openai.com gets max_completion_tokens (its reasoning models refuse max_tokens); the field is configurable', async () => {
  handler = (_req, res) => json(res, 200, structuredAnswer());
  await model({ maxTokensField: 'max_completion_tokens' }).ask(mathQuestion({ maxOutputTokens: 77 }));
  expect(seen[0]!.body).toMatchObject({ max_completion_tokens: 77 });
  expect(seen[0]!.body).not.toHaveProperty('max_tokens');
  let asked: RequestInit | undefined;
  const capture = (async (_url: string, init: RequestInit) => {
    asked = init;
    return new Response(JSON.stringify(structuredAnswer()), { status: 200 });
  }) as unknown as typeof fetch;
  await new OpenAiChatModel({ model: 'gpt-4o', apiKey: KEY, fetch: capture }).ask(mathQuestion({ maxOutputTokens: 9 }));
  expect(JSON.parse(String(asked!.body))).toMatchObject({ max_completion_tokens: 9 });
});

test('the documented refusal comes back as `refusal`, with the tokens it used, and no text', async () => {
  handler = (_req, res) => json(res, 200, docs['structuredOutputs.refusal'].body);
  const reply = await model().ask(mathQuestion());
  expect(reply).toMatchObject({
    text: '',
    refusal: "I'm sorry, I cannot assist with that request.",
    inputTokens: 81,
    outputTokens: 11,
  });
});

test('a non-JSON content (the documented plain-prose completion) is passed on as text: the advisor refuses it', async () => {
  handler = (_req, res) => json(res, 200, docs['chatCompletion.object'].body);
  const reply = await model().ask(mathQuestion());
  expect(reply.text).toBe('\n\nHello there, how may I assist you today?');
  expect(() => JSON.parse(reply.text) as unknown).toThrow();
});

test("429: retryable, MODEL_THROTTLED, with the server's message", async () => {
  handler = (_req, res) =>
    json(res, 429, {
      error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
  const error = await model()
    .ask(mathQuestion())
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AdapterError);
  expect(error).toMatchObject({ retryable: true, code: 'MODEL_THROTTLED' });
  expect((error as Error).message).toBe('openai: HTTP 429: Rate limit reached for requests (rate_limit_exceeded)');
});

test('500 with a non-JSON body: retryable, MODEL_PROVIDER_FAILED', async () => {
  handler = (_req, res) => json(res, 500, '<html>upstream failed</html>');
  const error = await model()
    .ask(mathQuestion())
    .catch((e: unknown) => e);
  expect(error).toMatchObject({ retryable: true, code: 'MODEL_PROVIDER_FAILED', message: 'openai: HTTP 500' });
});

test('400 (a schema the server rejects): terminal, MODEL_REFUSED', async () => {
  handler = (_req, res) =>
    json(res, 400, {
      error: {
        message: "Invalid schema for response_format 'math_reasoning'",
        type: 'invalid_request_error',
        param: 'response_format',
        code: null,
      },
    });
  const error = await model()
    .ask(mathQuestion())
    .catch((e: unknown) => e);
  expect(error).toMatchObject({ retryable: false, code: 'MODEL_REFUSED' });
});

test('an error that echoes the Authorization header never carries the key', async () => {
  handler = (_req, res, s) =>
    json(res, 401, {
      error: {
        message: `bad header: Authorization: ${s.authorization}; key ${KEY}`,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      },
    });
  const error = (await model()
    .ask(mathQuestion())
    .catch((e: unknown) => e)) as AdapterError;
  expect(error).toMatchObject({ retryable: false, code: 'MODEL_REFUSED' });
  expect(error.message).toContain('[redacted]');
  expect(JSON.stringify({ m: error.message, e: error, s: error.stack })).not.toContain(KEY.slice(3));
});

test('a 200 whose body is not JSON: retryable MODEL_BAD_RESPONSE', async () => {
  handler = (_req, res) => json(res, 200, 'not json at all');
  await expect(model().ask(mathQuestion())).rejects.toMatchObject({ code: 'MODEL_BAD_RESPONSE', retryable: true });
});

test('a server that never answers: ModelTimeoutError after timeoutMs (the request is abandoned)', async () => {
  handler = () => undefined; // holds the request open
  const error = await model()
    .ask(mathQuestion({ timeoutMs: 150 }))
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelTimeoutError);
  expect(error).toMatchObject({ retryable: true, code: 'MODEL_TIMEOUT', timeoutMs: 150 });
});

test('a server that sends headers then stalls the body: also a timeout', async () => {
  handler = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"choices": [');
  };
  await expect(model().ask(mathQuestion({ timeoutMs: 150 }))).rejects.toBeInstanceOf(ModelTimeoutError);
});

test('nothing listening: retryable MODEL_UNREACHABLE without the address', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const error = (await model({ baseUrl: `http://127.0.0.1:${port}/v1` })
    .ask(mathQuestion())
    .catch((e: unknown) => e)) as AdapterError;
  expect(error).toMatchObject({ retryable: true, code: 'MODEL_UNREACHABLE' });
  expect(error.message).not.toContain(String(port));
});

test('a bad base URL is refused at construction', () => {
  expect(() => model({ baseUrl: 'not a url' })).toThrow('OPENAI_BASE_URL is not a valid URL');
  expect(() => model({ baseUrl: 'file:///etc' })).toThrow('must be http(s)');
});
