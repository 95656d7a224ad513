// Webhook function: maps the API Gateway v2 event to the AcceptWebhook use case and the result
// (or the domain error) back to HTTP. Adapters are composed in shared/runtime/webhook.ts.
// Metrics (EMF): every request, its outcome (queued, duplicate) or its rejection by reason. Once the
// signal id is issued it is the log's correlation_id, as in the executor and the notifier.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError, SignalValidationError } from '../../shared/core/errors';
import { ACCEPTED_STATUS, DUPLICATE_STATUS, type AcceptWebhook } from '../../shared/core/signal/accept-webhook';
import { errorToHttp, json, requestBody, sourceIp } from '../../shared/platform/http';
import { createLogger } from '../../shared/platform/logger';
import { createMetrics, type Metrics } from '../../shared/platform/metrics';

export type WebhookHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** The rejection reason as a metric dimension: the domain error's code, INTERNAL for anything else. */
export const rejectionReason = (error: unknown): string => (error instanceof DomainError ? error.code : 'INTERNAL');

export function createWebhookHandler(
  useCase: AcceptWebhook,
  logger: Logger = createLogger('webhook'),
  metrics: Metrics = createMetrics('webhook'),
): WebhookHandler {
  const handle = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    metrics.count('WebhooksReceived');
    try {
      const result = await useCase.execute({
        body: requestBody(event),
        sourceIp: sourceIp(event),
        ...(event.pathParameters?.account ? { pathAccount: event.pathParameters.account } : {}),
        // POST /webhook/{account}/{secret}: the URL carries the token (never logged: nothing here logs the event)
        ...(event.pathParameters?.secret ? { pathSecret: event.pathParameters.secret } : {}),
        ...(event.requestContext?.requestId ? { requestId: event.requestContext.requestId } : {}),
      });
      logger.appendKeys({ correlation_id: result.signalId, signalId: result.signalId });
      logger.info(result.outcome === 'queued' ? 'signal queued' : 'duplicate signal ignored');
      metrics.count(result.outcome === 'queued' ? 'SignalsQueued' : 'SignalsDuplicate');
      return result.outcome === 'queued'
        ? json(ACCEPTED_STATUS, { status: 'queued', signalId: result.signalId })
        : json(DUPLICATE_STATUS, { status: 'duplicate', signalId: result.signalId });
    } catch (error) {
      const response = errorToHttp(error);
      // Only the error's class and code are logged: the body may carry the webhook token.
      const detail =
        error instanceof SignalValidationError
          ? { code: error.code, issues: error.issues }
          : error instanceof DomainError
            ? { code: error.code }
            : { reason: error instanceof Error ? error.name : 'unknown' };
      if (response.statusCode && response.statusCode >= 500)
        logger.error('webhook failed', { ...detail, status: response.statusCode });
      else logger.warn('webhook rejected', { ...detail, status: response.statusCode });
      metrics.count('WebhooksRejected', { reason: rejectionReason(error) });
      return response;
    } finally {
      logger.removeKeys(['correlation_id', 'signalId']);
    }
  };
  return middy(handle).use(injectLambdaContext(logger)) as unknown as WebhookHandler;
}
