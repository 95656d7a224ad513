// Domain errors say whether a retry can help. Boundaries translate them: SQS retry vs terminal
// rejection in the executor, HTTP status only at the API edge (shared/platform/http.ts).
//
// One hierarchy: everything shared/ and functions/ throw is a DomainError, so a consumer decides
// retry or terminal from `retryable` alone, never from a message. Errors an adapter translates from
// an outside system (exchange, notification channel) are AdapterErrors: a subclass, not a second
// root, because the consumers (executor, HTTP edge, metrics) then need only one `instanceof`; the
// subclass adds nothing but a `retryable` set per instance, since the same system answers both ways
// (a 429 or 5xx may pass, a 4xx will not). Third-party errors (AWS SDK, ccxt, big.js, the runtime's
// RangeError) are classified where they enter: ccxt-errors.ts, terminal-errors.ts, below.

export interface FieldIssue {
  field: string;
  message: string;
}

/**
 * Base class: `retryable` decides whether the message goes back to the queue. `name` from
 * new.target is the class's name only unbundled: the minified bundles rename classes, so a class
 * whose name is read (logs, replies) also sets it as text.
 */
export abstract class DomainError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    message: string,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An outside system's answer, translated by its adapter: whether a retry can help is the adapter's reading of it. */
export class AdapterError extends DomainError {
  constructor(
    message: string,
    code: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, code, options);
    this.name = 'AdapterError';
  }
}

/** A value given to a function, a command or a setting that it cannot use; the same value fails the same way every time. */
export class InvalidArgumentError extends DomainError {
  readonly retryable = false;
  constructor(message: string, code = 'INVALID_ARGUMENT', options?: ErrorOptions) {
    super(message, code, options);
    this.name = 'InvalidArgumentError';
  }
}

/** The deployment's configuration (environment, secrets, bundled files) is missing or wrong: no retry mends it. */
export class ConfigError extends DomainError {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'CONFIG', options);
    this.name = 'ConfigError';
  }
}

/** The program broke one of its own rules (a bug, or a book changed behind its back): retrying repeats it. */
export class InvariantError extends DomainError {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'INVARIANT', options);
    this.name = 'InvariantError';
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

/**
 * The owner's console or CLI asked for something this actor may not do: a viewer acting, or a
 * destructive action without a fresh sign-in (reason 'role' or 'stale_auth'), a money move without a
 * fresh second factor ('second_factor_required'): HTTP 403.
 */
export class ForbiddenActionError extends DomainError {
  readonly retryable = false;
  constructor(
    readonly reason: 'role' | 'stale_auth' | 'second_factor_required',
    message: string,
  ) {
    super(message, reason === 'role' ? 'FORBIDDEN_ROLE' : reason === 'stale_auth' ? 'STALE_AUTH' : 'SECOND_FACTOR');
    this.name = 'ForbiddenActionError';
  }
}

/**
 * The tenant's plan does not allow this (docs/TENANCY.md "Plans"): a live account over the plan's
 * live slots, a strategy over its strategies, a backtest over its day. The message names the plan,
 * the limit and the use ("plan free allows 0 live accounts (you have 0)"); HTTP 403 plan_limit.
 * Only what opens or adds is ever refused: closes, reductions, flattens and protective orders never are.
 */
export class PlanLimitError extends DomainError {
  readonly retryable = false;
  constructor(
    readonly plan: string,
    /** the PlanLimits key: liveAccounts, strategies, backtestsPerDay… */
    readonly limit: string,
    readonly allowed: number,
    readonly inUse: number,
    message: string,
  ) {
    super(message, 'PLAN_LIMIT');
    this.name = 'PlanLimitError';
  }
}

/** What the request names does not exist (an account, a trade, an order): HTTP 404. */
export class NotFoundError extends DomainError {
  readonly retryable = false;
  constructor(
    readonly what: string,
    message: string,
  ) {
    super(message, 'NOT_FOUND');
    this.name = 'NotFoundError';
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
  constructor(
    message: string,
    readonly causeError?: unknown,
  ) {
    super(message, 'TRANSIENT');
  }
}

/**
 * A language model did not answer within its time (docs/AI.md): the call was abandoned through its
 * AbortSignal. Retryable: a later ask may well be answered (the advisor reports it as the refusal
 * 'timeout' and never retries by itself, since every try is paid for).
 */
export class ModelTimeoutError extends DomainError {
  readonly retryable = true;
  constructor(
    readonly provider: string,
    readonly timeoutMs: number,
  ) {
    super(`${provider}: no answer within ${timeoutMs} ms`, 'MODEL_TIMEOUT');
    this.name = 'ModelTimeoutError';
  }
}

/** The signal cannot be executed as asked and never will be (unknown symbol, below minimum…). */
export class SignalRejectedError extends DomainError {
  readonly retryable = false;
  constructor(
    message: string,
    code: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message, code);
  }
}

/** Exchange outcome is unknown (timeout/5xx after send): must be resolved by client order id. */
export class AmbiguousOrderError extends DomainError {
  readonly retryable = true;
  constructor(
    message: string,
    readonly clientOrderId: string,
  ) {
    super(message, 'AMBIGUOUS');
  }
}

/**
 * A conditional write lost: another writer (or an earlier attempt, case 14) changed the item since
 * it was read. Retryable: reading again and re-applying is the cure (the book keeper does so itself;
 * a conflict that escapes returns the signal to the queue, whose next delivery finds the work done).
 * At the API edge it stays a 422 conflict (shared/platform/http.ts).
 */
export class ConditionalConflictError extends DomainError {
  readonly retryable = true;
  constructor(message: string) {
    super(message, 'CONFLICT');
  }
}

/**
 * The terminal rejection a domain error means, or undefined when a retry may help: decided by the
 * class (`retryable`), never by the message. A SignalRejectedError is its own rejection; any other
 * terminal one keeps its code and names its class.
 */
export function terminalRejection(error: DomainError): SignalRejectedError | undefined {
  if (error.retryable) return undefined;
  if (error instanceof SignalRejectedError) return error;
  return new SignalRejectedError(error.message, error.code, { cause: error.name });
}

/**
 * Errors of the program's own arithmetic that the same signal raises again on every attempt: big.js
 * refusing a value ("[big.js] Invalid number"), a RangeError (toFixed, an array length). Retrying
 * them would only block the signal's queue group; the signal is rejected instead.
 */
export function terminalArithmeticError(error: unknown): SignalRejectedError | undefined {
  if (error instanceof RangeError)
    return new SignalRejectedError(
      `a number derived from the signal is out of range: ${error.message}`,
      'NUMBER_OUT_OF_RANGE',
      { cause: error.name },
    );
  if (error instanceof Error && error.message.startsWith('[big.js]'))
    return new SignalRejectedError(
      `a number derived from the signal is not valid: ${error.message}`,
      'INVALID_NUMBER',
      { cause: 'big.js' },
    );
  return undefined;
}
