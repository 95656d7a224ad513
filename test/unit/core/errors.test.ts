// One error hierarchy: every class shared/ and functions/ throw is a DomainError that says by its
// class whether a retry can help (the executor returns the message to the queue or rejects the
// signal once on that alone). Table 1: each class, as constructed, says what it should. Table 2:
// the places that threw a bare Error now throw the class the table promises.
import { InvalidMessageError } from '../../../functions/executor/app';
import { ClockSkewError, OrderNotFoundError, PositionModeError } from '../../../shared/adapters/exchange/ccxt-errors';
import { OrderAbsentError } from '../../../shared/adapters/exchange/dialects';
import { KeyVaultError } from '../../../shared/adapters/keyvault/aes-gcm';
import { DiscordWebhookError } from '../../../shared/adapters/notify/discord-channel';
import { TelegramApiError } from '../../../shared/adapters/notify/telegram-client';
import { CandleParseError } from '../../../shared/core/backtest/candle-parsers';
import { ParamSpaceError } from '../../../shared/core/backtest/param-space';
import { WalkForwardError } from '../../../shared/core/backtest/walk-forward';
import { AccountInputError } from '../../../shared/core/control/accounts';
import { floorToStep } from '../../../shared/core/domain/money';
import { applyFill, flatPosition } from '../../../shared/core/domain/trade-math';
import {
  AdapterError,
  AmbiguousOrderError,
  ConditionalConflictError,
  ConfigError,
  DomainError,
  ForbiddenSourceError,
  InvalidArgumentError,
  InvariantError,
  MalformedSignalError,
  PayloadTooLargeError,
  SignalRejectedError,
  SignalValidationError,
  terminalRejection,
  TransientError,
  UnauthorizedError,
} from '../../../shared/core/errors';
import { sma } from '../../../shared/core/indicators/index';
import { ChannelRateLimitedError } from '../../../shared/core/notify/types';
import { parseClock } from '../../../shared/core/notify/routing';
import {
  DuplicateClientOrderIdError,
  ExchangeBannedError,
  RateLimitedError,
} from '../../../shared/core/ports/exchange';
import { RiskSettingError } from '../../../shared/core/risk/overrides';
import { tradingDay } from '../../../shared/core/risk/trading-day';
import { SymbolFormatError } from '../../../shared/core/signal/symbols';
import { getStrategy } from '../../../shared/core/strategies/registry';
import { ConfigError as PlatformConfigError } from '../../../shared/platform/config';

const cases: [string, DomainError, boolean, string][] = [
  // the signal's own faults and the edge's refusals
  ['MalformedSignalError', new MalformedSignalError('not JSON'), false, 'MALFORMED'],
  ['SignalValidationError', new SignalValidationError([{ field: 'qty', message: 'must be > 0' }]), false, 'VALIDATION'],
  ['UnauthorizedError', new UnauthorizedError(), false, 'UNAUTHORIZED'],
  ['ForbiddenSourceError', new ForbiddenSourceError(), false, 'FORBIDDEN'],
  ['PayloadTooLargeError', new PayloadTooLargeError(8192), false, 'TOO_LARGE'],
  ['SignalRejectedError', new SignalRejectedError('below the minimum', 'BELOW_MIN_AMOUNT'), false, 'BELOW_MIN_AMOUNT'],
  [
    'InvalidMessageError',
    new InvalidMessageError('message field intent must be one of …', { accountId: 'a', signalId: 's' }),
    false,
    'INVALID_MESSAGE',
  ],
  // passing failures
  ['TransientError', new TransientError('queue unavailable'), true, 'TRANSIENT'],
  ['AmbiguousOrderError', new AmbiguousOrderError('timeout after send', 'cid'), true, 'AMBIGUOUS'],
  ['ConditionalConflictError', new ConditionalConflictError('position changed since version 3'), true, 'CONFLICT'],
  // the program's own inputs, configuration and rules
  [
    'InvalidArgumentError',
    new InvalidArgumentError('period must be an integer >= 1, got 0'),
    false,
    'INVALID_ARGUMENT',
  ],
  ['ConfigError', new ConfigError('invalid configuration: KMS_KEY_ID'), false, 'CONFIG'],
  ['InvariantError', new InvariantError('book inconsistency'), false, 'INVARIANT'],
  ['SymbolFormatError', new SymbolFormatError('symbol "" is empty'), false, 'SYMBOL_FORMAT'],
  ['RiskSettingError', new RiskSettingError('maxLeverage', 'must be 1..125'), false, 'RISK_SETTING'],
  ['AccountInputError', new AccountInputError('exchange', 'unknown'), false, 'ACCOUNT_INPUT'],
  ['ParamSpaceError', new ParamSpaceError('fast', 'not a number'), false, 'PARAM_SPACE'],
  ['WalkForwardError', new WalkForwardError('train', 'too short'), false, 'WALK_FORWARD'],
  ['CandleParseError', new CandleParseError('no time column', 'a.csv'), false, 'CANDLE_PARSE'],
  ['KeyVaultError', new KeyVaultError('wrong account'), false, 'KEY_VAULT'],
  // what an adapter read from an outside system
  ['RateLimitedError', new RateLimitedError('429', 1000), true, 'TRANSIENT'],
  ['ClockSkewError', new ClockSkewError('-1021', '-1021'), true, 'TRANSIENT'],
  ['ExchangeBannedError', new ExchangeBannedError('418', 1), false, 'EXCHANGE_BANNED'],
  ['PositionModeError', new PositionModeError('-4061'), false, 'POSITION_MODE'],
  ['DuplicateClientOrderIdError', new DuplicateClientOrderIdError('cid'), false, 'DUPLICATE_CLIENT_ID'],
  ['OrderNotFoundError', new OrderNotFoundError('-2013', '-2013'), false, 'ORDER_NOT_FOUND'],
  ['OrderAbsentError', new OrderAbsentError('no plan order'), false, 'ORDER_NOT_FOUND'],
  ['ChannelRateLimitedError', new ChannelRateLimitedError('telegram', 3000), true, 'RATE_LIMITED'],
  [
    'TelegramApiError 400',
    new TelegramApiError('sendMessage', 400, 'Bad Request: chat not found'),
    false,
    'TELEGRAM_REFUSED',
  ],
  ['TelegramApiError 502', new TelegramApiError('sendMessage', 502, 'Bad Gateway'), true, 'TELEGRAM_REFUSED'],
  [
    'TelegramApiError network',
    new TelegramApiError('sendMessage', undefined, 'network error'),
    true,
    'TELEGRAM_REFUSED',
  ],
  ['DiscordWebhookError 404', new DiscordWebhookError(404, 10015, 'Unknown Webhook'), false, 'DISCORD_REFUSED'],
  ['DiscordWebhookError 503', new DiscordWebhookError(503, undefined, 'Service Unavailable'), true, 'DISCORD_REFUSED'],
  [
    'DiscordWebhookError network',
    new DiscordWebhookError(undefined, undefined, 'network error'),
    true,
    'DISCORD_REFUSED',
  ],
];

describe('every error class says whether a retry can help', () => {
  it.each(cases)('%s: retryable %p, code %p', (name, error, retryable, code) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error.retryable).toBe(retryable);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name.split(' ')[0]);
  });

  it("adapters' errors are AdapterErrors, so a consumer needs one instanceof (DomainError) for all", () => {
    for (const error of [
      new DuplicateClientOrderIdError('c'),
      new OrderNotFoundError('x'),
      new OrderAbsentError('x'),
      new ChannelRateLimitedError('discord', 1),
      new TelegramApiError('m', 1, 'd'),
      new DiscordWebhookError(1, 1, 'd'),
    ]) {
      expect(error).toBeInstanceOf(AdapterError);
    }
  });

  it('the platform config module hands out the same ConfigError class', () => {
    expect(PlatformConfigError).toBe(ConfigError);
  });
});

describe('terminalRejection: the class decides, the code and message are kept', () => {
  it('a retryable error gives none: the message goes back to the queue', () => {
    expect(terminalRejection(new TransientError('down'))).toBeUndefined();
    expect(terminalRejection(new ChannelRateLimitedError('telegram', 1))).toBeUndefined();
    expect(terminalRejection(new ConditionalConflictError('changed'))).toBeUndefined();
  });

  it('a SignalRejectedError is its own rejection', () => {
    const rejected = new SignalRejectedError('unknown symbol', 'UNKNOWN_SYMBOL', { exchange: 'okx' });
    expect(terminalRejection(rejected)).toBe(rejected);
  });

  it('any other terminal error becomes a rejection with its code, its message and its class named', () => {
    const rejection = terminalRejection(
      new OrderNotFoundError('binanceusdm fetch order failed (-2013): Order does not exist.', '-2013'),
    );
    expect(rejection).toBeInstanceOf(SignalRejectedError);
    expect(rejection).toMatchObject({
      code: 'ORDER_NOT_FOUND',
      message: 'binanceusdm fetch order failed (-2013): Order does not exist.',
      details: { cause: 'OrderNotFoundError' },
      retryable: false,
    });
  });
});

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new InvariantError('expected a throw');
};

describe('what used to throw a bare Error throws its class, message unchanged', () => {
  it.each<[string, () => unknown, new (...args: never[]) => DomainError, RegExp]>([
    ['a lot step of 0', () => floorToStep('1', '0'), InvalidArgumentError, /^step must be positive$/],
    [
      'an indicator period of 0',
      () => sma(Float64Array.of(1, 2, 3), 0),
      InvalidArgumentError,
      /^period must be an integer >= 1, got 0$/,
    ],
    [
      'an unknown time zone',
      () => tradingDay(0, 'Mars/Olympus'),
      InvalidArgumentError,
      /^Unknown time zone "Mars\/Olympus"/,
    ],
    ['a quiet-hours time that is not HH:MM', () => parseClock('25:00'), InvalidArgumentError, /is not a HH:MM time$/],
    ['an unknown strategy', () => getStrategy('nope'), InvalidArgumentError, /^unknown strategy "nope"/],
    [
      'a book whose open position has no open trade',
      () =>
        applyFill(
          { ...flatPosition('a', 'BTC/USDT:USDT', 0), side: 'long', quantity: '1', entryPrice: '100', tradeId: 't1' },
          undefined,
          {
            clientOrderId: 'c',
            signalId: 's',
            side: 'sell',
            quantity: '1',
            price: '100',
            fee: '0',
            at: 1,
            leverage: 1,
          },
        ),
      InvariantError,
      /^book inconsistency: open position BTC\/USDT:USDT has no matching open trade$/,
    ],
  ])('%s', (_what, fn, cls, message) => {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(cls);
    expect((error as Error).message).toMatch(message);
    expect((error as DomainError).retryable).toBe(false);
  });
});
