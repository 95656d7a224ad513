// Domain errors become HTTP statuses here and nowhere else. Bodies name bad fields but never echo
// the request (it holds the webhook token) and say nothing about why authentication failed.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ConditionalConflictError,
  ConfigError,
  DomainError,
  ForbiddenSourceError,
  InvariantError,
  MalformedSignalError,
  PayloadTooLargeError,
  SignalValidationError,
  TransientError,
  UnauthorizedError,
} from '../core/errors';

export const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

export function errorToHttp(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof PayloadTooLargeError)
    return json(413, { error: 'payload_too_large', limitBytes: error.limitBytes });
  if (error instanceof MalformedSignalError) return json(400, { error: 'malformed', message: error.message });
  if (error instanceof SignalValidationError) return json(422, { error: 'validation', issues: error.issues });
  if (error instanceof UnauthorizedError) return json(401, { error: 'unauthorized' });
  if (error instanceof ForbiddenSourceError) return json(403, { error: 'forbidden' });
  // Ours to mend, not the caller's: said as nothing more than internal.
  if (error instanceof ConfigError || error instanceof InvariantError) return json(500, { error: 'internal' });
  // Retryable in a queue (read again, re-apply), but to an HTTP caller the thing already exists or changed.
  if (error instanceof ConditionalConflictError) return json(422, { error: 'conflict', message: error.message });
  // 5xx makes TradingView retry (up to 3 times, 5 s apart); the dedup record makes that safe.
  if (error instanceof TransientError) return json(503, { error: 'unavailable', message: 'try again' });
  if (error instanceof DomainError && !error.retryable)
    return json(422, { error: error.code.toLowerCase(), message: error.message });
  return json(500, { error: 'internal' });
}

/**
 * A refused webhook call as the alert log keeps it: the status and the text the caller got (the
 * body's `error` as the code, its message or its field issues as the reason; never the request).
 */
export function describeRefusal(error: unknown): {
  httpStatus: number;
  code: string;
  field?: string;
  reason: string;
} {
  const response = errorToHttp(error);
  const body = JSON.parse(String(response.body ?? '{}')) as {
    error?: string;
    message?: string;
    issues?: { field: string; message: string }[];
    limitBytes?: number;
  };
  const code = body.error ?? 'internal';
  const reason = body.issues?.length
    ? body.issues.map((i) => `${i.field}: ${i.message}`).join('; ')
    : (body.message ?? (body.limitBytes !== undefined ? `body exceeds ${body.limitBytes} bytes` : code));
  const field = body.issues?.[0]?.field;
  return { httpStatus: response.statusCode ?? 500, code, ...(field !== undefined ? { field } : {}), reason };
}

/** The HTTP API's body, decoded; API Gateway base64-encodes bodies it considers binary. */
export function requestBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/**
 * Source IP from the request context (never X-Forwarded-For, which the caller controls): payload
 * 2.0 (HTTP API, the local stack) has it at http.sourceIp, the REST API's proxy event (payload 1.0,
 * the deployed webhook API) at identity.sourceIp.
 */
export const sourceIp = (event: Pick<APIGatewayProxyEventV2, 'requestContext'>): string => {
  const context = event.requestContext as
    { http?: { sourceIp?: string }; identity?: { sourceIp?: string } } | undefined;
  return (context?.http ?? context?.identity)?.sourceIp ?? '';
};
