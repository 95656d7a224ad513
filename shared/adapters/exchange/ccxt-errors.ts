// Translates ccxt's errors into domain errors that say retryable or terminal, keeping the
// exchange's own code. The exchange code decides first (it is precise: Binance -2022 means "your
// reduce-only close found no position"); ccxt's class hierarchy is the fallback.
import { AdapterError, AmbiguousOrderError, SignalRejectedError, TransientError } from '../../core/errors';
import { DuplicateClientOrderIdError, ExchangeBannedError, RateLimitedError } from '../../core/ports/exchange';
import {
  AuthenticationError,
  BadSymbol,
  DDoSProtection,
  DuplicateOrderId,
  InsufficientFunds,
  InvalidNonce,
  OperationFailed,
  OrderNotFound,
  PermissionDenied,
  RateLimitExceeded,
  type CcxtExchangeId,
} from './ccxt-lib';
import { DIALECTS, OrderAbsentError, type ErrorMeaning } from './dialects';

export type { ErrorMeaning };

/** The exchange's own error code inside a ccxt message (`binanceusdm {"code":-2019,…}`). */
export function exchangeCodeOf(message: string): string | undefined {
  const patterns = [
    /"sCode"\s*:\s*"(\d+)"/,
    /"retCode"\s*:\s*(-?\d+)/,
    /"code"\s*:\s*"?(-?\d+)"?/,
    /"name"\s*:\s*"([a-z_]+)"/,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(message);
    if (match?.[1] && match[1] !== '0' && match[1] !== '1') return match[1];
  }
  return undefined;
}

export function meaningOf(exchange: CcxtExchangeId, code: string | undefined): ErrorMeaning | undefined {
  return code === undefined ? undefined : DIALECTS[exchange].errorCodes[code];
}

export interface TranslationContext {
  exchange: CcxtExchangeId;
  /** what we were doing, for the message: "create order", "fetch balance"… */
  operation: string;
  /** an order was being placed: a network failure leaves its outcome unknown */
  clientOrderId?: string;
  /** Retry-After of the failed response, ms, when the exchange sent one */
  retryAfterMs?: number;
  now: number;
}

const HTTP_418 = /\b418\b|banned/i;

/** ccxt error → domain error. Never includes request signatures or keys (ccxt messages carry the body only). */
export function translateCcxtError(error: unknown, ctx: TranslationContext): Error {
  if (!(error instanceof Error)) return new TransientError(`${ctx.exchange} ${ctx.operation}: ${String(error)}`);
  // A dialect that looked the client id up itself and found nothing: the exchange was asked.
  if (error instanceof OrderAbsentError)
    return new OrderNotFoundError(`${ctx.exchange} ${ctx.operation}: ${error.message}`);
  // A dialect's own refusal (a margin mode it will not switch) already says what and why.
  if (error instanceof SignalRejectedError || error instanceof TransientError) return error;
  const message = scrub(error.message);
  const code = exchangeCodeOf(message);
  const meaning = meaningOf(ctx.exchange, code);
  const details = { exchange: ctx.exchange, exchangeCode: code, operation: ctx.operation };
  const text = `${ctx.exchange} ${ctx.operation} failed${code ? ` (${code})` : ''}: ${shortReason(message)}`;

  if (error instanceof DDoSProtection && HTTP_418.test(message) && !(error instanceof RateLimitExceeded)) {
    const until = banUntil(message, ctx);
    return new ExchangeBannedError(`${text}; trading halted until ${new Date(until).toISOString()}`, until);
  }
  if (meaning === 'RATE_LIMITED' || error instanceof RateLimitExceeded || error instanceof DDoSProtection) {
    return new RateLimitedError(text, ctx.retryAfterMs ?? 1000, code);
  }
  if (meaning === 'DUPLICATE_CLIENT_ID' || error instanceof DuplicateOrderId) {
    return new DuplicateClientOrderIdError(ctx.clientOrderId ?? 'unknown');
  }
  if (meaning === 'CLOCK_SKEW' || error instanceof InvalidNonce) return new ClockSkewError(text, code);
  if (meaning === 'POSITION_MODE') return new PositionModeError(text, code);
  // ccxt's OrderNotFound with no exchange code is a dialect's own look-up that found nothing (Bybit by orderLinkId).
  if (meaning === 'ORDER_NOT_FOUND' || (code === undefined && error instanceof OrderNotFound))
    return new OrderNotFoundError(text, code);
  if (meaning === 'AUTH_FAILED' || error instanceof AuthenticationError || error instanceof PermissionDenied) {
    return new SignalRejectedError(text, 'AUTH_FAILED', details);
  }
  if (meaning === 'UNKNOWN_SYMBOL' || error instanceof BadSymbol)
    return new SignalRejectedError(text, 'UNKNOWN_SYMBOL', details);
  if (meaning === 'INSUFFICIENT_MARGIN' || error instanceof InsufficientFunds)
    return new SignalRejectedError(text, 'INSUFFICIENT_MARGIN', details);
  // Timeouts, 5xx, "Unknown error": the request may have been executed (case 11). ccxt raises
  // OperationFailed (not its NetworkError child) for Binance's -1000, and BadResponse or a bare
  // ExchangeError for -1007/-1001 on the futures host, so the code decides first.
  const unknownOutcome = () =>
    ctx.clientOrderId ? new AmbiguousOrderError(text, ctx.clientOrderId) : new TransientError(text, undefined);
  if (meaning === 'STATUS_UNKNOWN') return unknownOutcome();
  if (meaning) return new SignalRejectedError(text, meaning, details);
  if (error instanceof OperationFailed) return unknownOutcome();
  // Any other exchange error is a refusal the exchange will repeat: terminal, code kept.
  return new SignalRejectedError(text, 'EXCHANGE_REJECTED', details);
}

/** Clock skew (-1021): resync the time difference and retry once with the same client id. */
export class ClockSkewError extends TransientError {
  constructor(
    message: string,
    readonly exchangeCode?: string,
  ) {
    super(message);
  }
}

/** The account's position mode differs from one-way: set it where allowed, then retry once. */
export class PositionModeError extends SignalRejectedError {
  constructor(message: string, exchangeCode?: string) {
    super(message, 'POSITION_MODE', { exchangeCode });
  }
}

/** The exchange was asked for the order and has none: asking again gets the same answer (callers read it as "already gone"). */
export class OrderNotFoundError extends AdapterError {
  constructor(
    message: string,
    readonly exchangeCode?: string,
  ) {
    super(message, 'ORDER_NOT_FOUND', false);
    this.name = 'OrderNotFoundError';
  }
}

function banUntil(message: string, ctx: TranslationContext): number {
  const until = /banned until (\d{12,})/i.exec(message)?.[1];
  if (until) return Number(until);
  return ctx.now + (ctx.retryAfterMs ?? 120_000);
}

function shortReason(message: string): string {
  const msg = /"(?:msg|sMsg|retMsg|message)"\s*:\s*"([^"]*)"/.exec(message)?.[1];
  return (msg ?? message).slice(0, 200);
}

/** Belt and braces: ccxt error messages quote URLs; never let a query's signature or key through. */
function scrub(message: string): string {
  return message.replace(/(signature|apiKey|api_key|X-MBX-APIKEY|sign)=([^&\s"]+)/gi, '$1=***');
}
