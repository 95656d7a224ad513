// The webhook handler's metrics and correlation id: every request counted, the outcome (queued,
// duplicate) or the rejection by reason, and the signal id as correlation_id once issued.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createWebhookHandler, rejectionReason } from '../../../../functions/webhook/app';
import { SignalValidationError, TransientError, UnauthorizedError } from '../../../../shared/core/errors';
import type { AcceptWebhook } from '../../../../shared/core/signal/accept-webhook';
import { capturedMetrics, captureStdout, testLogger } from '../log-capture';

const event = (): APIGatewayProxyEventV2 =>
  ({
    body: '{"token":"secret-token","action":"long"}',
    isBase64Encoded: false,
    requestContext: { http: { sourceIp: '52.89.214.238' } },
    headers: {},
  }) as unknown as APIGatewayProxyEventV2;
const context = { awsRequestId: 'req-1', functionName: 'webhook' } as Context;

function setup(execute: AcceptWebhook['execute']) {
  const m = capturedMetrics('webhook');
  const handler = createWebhookHandler({ execute } as AcceptWebhook, testLogger('webhook'), m.metrics);
  return { handler, ...m };
}

describe('webhook handler: metrics', () => {
  it('counts the request and the queued signal', async () => {
    const { handler, named } = setup(
      async () => ({ outcome: 'queued', signalId: 'sig-1' }) as Awaited<ReturnType<AcceptWebhook['execute']>>,
    );
    const { result } = await captureStdout(() => handler(event(), context));
    expect(result.statusCode).toBe(202);
    expect(named('WebhooksReceived')).toHaveLength(1);
    expect(named('SignalsQueued')).toHaveLength(1);
    expect(named('SignalsDuplicate')).toHaveLength(0);
    expect(named('WebhooksRejected')).toHaveLength(0);
  });

  it('counts a replay as a duplicate, not as queued', async () => {
    const { handler, named } = setup(
      async () => ({ outcome: 'duplicate', signalId: 'sig-1' }) as Awaited<ReturnType<AcceptWebhook['execute']>>,
    );
    const { result } = await captureStdout(() => handler(event(), context));
    expect(result.statusCode).toBe(200);
    expect(named('SignalsDuplicate')).toHaveLength(1);
    expect(named('SignalsQueued')).toHaveLength(0);
  });

  it.each([
    [new UnauthorizedError(), 401, 'UNAUTHORIZED'],
    [new SignalValidationError([{ field: 'symbol', message: 'required' }]), 422, 'VALIDATION'],
    [new TransientError('queue down'), 503, 'TRANSIENT'],
    [new Error('boom'), 500, 'INTERNAL'],
  ])('counts a rejection by its reason: %s', async (error, status, reason) => {
    const { handler, named } = setup(async () => {
      throw error;
    });
    const { result } = await captureStdout(() => handler(event(), context));
    expect(result.statusCode).toBe(status);
    expect(named('WebhooksReceived')).toHaveLength(1);
    const [rejected] = named('WebhooksRejected');
    expect(rejected).toMatchObject({ reason, WebhooksRejected: 1, service: 'webhook' });
    expect(rejected?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'stage'],
      ['service', 'stage', 'reason'],
    ]);
    expect(rejectionReason(error)).toBe(reason);
  });
});

describe('webhook handler: logs', () => {
  it('logs the signal id as correlation_id once issued, and drops it after the request', async () => {
    const { handler } = setup(
      async () => ({ outcome: 'queued', signalId: 'sig-42' }) as Awaited<ReturnType<AcceptWebhook['execute']>>,
    );
    const { lines } = await captureStdout(async () => {
      await handler(event(), context);
      await handler(event(), context);
    });
    const queued = lines.filter((l) => l.message === 'signal queued');
    expect(queued).toHaveLength(2);
    for (const l of queued) expect(l).toMatchObject({ correlation_id: 'sig-42', signalId: 'sig-42', level: 'INFO' });
  });

  it('has no correlation id on a rejection (no signal id was issued) and never logs the body', async () => {
    const { handler } = setup(async () => {
      throw new UnauthorizedError();
    });
    const { lines } = await captureStdout(() => handler(event(), context));
    const rejected = lines.find((l) => l.message === 'webhook rejected');
    expect(rejected).toBeDefined();
    expect(rejected?.correlation_id).toBeUndefined();
    expect(JSON.stringify(lines)).not.toContain('secret-token');
  });
});

describe("webhook handler: the account's own URL", () => {
  it('passes the path secret and the request id to the use case and never logs the secret', async () => {
    const seen: Parameters<AcceptWebhook['execute']>[0][] = [];
    const { handler } = setup(async (request) => {
      seen.push(request);
      throw new UnauthorizedError();
    });
    const own = {
      ...event(),
      pathParameters: { account: 'acc-1', secret: 'the-url-secret-token' },
      requestContext: { http: { sourceIp: '52.89.214.238' }, requestId: 'api-req-7' },
    } as unknown as APIGatewayProxyEventV2;
    const { result, lines } = await captureStdout(() => handler(own, context));
    expect(result.statusCode).toBe(401);
    expect(seen[0]).toMatchObject({ pathAccount: 'acc-1', pathSecret: 'the-url-secret-token', requestId: 'api-req-7' });
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toContain('the-url-secret-token');
  });
});
