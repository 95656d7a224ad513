// Signal contract v1: validateSignalFields names every bad field; parseSize, parseLevel and
// parseTime read the forms TradingView placeholders produce.
import type { FieldIssue } from '../../../../shared/core/errors';
import {
  parseLevel,
  parseSize,
  parseTime,
  validateSignalFields,
  type ValidatedSignal,
} from '../../../../shared/core/signal/schema';

/** 2023-11-14T22:13:20.000Z */
const T0 = 1_700_000_000_000;

const minimal = { token: 'tok', account: 'acc-1', action: 'long', symbol: 'BTCUSDT.P' };

function valid(raw: Record<string, unknown>, pathAccount?: string): ValidatedSignal {
  const result = validateSignalFields(raw, pathAccount);
  if (!result.ok) throw new Error(`expected a valid signal, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

function invalid(raw: Record<string, unknown>, pathAccount?: string): FieldIssue[] {
  const result = validateSignalFields(raw, pathAccount);
  if (result.ok) throw new Error('expected issues, got a valid signal');
  return result.issues;
}

const BTC = { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' };

describe('validateSignalFields: valid alerts', () => {
  it('accepts a minimal alert and resolves its intent and symbol', () => {
    const value = valid(minimal);

    expect(value).toEqual({
      accountId: 'acc-1',
      action: 'long',
      intentResult: { ok: true, intent: 'enter_long' },
      symbol: BTC,
      fields: { token: 'tok', account: 'acc-1', action: 'long', symbol: 'BTCUSDT.P' },
    });
    expect(value).not.toHaveProperty('position');
  });

  it('accepts a TradingView strategy alert whose numbers arrive as strings', () => {
    const value = valid({
      token: 'tok',
      account: 'acc-1',
      action: 'BUY',
      position: 'Flat',
      symbol: 'BINANCE:BTCUSDT.P',
      size: '0.5',
      leverage: '3',
      sl: '2%',
      tp: '64000',
      strategy: ' trend ',
      id: 'order-7',
      time: '2023-11-14T22:13:20Z',
      price: '64000.5',
    });

    expect(value.intentResult).toEqual({ ok: true, intent: 'close_short' });
    expect(value.position).toBe('flat');
    expect(value.action).toBe('buy');
    expect(value.symbol).toEqual({ ...BTC, sourceExchange: 'BINANCE' });
    expect(value.fields).toEqual({
      token: 'tok',
      account: 'acc-1',
      action: 'buy',
      position: 'flat',
      symbol: 'BINANCE:BTCUSDT.P',
      size: { kind: 'contracts', value: 0.5 },
      leverage: 3,
      sl: { kind: 'percent', value: 2 },
      tp: [{ level: { kind: 'price', value: 64000 }, sharePct: 100 }],
      strategy: 'trend',
      id: 'order-7',
      time: T0,
      price: 64000.5,
    });
  });

  it('reads a take-profit ladder with shares, the remainder split evenly, and break-even/trailing/limit fields', () => {
    const value = valid({
      ...minimal,
      tp: '2%:50, 4%, 6%',
      breakeven: 'true',
      trail: '1.5%',
      type: 'limit',
      limit: '0.2%',
      tif: 'post_only',
    });

    expect(value.fields.tp).toEqual([
      { level: { kind: 'percent', value: 2 }, sharePct: 50 },
      { level: { kind: 'percent', value: 4 }, sharePct: 25 },
      { level: { kind: 'percent', value: 6 }, sharePct: 25 },
    ]);
    expect(value.fields).toMatchObject({
      breakeven: true,
      trail: 1.5,
      type: 'limit',
      limit: { kind: 'percent', value: 0.2 },
      tif: 'PO',
    });
  });

  it('takes breakeven as a JSON boolean too', () => {
    expect(valid({ ...minimal, breakeven: true }).fields.breakeven).toBe(true);
    expect(valid({ ...minimal, breakeven: false }).fields.breakeven).toBe(false);
    expect(invalid({ ...minimal, breakeven: 'maybe' })).toContainEqual({
      field: 'breakeven',
      message: 'must be true or false',
    });
  });

  it.each([
    ['2%:60,4%:60', 'shares add up to more than 100'],
    ['2%:30,4%:30', 'shares must add up to 100'],
    ['2%:0', 'share must be greater than 0'],
    ['1%,2%,3%,4%,5%,6%', 'at most 5 take-profit levels'],
  ])('refuses the take-profit ladder %s, naming tp', (tp, message) => {
    expect(invalid({ ...minimal, tp })).toContainEqual({ field: 'tp', message });
  });

  it('refuses limit without a price, limit without type and tif on a market order, naming each field', () => {
    expect(invalid({ ...minimal, type: 'limit' })).toContainEqual({
      field: 'limit',
      message: expect.stringContaining('required'),
    });
    expect(invalid({ ...minimal, limit: '100' })).toContainEqual({
      field: 'type',
      message: 'must be "limit" when limit is given',
    });
    expect(invalid({ ...minimal, tif: 'ioc' })).toContainEqual({
      field: 'tif',
      message: 'applies to limit orders only',
    });
    expect(invalid({ ...minimal, trail: '120' })).toContainEqual({
      field: 'trail',
      message: 'must be a percent like "1.5%"',
    });
  });

  it('accepts JSON numbers for leverage, price, size and id', () => {
    const value = valid({ ...minimal, leverage: 10, price: 64000.5, size: 3, id: 42, sl: 63000 });

    expect(value.fields.leverage).toBe(10);
    expect(value.fields.price).toBe(64000.5);
    expect(value.fields.size).toEqual({ kind: 'contracts', value: 3 });
    expect(value.fields.id).toBe('42');
    expect(value.fields.sl).toEqual({ kind: 'price', value: 63000 });
  });

  it.each([
    ['1', 1],
    ['125', 125],
    [' 20 ', 20],
  ])('accepts leverage %j as %d', (leverage, expected) => {
    expect(valid({ ...minimal, leverage }).fields.leverage).toBe(expected);
  });

  it('takes the account from the URL path when the body has none', () => {
    const value = valid({ token: 'tok', action: 'long', symbol: 'BTCUSDT' }, 'acc-9');

    expect(value.accountId).toBe('acc-9');
    expect(value.fields.account).toBeUndefined();
  });

  it('accepts a body account equal to the path account', () => {
    expect(valid(minimal, 'acc-1').accountId).toBe('acc-1');
  });

  it('lower-cases and trims action and position', () => {
    const value = valid({ ...minimal, action: ' Sell ', position: ' SHORT ' });

    expect(value.action).toBe('sell');
    expect(value.position).toBe('short');
    expect(value.intentResult).toEqual({ ok: true, intent: 'enter_short' });
  });

  it('keeps the position of an explicit action but does not let it change the intent', () => {
    const value = valid({ ...minimal, action: 'long', position: 'short' });

    expect(value.intentResult).toEqual({ ok: true, intent: 'enter_long' });
    expect(value.position).toBe('short');
  });

  it.each([
    ['a contracts size', '0.5', { kind: 'contracts', value: 0.5 }],
    ['a numeric contracts size', 2, { kind: 'contracts', value: 2 }],
  ])('accepts a reduce intent with %s', (_name, size, expected) => {
    const value = valid({ ...minimal, action: 'sell', position: 'long', size });

    expect(value.intentResult).toEqual({ ok: true, intent: 'reduce_long' });
    expect(value.fields.size).toEqual(expected);
  });

  it.each([
    ['percent', '10%', { kind: 'percent', value: 10 }],
    ['quote without blank', '250usdt', { kind: 'quote', value: 250 }],
    ['quote with blank, upper case', '250 USDT', { kind: 'quote', value: 250 }],
    ['contracts as number', 3, { kind: 'contracts', value: 3 }],
    ['contracts as string', '0.5', { kind: 'contracts', value: 0.5 }],
  ])('reads size form %s', (_name, size, expected) => {
    expect(valid({ ...minimal, size }).fields.size).toEqual(expected);
  });

  it.each([
    ['ISO with Z', '2023-11-14T22:13:20Z'],
    ['ISO with an offset', '2023-11-15T07:13:20+09:00'],
    ['epoch seconds', 1_700_000_000],
    ['epoch seconds as a string', '1700000000'],
    ['epoch milliseconds', T0],
    ['epoch milliseconds as a string', '1700000000000'],
  ])('reads time form %s as epoch ms', (_name, time) => {
    expect(valid({ ...minimal, time }).fields.time).toBe(T0);
  });
});

describe('validateSignalFields: each failure names its field', () => {
  test.each<[string, Record<string, unknown>, FieldIssue]>([
    ['size 0', { size: 0 }, { field: 'size', message: 'must be greater than 0' }],
    ['size -1', { size: -1 }, { field: 'size', message: 'must be greater than 0' }],
    ['size "0"', { size: '0' }, { field: 'size', message: 'must be greater than 0' }],
    ['size "0%"', { size: '0%' }, { field: 'size', message: 'percent must be greater than 0' }],
    ['size "150%"', { size: '150%' }, { field: 'size', message: 'percent must be at most 100' }],
    ['size "abc"', { size: 'abc' }, { field: 'size', message: 'must be "N%", "Nusdt" or a number of contracts' }],
    ['size "abc%"', { size: 'abc%' }, { field: 'size', message: 'percent must be a number' }],
    ['size "0usdt"', { size: '0usdt' }, { field: 'size', message: 'quote amount must be greater than 0' }],
    ['leverage 0', { leverage: 0 }, { field: 'leverage', message: 'must be at least 1' }],
    ['leverage 200', { leverage: 200 }, { field: 'leverage', message: 'must be at most 125' }],
    ['leverage 2.5', { leverage: 2.5 }, { field: 'leverage', message: 'must be a whole number' }],
    ['leverage "2.5"', { leverage: '2.5' }, { field: 'leverage', message: 'must be a whole number' }],
    ['leverage "0"', { leverage: '0' }, { field: 'leverage', message: 'must be at least 1' }],
    ['sl "0%"', { sl: '0%' }, { field: 'sl', message: 'percent must be greater than 0' }],
    ['sl "100%"', { sl: '100%' }, { field: 'sl', message: 'percent must be at most 99' }],
    ['sl "-1"', { sl: '-1' }, { field: 'sl', message: 'price must be greater than 0' }],
    ['sl -1', { sl: -1 }, { field: 'sl', message: 'price must be greater than 0' }],
    ['tp "2000%"', { tp: '2000%' }, { field: 'tp', message: 'percent must be at most 1000' }],
    ['tp "abc"', { tp: 'abc' }, { field: 'tp', message: 'must be a price above 0 or a percent like "2%"' }],
    ['price "0"', { price: '0' }, { field: 'price', message: 'must be greater than 0' }],
    ['price -5', { price: -5 }, { field: 'price', message: 'must be greater than 0' }],
    [
      'an unknown action',
      { action: 'hold' },
      { field: 'action', message: 'must be one of long, short, close_long, close_short, close_all, buy, sell' },
    ],
    [
      'an unknown position',
      { action: 'buy', position: 'up' },
      { field: 'position', message: 'must be one of long, flat, short' },
    ],
    [
      'an account with bad characters',
      { account: 'acc one!' },
      { field: 'account', message: 'must be 3-64 letters, digits, _ or -' },
    ],
    ['an account of 2 characters', { account: 'ab' }, { field: 'account', message: 'must be at least 3 characters' }],
    [
      'an account of 65 characters',
      { account: 'a'.repeat(65) },
      { field: 'account', message: 'must be at most 64 characters' },
    ],
    ['leverage "abc"', { leverage: 'abc' }, { field: 'leverage', message: 'must be a number' }],
    ['price "abc"', { price: 'abc' }, { field: 'price', message: 'must be a number' }],
    ['an empty strategy', { strategy: ' ' }, { field: 'strategy', message: 'must not be empty' }],
    [
      'a strategy of 65 characters',
      { strategy: 's'.repeat(65) },
      { field: 'strategy', message: 'must be at most 64 characters' },
    ],
    ['a numeric symbol', { symbol: 42 }, { field: 'symbol', message: 'must be a string' }],
    ['an empty token', { token: '' }, { field: 'token', message: 'must be a string of 1-512 characters' }],
    [
      'a token of 513 characters',
      { token: 't'.repeat(513) },
      { field: 'token', message: 'must be a string of 1-512 characters' },
    ],
    [
      'an action that is a number',
      { action: 5 },
      { field: 'action', message: 'must be one of long, short, close_long, close_short, close_all, buy, sell' },
    ],
    [
      'a garbage time',
      { time: 'yesterday' },
      { field: 'time', message: 'must be an ISO-8601 UTC time or epoch seconds/milliseconds' },
    ],
    [
      'a time without zone',
      { time: '2023-11-14T22:13:20' },
      { field: 'time', message: 'must be an ISO-8601 UTC time or epoch seconds/milliseconds' },
    ],
    [
      'a time of 0',
      { time: 0 },
      { field: 'time', message: 'must be an ISO-8601 UTC time or epoch seconds/milliseconds' },
    ],
    ['an empty id', { id: '' }, { field: 'id', message: 'must be 1-128 printable ASCII characters' }],
    ['a non-ASCII id', { id: 'ordre-é' }, { field: 'id', message: 'must be printable ASCII (found U+00E9)' }],
    [
      'an id of 129 characters',
      { id: 'x'.repeat(129) },
      { field: 'id', message: 'must be 1-128 printable ASCII characters' },
    ],
    ['an unknown field stop_loss', { stop_loss: '2%' }, { field: 'stop_loss', message: 'unknown field' }],
    [
      'an unknown symbol quote',
      { symbol: 'BTCXYZ' },
      {
        field: 'symbol',
        message: 'cannot find a known quote currency (FDUSD, USDT, USDC, BUSD, USD, KRW, BTC, ETH) in "BTCXYZ"',
      },
    ],
    [
      'buy without position',
      { action: 'buy' },
      { field: 'position', message: 'required with action "buy" (use {{strategy.market_position}})' },
    ],
    [
      'sell without position',
      { action: 'sell' },
      { field: 'position', message: 'required with action "sell" (use {{strategy.market_position}})' },
    ],
  ])('%s', (_name, override, issue) => {
    const issues = invalid({ ...minimal, ...override });

    expect(issues).toEqual([issue]);
  });

  test.each<[string, Record<string, unknown>]>([
    ['size true', { size: true }],
    ['leverage null', { leverage: null }],
    ['sl as an object', { sl: { price: 1 } }],
    ['time as an array', { time: [T0] }],
  ])('%s (neither string nor number) is refused on that field', (_name, override) => {
    const issues = invalid({ ...minimal, ...override });
    const field = Object.keys(override)[0];

    expect(issues.map((i) => i.field)).toEqual([field]);
  });

  it.each(['token', 'action', 'symbol'])('a missing %s is refused as required', (field) => {
    const raw: Record<string, unknown> = { ...minimal };
    delete raw[field];

    expect(invalid(raw)).toEqual([{ field, message: 'required' }]);
  });

  it('names a missing account when neither body nor path has one', () => {
    const issues = invalid({ token: 'tok', action: 'long', symbol: 'BTCUSDT' }, undefined);

    expect(issues).toEqual([{ field: 'account', message: 'required (in the body or the URL path)' }]);
  });

  it('refuses a body account that differs from the path account', () => {
    const issues = invalid({ ...minimal, account: 'acc-2' }, 'acc-1');

    expect(issues).toEqual([{ field: 'account', message: 'does not match the account in the URL' }]);
  });

  it.each([
    ['no size', {}],
    ['a percent size', { size: '10%' }],
    ['a quote size', { size: '250usdt' }],
  ])('refuses a partial exit (sell while long) with %s, naming size', (_name, override) => {
    const issues = invalid({ ...minimal, action: 'sell', position: 'long', ...override });

    expect(issues).toEqual([
      { field: 'size', message: 'a partial exit needs the contracts to close (use {{strategy.order.contracts}})' },
    ]);
  });

  it('refuses a partial cover (buy while short) without size, naming size', () => {
    const issues = invalid({ ...minimal, action: 'buy', position: 'short' });

    expect(issues).toEqual([
      { field: 'size', message: 'a partial exit needs the contracts to close (use {{strategy.order.contracts}})' },
    ]);
  });

  it('reports every bad schema field at once', () => {
    const issues = invalid({
      ...minimal,
      size: '0%',
      leverage: 200,
      sl: '0%',
      tp: '2000%',
      stop_loss: '2%',
      action: 'hold',
    });

    expect(issues).toHaveLength(6);
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: 'size', message: 'percent must be greater than 0' },
        { field: 'leverage', message: 'must be at most 125' },
        { field: 'sl', message: 'percent must be greater than 0' },
        { field: 'tp', message: 'percent must be at most 1000' },
        { field: 'stop_loss', message: 'unknown field' },
        { field: 'action', message: 'must be one of long, short, close_long, close_short, close_all, buy, sell' },
      ]),
    );
  });

  it('reports account, symbol and position issues together', () => {
    const issues = invalid({ ...minimal, account: 'acc-2', symbol: 'BTCXYZ', action: 'buy' }, 'acc-1');

    expect(issues).toEqual([
      { field: 'account', message: 'does not match the account in the URL' },
      {
        field: 'symbol',
        message: 'cannot find a known quote currency (FDUSD, USDT, USDC, BUSD, USD, KRW, BTC, ETH) in "BTCXYZ"',
      },
      { field: 'position', message: 'required with action "buy" (use {{strategy.market_position}})' },
    ]);
  });

  it('never echoes the token value in an issue', () => {
    const issues = invalid({ ...minimal, token: 'x'.repeat(513), leverage: 0 });

    expect(issues.map((i) => i.field).sort()).toEqual(['leverage', 'token']);
    expect(JSON.stringify(issues)).not.toContain('x'.repeat(20));
  });

  // Regression: a failing schema field once hid the symbol, account and position checks.
  test('reports a symbol issue together with a schema issue', () => {
    const issues = invalid({ ...minimal, leverage: 0, symbol: 'BTCXYZ' });

    expect(issues.map((i) => i.field).sort()).toEqual(['leverage', 'symbol']);
  });
});

describe('parseSize', () => {
  test.each<[number | string, unknown]>([
    ['10%', { kind: 'percent', value: 10 }],
    [' 10 % ', { kind: 'percent', value: 10 }],
    ['0.5%', { kind: 'percent', value: 0.5 }],
    ['100%', { kind: 'percent', value: 100 }],
    ['250usdt', { kind: 'quote', value: 250 }],
    ['250 USDT', { kind: 'quote', value: 250 }],
    ['250USDC', { kind: 'quote', value: 250 }],
    ['99.5 usd', { kind: 'quote', value: 99.5 }],
    ['40 quote', { kind: 'quote', value: 40 }],
    [3, { kind: 'contracts', value: 3 }],
    [0.001, { kind: 'contracts', value: 0.001 }],
    ['0.5', { kind: 'contracts', value: 0.5 }],
    ['.5', { kind: 'contracts', value: 0.5 }],
    ['+2', { kind: 'contracts', value: 2 }],
    ['1e-3', { kind: 'contracts', value: 0.001 }],
  ])('%j → %j', (input, expected) => {
    expect(parseSize(input)).toEqual(expected);
  });

  test.each<[number | string, string]>([
    [0, 'must be greater than 0'],
    [-1, 'must be greater than 0'],
    [Number.NaN, 'must be "N%", "Nusdt" or a number of contracts'],
    [Number.POSITIVE_INFINITY, 'must be at most 1000000000000'],
    ['0', 'must be greater than 0'],
    ['-0.5', 'must be greater than 0'],
    ['0%', 'percent must be greater than 0'],
    ['-5%', 'percent must be greater than 0'],
    ['100.01%', 'percent must be at most 100'],
    ['abc%', 'percent must be a number'],
    ['0usdt', 'quote amount must be greater than 0'],
    ['-250usdt', 'quote amount must be greater than 0'],
    ['xusdt', 'quote amount must be a number'],
    ['', 'must be "N%", "Nusdt" or a number of contracts'],
    ['%', 'must be "N%", "Nusdt" or a number of contracts'],
    ['usdt', 'must be "N%", "Nusdt" or a number of contracts'],
    ['abc', 'must be "N%", "Nusdt" or a number of contracts'],
    ['10 pct', 'must be "N%", "Nusdt" or a number of contracts'],
    ['1e400', 'must be at most 1000000000000'],
    ['1,5', 'must be "N%", "Nusdt" or a number of contracts'],
  ])('%j → "%s"', (input, message) => {
    expect(parseSize(input)).toBe(message);
  });
});

describe('parseLevel', () => {
  test.each<[number | string, number, unknown]>([
    ['2%', 99, { kind: 'percent', value: 2 }],
    [' 1.5 % ', 99, { kind: 'percent', value: 1.5 }],
    ['99%', 99, { kind: 'percent', value: 99 }],
    ['1000%', 1000, { kind: 'percent', value: 1000 }],
    [64000, 99, { kind: 'price', value: 64000 }],
    ['64000.5', 99, { kind: 'price', value: 64000.5 }],
    ['0.00001234', 99, { kind: 'price', value: 0.00001234 }],
  ])('%j (max %d%%) → %j', (input, max, expected) => {
    expect(parseLevel(input, max)).toEqual(expected);
  });

  test.each<[number | string, number, string]>([
    [0, 99, 'price must be greater than 0'],
    [-1, 99, 'price must be greater than 0'],
    [Number.NaN, 99, 'must be a price above 0 or a percent like "2%"'],
    ['0%', 99, 'percent must be greater than 0'],
    ['99.5%', 99, 'percent must be at most 99'],
    ['1000.1%', 1000, 'percent must be at most 1000'],
    ['x%', 99, 'percent must be a number'],
    ['0', 99, 'price must be greater than 0'],
    ['-1', 99, 'price must be greater than 0'],
    ['abc', 99, 'must be a price above 0 or a percent like "2%"'],
    ['', 99, 'must be a price above 0 or a percent like "2%"'],
  ])('%j (max %d%%) → "%s"', (input, max, message) => {
    expect(parseLevel(input, max)).toBe(message);
  });
});

describe('parseTime', () => {
  test.each<[string, number | string, number]>([
    ['ISO with Z', '2023-11-14T22:13:20Z', T0],
    ['ISO with milliseconds', '2023-11-14T22:13:20.123Z', T0 + 123],
    ['ISO without seconds', '2023-11-14T22:13Z', T0 - 20_000],
    ['ISO with +09:00', '2023-11-15T07:13:20+09:00', T0],
    ['ISO with -05:00', '2023-11-14T17:13:20-05:00', T0],
    ['ISO with +0900', '2023-11-15T07:13:20+0900', T0],
    ['ISO with blanks around', '  2023-11-14T22:13:20Z  ', T0],
    ['epoch seconds', 1_700_000_000, T0],
    ['epoch seconds as a string', '1700000000', T0],
    ['fractional epoch seconds', 1_700_000_000.5, T0 + 500],
    ['epoch milliseconds', T0, T0],
    ['epoch milliseconds as a string', ' 1700000000000 ', T0],
    ['epoch seconds in exponent form', '1.7e9', T0],
  ])('%s', (_name, input, expected) => {
    expect(parseTime(input)).toBe(expected);
  });

  test.each<[string, number | string]>([
    ['a word', 'yesterday'],
    ['a date only', '2023-11-14'],
    ['a time without zone', '2023-11-14T22:13:20'],
    ['a blank instead of T', '2023-11-14 22:13:20Z'],
    ['an RFC 1123 date', 'Tue, 14 Nov 2023 22:13:20 GMT'],
    ['an empty string', ''],
    ['zero', 0],
    ['a negative number', -1],
    ['a negative string', '-1700000000'],
    ['infinity', Number.POSITIVE_INFINITY],
    ['an overflowing string', '1e400'],
    ['a month 13', '2023-13-01T00:00:00Z'],
  ])('refuses %s', (_name, input) => {
    expect(parseTime(input)).toBeUndefined();
  });
});
