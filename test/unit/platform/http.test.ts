// The API edge: domain errors to HTTP statuses (without echoing the request), the body decoded,
// the source IP read from the request context only.
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  AmbiguousOrderError,
  ConditionalConflictError,
  ConfigError,
  ForbiddenSourceError,
  InvariantError,
  MalformedSignalError,
  PayloadTooLargeError,
  SignalRejectedError,
  SignalValidationError,
  TransientError,
  UnauthorizedError,
} from '../../../shared/core/errors';
import { errorToHttp, json, requestBody, sourceIp } from '../../../shared/platform/http';

const HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

type ContextEvent = Pick<APIGatewayProxyEventV2, 'requestContext'> & { headers?: Record<string, string> };

/** A request context with only the fields sourceIp reads; the rest of the context is irrelevant here. */
const withContext = (sourceIpValue: string | undefined, headers: Record<string, string> = {}): ContextEvent =>
  ({
    headers,
    requestContext: {
      http: {
        sourceIp: sourceIpValue,
        method: 'POST',
        path: '/webhook',
        protocol: 'HTTP/1.1',
        userAgent: 'TradingView',
      },
    },
  }) as unknown as ContextEvent;

describe('json', () => {
  it('serialises the body with JSON and no-store headers', () => {
    expect(json(202, { status: 'queued', signalId: 's1' })).toEqual({
      statusCode: 202,
      headers: HEADERS,
      body: '{"status":"queued","signalId":"s1"}',
    });
  });
});

describe('errorToHttp', () => {
  it('maps PayloadTooLargeError to 413 with the limit', () => {
    const response = errorToHttp(new PayloadTooLargeError(8192));

    expect(response).toEqual({
      statusCode: 413,
      headers: HEADERS,
      body: JSON.stringify({ error: 'payload_too_large', limitBytes: 8192 }),
    });
  });

  it('maps MalformedSignalError to 400 with its message', () => {
    const response = errorToHttp(new MalformedSignalError('body is not valid JSON'));

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body as string)).toEqual({ error: 'malformed', message: 'body is not valid JSON' });
  });

  it('maps SignalValidationError to 422 listing every issue', () => {
    const issues = [
      { field: 'leverage', message: 'must be at most 125' },
      { field: 'size', message: 'must be greater than 0' },
    ];

    const response = errorToHttp(new SignalValidationError(issues));

    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body as string)).toEqual({ error: 'validation', issues });
  });

  it('maps UnauthorizedError to 401 with exactly {"error":"unauthorized"}', () => {
    const response = errorToHttp(new UnauthorizedError());

    expect(response.statusCode).toBe(401);
    expect(response.body).toBe('{"error":"unauthorized"}');
    expect(response.headers).toEqual(HEADERS);
  });

  it('maps ForbiddenSourceError to 403', () => {
    const response = errorToHttp(new ForbiddenSourceError());

    expect(response.statusCode).toBe(403);
    expect(response.body).toBe('{"error":"forbidden"}');
  });

  it('maps TransientError to 503 without its cause', () => {
    const response = errorToHttp(
      new TransientError('could not enqueue signal: ThrottlingException', new Error('secret detail')),
    );

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body as string)).toEqual({ error: 'unavailable', message: 'try again' });
  });

  it('maps another terminal domain error to 422 named by its code', () => {
    const response = errorToHttp(new SignalRejectedError('order amount 0 is below the minimum', 'BELOW_MIN_AMOUNT'));

    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body as string)).toEqual({
      error: 'below_min_amount',
      message: 'order amount 0 is below the minimum',
    });
  });

  it('maps a ConditionalConflictError (retryable in a queue, final to an HTTP caller) to 422 conflict', () => {
    const response = errorToHttp(new ConditionalConflictError('already done'));

    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body as string)).toEqual({ error: 'conflict', message: 'already done' });
  });

  it.each([
    ['a plain Error', new Error('token=abc leaked')],
    ['a retryable domain error that is not transient', new AmbiguousOrderError('timeout', 'tabc')],
    ["a configuration error (ours to mend, not the caller's)", new ConfigError('invalid configuration: KMS_KEY_ID')],
    [
      'a broken invariant (a bug)',
      new InvariantError('book inconsistency: open position BTC/USDT:USDT has no matching open trade'),
    ],
    ['a string', 'boom'],
    ['undefined', undefined],
  ])('maps %s to 500 without its message', (_name, error) => {
    const response = errorToHttp(error);

    expect(response).toEqual({ statusCode: 500, headers: HEADERS, body: '{"error":"internal"}' });
  });
});

describe('requestBody', () => {
  it('returns a plain body as is', () => {
    expect(requestBody({ body: 'token=abc action=long', isBase64Encoded: false })).toBe('token=abc action=long');
  });

  it('decodes a base64 body as UTF-8', () => {
    const text = '{"action":"long","strategy":"été"}';

    const body = requestBody({ body: Buffer.from(text, 'utf8').toString('base64'), isBase64Encoded: true });

    expect(body).toBe(text);
  });

  it('returns an empty string when there is no body', () => {
    expect(requestBody({ body: undefined, isBase64Encoded: false })).toBe('');
    expect(requestBody({ body: '', isBase64Encoded: true })).toBe('');
  });
});

describe('sourceIp', () => {
  it('reads requestContext.http.sourceIp', () => {
    expect(sourceIp(withContext('52.89.214.238'))).toBe('52.89.214.238');
  });

  it('ignores X-Forwarded-For and X-Real-IP, which the caller controls', () => {
    const event = withContext('203.0.113.9', { 'x-forwarded-for': '52.89.214.238', 'x-real-ip': '34.212.75.30' });

    expect(sourceIp(event)).toBe('203.0.113.9');
  });

  // The deployed webhook API is a REST API (WAF attaches only there): its Lambda proxy event is
  // payload 1.0, the source address at requestContext.identity.sourceIp (API Gateway developer
  // guide, "Input format of a Lambda function for proxy integration"; typed by @types/aws-lambda).
  it('reads requestContext.identity.sourceIp of a REST API proxy event (payload 1.0), not its X-Forwarded-For', () => {
    const event = {
      resource: '/webhook/{account}',
      path: '/webhook/acc-1',
      httpMethod: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '52.89.214.238' },
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: { account: 'acc-1' },
      stageVariables: null,
      body: '{}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: 'abcdef123',
        authorizer: undefined,
        protocol: 'HTTP/1.1',
        httpMethod: 'POST',
        path: '/live/webhook/acc-1',
        stage: 'live',
        requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        requestTimeEpoch: 1_700_000_000_000,
        resourceId: 'abc123',
        resourcePath: '/webhook/{account}',
        identity: {
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp: '198.51.100.7',
          user: null,
          userAgent: 'Go-http-client/1.1',
          userArn: null,
        },
      },
    } satisfies APIGatewayProxyEvent;

    expect(sourceIp(event as unknown as ContextEvent)).toBe('198.51.100.7');
  });

  it('returns an empty string when the context has no source IP, even if a header has one', () => {
    expect(sourceIp(withContext(undefined, { 'x-forwarded-for': '52.89.214.238' }))).toBe('');
    expect(sourceIp({} as ContextEvent)).toBe('');
  });
});
