// Translates ccxt's errors into domain errors that say retryable or terminal, keeping the
// exchange's own code. The exchange code decides first (it is precise: Binance -2022 means "your
// reduce-only close found no position"); ccxt's class hierarchy is the fallback.
import { AmbiguousOrderError, SignalRejectedError, TransientError } from '../../core/errors';
import { DuplicateClientOrderIdError, ExchangeBannedError, RateLimitedError } from '../../core/ports/exchange';
import {
  AuthenticationError,
  BadSymbol,
  DDoSProtection,
  DuplicateOrderId,
  InsufficientFunds,
  InvalidNonce,
  OperationFailed,
  PermissionDenied,
  RateLimitExceeded,
  type CcxtExchangeId,
} from './ccxt-lib';

/** Domain reading of an exchange error code. */
export type ErrorMeaning =
  | 'INSUFFICIENT_MARGIN'
  | 'MIN_NOTIONAL'
  | 'PRECISION'
  | 'REDUCE_ONLY_FLAT'
  | 'DUPLICATE_CLIENT_ID'
  | 'CLOCK_SKEW'
  | 'POSITION_MODE'
  | 'ORDER_NOT_FOUND'
  | 'AUTH_FAILED'
  | 'RATE_LIMITED'
  | 'NO_CHANGE'
  | 'POST_ONLY_REJECTED'
  | 'WOULD_TRIGGER'
  | 'UNKNOWN_SYMBOL'
  | 'INVALID_ORDER'
  /** the exchange cannot say whether the request was executed (5xx "unknown error", backend timeout) */
  | 'STATUS_UNKNOWN';

const CODES: Record<CcxtExchangeId, Record<string, ErrorMeaning>> = {
  binanceusdm: {
    '-1000': 'STATUS_UNKNOWN',
    '-1001': 'STATUS_UNKNOWN',
    '-1007': 'STATUS_UNKNOWN',
    '-2019': 'INSUFFICIENT_MARGIN',
    '-4164': 'MIN_NOTIONAL',
    '-1111': 'PRECISION',
    '-4003': 'PRECISION',
    '-2022': 'REDUCE_ONLY_FLAT',
    '-4116': 'DUPLICATE_CLIENT_ID',
    '-1021': 'CLOCK_SKEW',
    '-4061': 'POSITION_MODE',
    '-2013': 'ORDER_NOT_FOUND',
    '-2011': 'ORDER_NOT_FOUND',
    '-2015': 'AUTH_FAILED',
    '-2014': 'AUTH_FAILED',
    '-1022': 'AUTH_FAILED',
    '-1003': 'RATE_LIMITED',
    '-1015': 'RATE_LIMITED',
    '-4046': 'NO_CHANGE',
    '-4059': 'NO_CHANGE',
    '-5022': 'POST_ONLY_REJECTED',
    '-2021': 'WOULD_TRIGGER',
    '-1121': 'UNKNOWN_SYMBOL',
  },
  okx: {
    '51008': 'INSUFFICIENT_MARGIN',
    '51020': 'MIN_NOTIONAL',
    '51121': 'PRECISION',
    '51169': 'REDUCE_ONLY_FLAT',
    '51016': 'DUPLICATE_CLIENT_ID',
    '50102': 'CLOCK_SKEW',
    '51000': 'INVALID_ORDER',
    '51603': 'ORDER_NOT_FOUND',
    '50111': 'AUTH_FAILED',
    '50113': 'AUTH_FAILED',
    '50011': 'RATE_LIMITED',
    '51001': 'UNKNOWN_SYMBOL',
  },
  bybit: {
    '110007': 'INSUFFICIENT_MARGIN',
    '110094': 'MIN_NOTIONAL',
    '170137': 'PRECISION',
    '110017': 'REDUCE_ONLY_FLAT',
    '110072': 'DUPLICATE_CLIENT_ID',
    '10002': 'CLOCK_SKEW',
    '110025': 'NO_CHANGE', // position mode not modified
    '110001': 'ORDER_NOT_FOUND',
    '10003': 'AUTH_FAILED',
    '10004': 'AUTH_FAILED',
    '10006': 'RATE_LIMITED',
    '110043': 'NO_CHANGE',
    '110026': 'NO_CHANGE',
    '10001': 'INVALID_ORDER',
  },
  bitget: {
    '40762': 'INSUFFICIENT_MARGIN',
    '45110': 'MIN_NOTIONAL',
    '40808': 'PRECISION',
    '22002': 'REDUCE_ONLY_FLAT',
    '40786': 'DUPLICATE_CLIENT_ID',
    '40005': 'CLOCK_SKEW',
    '40774': 'POSITION_MODE',
    '40109': 'ORDER_NOT_FOUND',
    '40006': 'AUTH_FAILED',
    '40037': 'AUTH_FAILED',
    '429': 'RATE_LIMITED',
    '40034': 'UNKNOWN_SYMBOL',
  },
  upbit: {
    insufficient_funds_bid: 'INSUFFICIENT_MARGIN',
    insufficient_funds_ask: 'INSUFFICIENT_MARGIN',
    under_min_total_bid: 'MIN_NOTIONAL',
    under_min_total_ask: 'MIN_NOTIONAL',
    invalid_price_bid: 'PRECISION',
    invalid_volume_bid: 'PRECISION',
    order_not_found: 'ORDER_NOT_FOUND',
    jwt_verification: 'AUTH_FAILED',
    invalid_access_key: 'AUTH_FAILED',
    too_many_requests: 'RATE_LIMITED',
  },
};

/** The exchange's own error code inside a ccxt message (`binanceusdm {"code":-2019,…}`). */
export function exchangeCodeOf(message: string): string | undefined {
  const patterns = [/"sCode"\s*:\s*"(\d+)"/, /"retCode"\s*:\s*(-?\d+)/, /"code"\s*:\s*"?(-?\d+)"?/, /"name"\s*:\s*"([a-z_]+)"/];
  for (const pattern of patterns) {
    const match = pattern.exec(message);
    if (match?.[1] && match[1] !== '0' && match[1] !== '1') return match[1];
  }
  return undefined;
}

export function meaningOf(exchange: CcxtExchangeId, code: string | undefined): ErrorMeaning | undefined {
  return code === undefined ? undefined : CODES[exchange][code];
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
  if (meaning === 'ORDER_NOT_FOUND') return new OrderNotFoundError(text, code);
  if (meaning === 'AUTH_FAILED' || error instanceof AuthenticationError || error instanceof PermissionDenied) {
    return new SignalRejectedError(text, 'AUTH_FAILED', details);
  }
  if (meaning === 'UNKNOWN_SYMBOL' || error instanceof BadSymbol) return new SignalRejectedError(text, 'UNKNOWN_SYMBOL', details);
  if (meaning === 'INSUFFICIENT_MARGIN' || error instanceof InsufficientFunds) return new SignalRejectedError(text, 'INSUFFICIENT_MARGIN', details);
  // Timeouts, 5xx, "Unknown error": the request may have been executed (case 11). ccxt raises
  // OperationFailed (not its NetworkError child) for Binance's -1000, and BadResponse or a bare
  // ExchangeError for -1007/-1001 on the futures host, so the code decides first.
  const unknownOutcome = () => (ctx.clientOrderId ? new AmbiguousOrderError(text, ctx.clientOrderId) : new TransientError(text, undefined));
  if (meaning === 'STATUS_UNKNOWN') return unknownOutcome();
  if (meaning) return new SignalRejectedError(text, meaning, details);
  if (error instanceof OperationFailed) return unknownOutcome();
  // Any other exchange error is a refusal the exchange will repeat: terminal, code kept.
  return new SignalRejectedError(text, 'EXCHANGE_REJECTED', details);
}

/** Clock skew (-1021): resync the time difference and retry once with the same client id. */
export class ClockSkewError extends TransientError {
  constructor(message: string, readonly exchangeCode?: string) {
    super(message);
  }
}

/** The account's position mode differs from one-way: set it where allowed, then retry once. */
export class PositionModeError extends SignalRejectedError {
  constructor(message: string, exchangeCode?: string) {
    super(message, 'POSITION_MODE', { exchangeCode });
  }
}

export class OrderNotFoundError extends Error {
  constructor(message: string, readonly exchangeCode?: string) {
    super(message);
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
