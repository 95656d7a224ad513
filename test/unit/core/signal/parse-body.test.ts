// parseSignalBody: JSON object bodies, key=value text bodies, and every way a body is refused.
import { MalformedSignalError } from '../../../../shared/core/errors';
import { parseSignalBody } from '../../../../shared/core/signal/parse-body';

/** Runs the parser and returns the MalformedSignalError it throws. */
function malformed(body: string): MalformedSignalError {
  try {
    parseSignalBody(body);
  } catch (e) {
    if (e instanceof MalformedSignalError) return e;
    throw e;
  }
  throw new Error(`expected MalformedSignalError for ${JSON.stringify(body)}`);
}

describe('parseSignalBody: JSON', () => {
  it('returns a JSON object as is, nested values and types kept', () => {
    const body = '{"token":"t0k","action":"long","symbol":"BTCUSDT.P","size":"10%","leverage":5,"meta":{"a":[1,2]}}';

    const parsed = parseSignalBody(body);

    expect(parsed).toEqual({
      token: 't0k',
      action: 'long',
      symbol: 'BTCUSDT.P',
      size: '10%',
      leverage: 5,
      meta: { a: [1, 2] },
    });
  });

  it('trims surrounding blanks and newlines before deciding the format', () => {
    const parsed = parseSignalBody('\n\t  {"action":"short"}  \r\n');

    expect(parsed).toEqual({ action: 'short' });
  });

  it('accepts an empty JSON object (the schema decides what is missing)', () => {
    expect(parseSignalBody('{}')).toEqual({});
  });

  it('keeps the last value of a key repeated inside JSON (JSON.parse semantics)', () => {
    expect(parseSignalBody('{"action":"long","action":"short"}')).toEqual({ action: 'short' });
  });

  it.each([
    ['a JSON array', '[{"action":"long"}]', 'body must be a JSON object'],
    ['a JSON string', '"action=long"', 'body must be a JSON object'],
    ['an array with blanks before it', '   [1,2]', 'body must be a JSON object'],
  ])('refuses %s as not an object', (_name, body, message) => {
    const error = malformed(body);

    expect(error.message).toBe(message);
    expect(error.code).toBe('MALFORMED');
    expect(error.retryable).toBe(false);
  });

  it.each([
    ['null', 'null'],
    ['a number', '42'],
    ['true', 'true'],
  ])('refuses the JSON literal %s (it is read as text without "=")', (_name, body) => {
    expect(malformed(body).message).toBe('text body must be JSON or key=value pairs');
  });

  it.each([
    ['truncated', '{"action":"long"'],
    ['single quotes', "{'action':'long'}"],
    ['trailing comma', '{"action":"long",}'],
    ['unquoted key', '{action:"long"}'],
    ['trailing text', '{"action":"long"} extra'],
  ])('refuses invalid JSON (%s)', (_name, body) => {
    expect(malformed(body).message).toBe('body is not valid JSON');
  });
});

describe('parseSignalBody: key=value text', () => {
  const expected = { token: 'abc', action: 'long', symbol: 'BTCUSDT.P' };

  it.each([
    ['newlines', 'token=abc\naction=long\nsymbol=BTCUSDT.P'],
    ['CRLF newlines', 'token=abc\r\naction=long\r\nsymbol=BTCUSDT.P'],
    ['&', 'token=abc&action=long&symbol=BTCUSDT.P'],
    ['commas', 'token=abc,action=long,symbol=BTCUSDT.P'],
    ['semicolons', 'token=abc;action=long;symbol=BTCUSDT.P'],
    ['blanks', 'token=abc action=long   symbol=BTCUSDT.P'],
    ['tabs', 'token=abc\taction=long\tsymbol=BTCUSDT.P'],
    ['mixed and repeated separators', 'token=abc ;\n& action=long,, symbol=BTCUSDT.P;'],
  ])('splits pairs separated by %s', (_name, body) => {
    expect(parseSignalBody(body)).toEqual(expected);
  });

  it('keeps every value as a string', () => {
    expect(parseSignalBody('leverage=5 size=0.5 price=64000.5')).toEqual({
      leverage: '5',
      size: '0.5',
      price: '64000.5',
    });
  });

  it('splits on the first "=" only, so a value may contain "="', () => {
    expect(parseSignalBody('token=ab=cd== id=x')).toEqual({ token: 'ab=cd==', id: 'x' });
  });

  it('accepts an empty value', () => {
    expect(parseSignalBody('strategy= action=long')).toEqual({ strategy: '', action: 'long' });
  });

  it('accepts keys with underscores, digits and a leading underscore, up to 40 characters', () => {
    const key40 = `k${'x'.repeat(39)}`;

    const parsed = parseSignalBody(`close_all=1 _x9=2 ${key40}=3`);

    expect(parsed).toEqual({ close_all: '1', _x9: '2', [key40]: '3' });
  });

  it('refuses a key that appears twice, naming it', () => {
    expect(malformed('action=long symbol=BTCUSDT action=short').message).toBe('key "action" appears twice');
  });

  it('treats key case as significant (Action and action are two keys)', () => {
    expect(parseSignalBody('Action=long action=short')).toEqual({ Action: 'long', action: 'short' });
  });

  it.each([
    ['a leading digit', '1action=long'],
    ['a dash', 'stop-loss=2%'],
    ['a dot', 'a.b=1'],
    ['41 characters', `k${'x'.repeat(40)}=1`],
    ['a non-ASCII letter', 'clé=1'],
  ])('refuses a key with %s', (_name, body) => {
    expect(malformed(body).message).toBe('text body has an invalid key');
  });

  it.each([
    ['plain text', 'buy BTC now'],
    ['a single word', 'hello'],
    ['a pair without key', '=long'],
    ['one good pair and a word', 'action=long now'],
    ['a value with a blank (blanks separate pairs)', 'size=250 USDT'],
  ])('refuses text without a key=value shape: %s', (_name, body) => {
    expect(malformed(body).message).toBe('text body must be JSON or key=value pairs');
  });

  it.each([
    ['an empty string', ''],
    ['blanks only', '   '],
    ['newlines and tabs only', '\n\t\r\n'],
  ])('refuses %s as an empty body', (_name, body) => {
    expect(malformed(body).message).toBe('empty body');
  });

  it.each([
    ['&', '&&&'],
    ['separators only, after a non-blank', ';,&;'],
  ])('refuses a text body made of separators only (%s)', (_name, body) => {
    expect(malformed(body).message).toBe('no key=value pairs');
  });

  it('keeps a __proto__ key as a plain own key, never as the prototype', () => {
    const result = parseSignalBody('__proto__=x action=long');

    expect(Object.getPrototypeOf(result)).toBeNull();
    expect(Object.keys(result)).toEqual(['__proto__', 'action']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  // Regression: `key in out` also saw Object.prototype, so a key named like an inherited member
  // (toString, constructor, hasOwnProperty, valueOf) was reported as "appears twice".
  test.each(['toString', 'constructor', 'valueOf', 'hasOwnProperty'])(
    'does not report the single key %s as appearing twice',
    (key) => {
      expect(() => parseSignalBody(`${key}=1 action=long`)).not.toThrow(/appears twice/);
    },
  );
});
