// Domain errors say whether a retry can help. Boundaries translate them: SQS retry vs terminal
// rejection in the executor, HTTP status only at the API edge (shared/platform/http.ts).

export interface FieldIssue {
  field: string;
  message: string;
}

/** Base class: `retryable` decides whether the message goes back to the queue. */
export abstract class DomainError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request body is not JSON nor key=value text: HTTP 400. */
export class MalformedSignalError extends DomainError {
  readonly retryable = false;
  constructor(message: string) {
    super(message, 'MALFORMED');
  }
}

/** Fields fail the schema or a configured limit: HTTP 422 naming each field. */
export class SignalValidationError extends DomainError {
  readonly retryable = false;
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '), 'VALIDATION');
  }
}

/** Token wrong or missing. Deliberately carries no detail. */
export class UnauthorizedError extends DomainError {
  readonly retryable = false;
  constructor() {
    super('unauthorized', 'UNAUTHORIZED');
  }
}

export class ForbiddenSourceError extends DomainError {
  readonly retryable = false;
  constructor() {
    super('forbidden', 'FORBIDDEN');
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly retryable = false;
  constructor(readonly limitBytes: number) {
    super(`body exceeds ${limitBytes} bytes`, 'TOO_LARGE');
  }
}

/** A dependency (queue, table, exchange) failed in a way a retry may fix: HTTP 503 / SQS retry. */
export class TransientError extends DomainError {
  readonly retryable = true;
  constructor(message: string, readonly causeError?: unknown) {
    super(message, 'TRANSIENT');
  }
}

/** The signal cannot be executed as asked and never will be (unknown symbol, below minimum…). */
export class SignalRejectedError extends DomainError {
  readonly retryable = false;
  constructor(message: string, code: string, readonly details: Record<string, unknown> = {}) {
    super(message, code);
  }
}

/** Exchange outcome is unknown (timeout/5xx after send): must be resolved by client order id. */
export class AmbiguousOrderError extends DomainError {
  readonly retryable = true;
  constructor(message: string, readonly clientOrderId: string) {
    super(message, 'AMBIGUOUS');
  }
}

/** A conditional write lost: the work was already done by an earlier attempt (case 14). */
export class ConditionalConflictError extends DomainError {
  readonly retryable = false;
  constructor(message: string) {
    super(message, 'CONFLICT');
  }
}

/**
 * Errors of the program's own arithmetic that the same signal raises again on every attempt: big.js
 * refusing a value ("[big.js] Invalid number"), a RangeError (toFixed, an array length). Retrying
 * them would only block the signal's queue group; the signal is rejected instead.
 */
export function terminalArithmeticError(error: unknown): SignalRejectedError | undefined {
  if (error instanceof RangeError) return new SignalRejectedError(`a number derived from the signal is out of range: ${error.message}`, 'NUMBER_OUT_OF_RANGE', { cause: error.name });
  if (error instanceof Error && error.message.startsWith('[big.js]')) return new SignalRejectedError(`a number derived from the signal is not valid: ${error.message}`, 'INVALID_NUMBER', { cause: 'big.js' });
  return undefined;
}
