// redact: keys that can hold secrets are masked, at any level and inside arrays; nothing else changes.
import { createLogger, redact } from '../../../shared/platform/logger';

describe('redact', () => {
  it('masks token, apiKey, secret and password and keeps other fields', () => {
    const input = { token: 'tv-tok', apiKey: 'AK', secret: 'S', password: 'P', accountId: 'acc-1', leverage: 5 };

    expect(redact(input)).toEqual({
      token: '[redacted]',
      apiKey: '[redacted]',
      secret: '[redacted]',
      password: '[redacted]',
      accountId: 'acc-1',
      leverage: 5,
    });
  });

  it('masks nested objects', () => {
    const input = {
      account: { name: 'main', credentials: { apiKey: 'AK', secret: 'S' }, exchange: { apiKey: 'AK2', id: 'okx' } },
    };

    expect(redact(input)).toEqual({
      account: { name: 'main', credentials: '[redacted]', exchange: { apiKey: '[redacted]', id: 'okx' } },
    });
  });

  it('masks inside arrays, at the top and nested', () => {
    const input = { accounts: [{ id: 'a', password: 'p1' }, { id: 'b', token: 't2' }, 'plain', 3] };

    expect(redact(input)).toEqual({
      accounts: [{ id: 'a', password: '[redacted]' }, { id: 'b', token: '[redacted]' }, 'plain', 3],
    });
    expect(redact([{ secret: 's' }, [{ apiKey: 'k' }]])).toEqual([
      { secret: '[redacted]' },
      [{ apiKey: '[redacted]' }],
    ]);
  });

  test.each([
    'token',
    'TOKEN',
    'webhookToken',
    'apiKey',
    'APIKEY',
    'api_key',
    'secret',
    'Secret',
    'password',
    'passphrase',
    'authorization',
    'Authorization',
    'credentials',
    'blob',
    'plaintext',
  ])('masks the key %s whatever its value', (key) => {
    expect(redact({ [key]: { nested: 'value' }, other: 'kept' })).toEqual({ [key]: '[redacted]', other: 'kept' });
  });

  test.each(['tokenHash', 'webhookTokenHash', 'secretName', 'apiKeyId', 'passwordPolicy', 'symbol', 'status'])(
    'keeps the key %s (not an exact secret key) beside a masked one',
    (key) => {
      expect(redact({ [key]: 'v', token: 't' })).toEqual({ [key]: 'v', token: '[redacted]' });
    },
  );

  test.each<[unknown]>([['text'], [42], [true], [null], [undefined]])(
    'returns the primitive %j unchanged, at the top and as an array item',
    (value) => {
      expect(redact(value)).toBe(value);
      expect(redact([value, { secret: 's' }])).toEqual([value, { secret: '[redacted]' }]);
    },
  );

  it('returns a masked copy and leaves its input unchanged', () => {
    const input = { token: 'tv-tok', nested: { secret: 's' } };

    const output = redact(input);

    expect(output).toEqual({ token: '[redacted]', nested: { secret: '[redacted]' } });
    expect(input).toEqual({ token: 'tv-tok', nested: { secret: 's' } });
  });

  it('masks at depth 6', () => {
    const input = { a: { b: { c: { d: { e: { f: { token: 'deep' } } } } } } };

    expect(JSON.stringify(redact(input))).not.toContain('deep');
  });

  // Regression: a depth limit once returned deeper subtrees unmasked.
  test('masks a secret nested deeper than 6 levels', () => {
    const input = { a: { b: { c: { d: { e: { f: { g: { token: 'deeper' } } } } } } } };

    expect(JSON.stringify(redact(input))).not.toContain('deeper');
  });
});

describe('createLogger', () => {
  // Regression: the logger once wrote attributes without masking them.
  test('masks secret keys in what it writes', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      createLogger('test').info('account created', { token: 'tv-secret-token', accountId: 'acc-1' });
    } finally {
      spy.mockRestore();
    }

    expect(written.join('')).toContain('acc-1');
    expect(written.join('')).not.toContain('tv-secret-token');
  });
});
