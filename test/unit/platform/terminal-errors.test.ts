// Which errors reject a signal for good instead of returning it to the queue (no network: the
// messages are DynamoDB's ValidationException texts, as dynalite reproduces them; the integration
// test test/integration/poison-message.int.test.ts raises them for real).
import { SignalRejectedError, terminalArithmeticError } from '../../../shared/core/errors';
import { Big } from '../../../shared/core/domain/money';
import type { Signal } from '../../../shared/core/signal/types';
import { terminalStorageError, unstorableNumbers } from '../../../shared/platform/terminal-errors';

const signal = (extra: Partial<Signal> = {}): Signal => ({
  v: 1,
  signalId: 's',
  accountId: 'a',
  intent: 'enter_long',
  symbol: { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
  receivedAt: 1,
  source: 'webhook',
  ...extra,
});
const dynamo = (message: string, name = 'ValidationException') => Object.assign(new Error(message), { name });

test('a number DynamoDB refuses rejects the signal naming the field, its value and the bound', () => {
  const error = terminalStorageError(
    dynamo('Number underflow. Attempting to store a number with magnitude smaller than supported range'),
    signal({ size: { kind: 'contracts', value: 1e-320 } }),
  );

  expect(error).toBeInstanceOf(SignalRejectedError);
  expect(error).toMatchObject({ code: 'NUMBER_OUT_OF_RANGE', retryable: false, details: { fields: ['size.value'] } });
  expect(error?.message).toContain('size.value 1e-320 is below the smallest magnitude 1e-130');
});

test('an overflow names every field above 9.99e125, nested ones included', () => {
  const error = terminalStorageError(
    dynamo('Number overflow. Attempting to store a number with magnitude larger than supported range'),
    signal({ signalPrice: 1e308, tpLevels: [{ level: { kind: 'price', value: 1e200 }, sharePct: 100 }] }),
  );

  expect(error?.details).toEqual({ fields: ['signalPrice', 'tpLevels.0.level.value'] });
  expect(error?.message).toContain('signalPrice 1e+308 is above the largest magnitude 9.99e125');
});

test('any other ValidationException is terminal too (the same request is refused every time); other errors stay retryable', () => {
  expect(terminalStorageError(dynamo('Item size has exceeded the maximum allowed size'), signal())).toMatchObject({
    code: 'STORAGE_REFUSED',
  });
  expect(
    terminalStorageError(
      dynamo('Throughput exceeds the current capacity', 'ProvisionedThroughputExceededException'),
      signal(),
    ),
  ).toBeUndefined();
  expect(terminalStorageError(new Error('socket hang up'), signal())).toBeUndefined();
  expect(terminalStorageError('ValidationException', signal())).toBeUndefined();
});

test('storable numbers pass: zero, ordinary prices and sizes, the bounds themselves', () => {
  expect(
    unstorableNumbers(
      signal({ size: { kind: 'percent', value: 10 }, signalPrice: 0, leverage: 1e-130, firedAt: 9.99e125 }),
    ),
  ).toEqual([]);
});

test("the program's own arithmetic on a bad value is terminal: big.js refusals and RangeErrors", () => {
  const bigError = (() => {
    try {
      return new Big(Number.NaN);
    } catch (e) {
      return e;
    }
  })();
  expect(terminalArithmeticError(bigError)).toMatchObject({ code: 'INVALID_NUMBER' });
  const rangeError = (() => {
    try {
      return (1).toFixed(500);
    } catch (e) {
      return e;
    }
  })();
  expect(terminalArithmeticError(rangeError)).toMatchObject({ code: 'NUMBER_OUT_OF_RANGE' });
  expect(terminalArithmeticError(new Error('ECONNRESET'))).toBeUndefined();
});
