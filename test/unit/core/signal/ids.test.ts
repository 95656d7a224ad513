// Deterministic identifiers: canonical JSON, the signal identity behind dedup, client order ids.
import { createHash } from 'node:crypto';
import { canonicalJson, clientOrderIdFor, hashToken, signalIdentity } from '../../../../shared/core/signal/ids';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const LONG_TTL = 168 * 3_600_000;
// Binance documents ^[\.A-Z\:/a-z0-9_-]{1,36}$; the same set without the needless escapes.
const BINANCE_CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const OKX_CLIENT_ID = /^[A-Za-z0-9]{1,32}$/;

describe('canonicalJson', () => {
  it('gives the same text whatever the key order', () => {
    const a = canonicalJson({ symbol: 'BTC/USDT:USDT', action: 'long', size: { kind: 'percent', value: 10 } });
    const b = canonicalJson({ size: { value: 10, kind: 'percent' }, action: 'long', symbol: 'BTC/USDT:USDT' });

    expect(a).toBe('{"action":"long","size":{"kind":"percent","value":10},"symbol":"BTC/USDT:USDT"}');
    expect(b).toBe(a);
  });

  it('sorts keys at every level, inside arrays too, and keeps array order', () => {
    const text = canonicalJson({ z: { y: 1, x: [{ b: 1, a: 2 }, 3] }, a: null });

    expect(text).toBe('{"a":null,"z":{"x":[{"a":2,"b":1},3],"y":1}}');
  });

  it('drops keys whose value is undefined (the webhook removes the token that way)', () => {
    expect(canonicalJson({ token: undefined, b: 1, a: { c: undefined } })).toBe('{"a":{},"b":1}');
  });

  it('sorts by code unit: upper case before lower case', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3 })).toBe('{"B":2,"a":3,"b":1}');
  });

  it('escapes keys and strings as JSON does', () => {
    expect(canonicalJson({ 'k"1': 'line\nnext' })).toBe('{"k\\"1":"line\\nnext"}');
  });

  test.each<[unknown, string]>([
    ['x', '"x"'],
    [1.5, '1.5'],
    [true, 'true'],
    [null, 'null'],
    [[], '[]'],
    [{}, '{}'],
    [[2, 1], '[2,1]'],
  ])('%j → %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });
});

describe('signalIdentity', () => {
  const body = '{"account":"acc-1","action":"long","symbol":"BTC/USDT:USDT"}';

  it('derives dedup key and signal id from account and alert id', () => {
    const h = sha('acc-1\nid\nalert-7').slice(0, 40);

    const identity = signalIdentity('acc-1', body, 'alert-7', false, LONG_TTL);

    expect(identity).toEqual({ dedupKey: `id-${h}`, signalId: `s${h.slice(0, 31)}`, dedupTtlMs: LONG_TTL });
    expect(identity.signalId).toMatch(/^s[0-9a-f]{31}$/);
  });

  it('gives the same identity for the same alert id, whatever the body', () => {
    const first = signalIdentity('acc-1', body, 'alert-7', true, LONG_TTL);
    const second = signalIdentity('acc-1', '{"other":"body"}', 'alert-7', false, LONG_TTL);

    expect(second).toEqual(first);
  });

  it('gives another identity for the same alert id on another account', () => {
    const one = signalIdentity('acc-1', body, 'alert-7', false, LONG_TTL);
    const two = signalIdentity('acc-2', body, 'alert-7', false, LONG_TTL);

    expect(two.dedupKey).not.toBe(one.dedupKey);
    expect(two.signalId).not.toBe(one.signalId);
  });

  it('gives another identity for another alert id', () => {
    const one = signalIdentity('acc-1', body, 'alert-7', false, LONG_TTL);
    const two = signalIdentity('acc-1', body, 'alert-8', false, LONG_TTL);

    expect(two.dedupKey).not.toBe(one.dedupKey);
    expect(two.signalId).not.toBe(one.signalId);
  });

  it('with a fire time and no id, hashes the body: stable, long-lived', () => {
    const h = sha(`acc-1\nbody\n${body}`).slice(0, 40);

    const first = signalIdentity('acc-1', body, undefined, true, LONG_TTL);
    const second = signalIdentity('acc-1', body, undefined, true, LONG_TTL);

    expect(first).toEqual({ dedupKey: `body-${h}`, signalId: `s${h.slice(0, 31)}`, dedupTtlMs: LONG_TTL });
    expect(second).toEqual(first);
  });

  it('with a fire time, another body or account gives another identity', () => {
    const base = signalIdentity('acc-1', body, undefined, true, LONG_TTL);

    const otherBody = signalIdentity('acc-1', body.replace('long', 'short'), undefined, true, LONG_TTL);
    const otherAccount = signalIdentity('acc-2', body, undefined, true, LONG_TTL);

    expect(otherBody.dedupKey).not.toBe(base.dedupKey);
    expect(otherAccount.dedupKey).not.toBe(base.dedupKey);
    expect(otherAccount.signalId).not.toBe(base.signalId);
  });

  it('without id or time, keeps the dedup key stable but issues a fresh signal id, for 5 minutes only', () => {
    const h = sha(`acc-1\nbody\n${body}`).slice(0, 40);

    const first = signalIdentity('acc-1', body, undefined, false, LONG_TTL);
    const second = signalIdentity('acc-1', body, undefined, false, LONG_TTL);

    expect(first.dedupKey).toBe(`body-${h}`);
    expect(second.dedupKey).toBe(first.dedupKey);
    expect(first.signalId).toMatch(/^s[0-9a-f]{31}$/);
    expect(second.signalId).toMatch(/^s[0-9a-f]{31}$/);
    expect(second.signalId).not.toBe(first.signalId);
    expect(first.signalId).not.toBe(`s${h.slice(0, 31)}`);
    expect(first.dedupTtlMs).toBe(300_000);
    expect(second.dedupTtlMs).toBe(300_000);
  });

  it('prefers the alert id over the body hash when both id and time are present', () => {
    const withId = signalIdentity('acc-1', body, 'alert-7', true, LONG_TTL);

    expect(withId.dedupKey.startsWith('id-')).toBe(true);
  });

  it('keeps the id and body namespaces apart', () => {
    // an alert id equal to a body text must not collide with that body's identity
    const byId = signalIdentity('acc-1', 'ignored', body, false, LONG_TTL);
    const byBody = signalIdentity('acc-1', body, undefined, true, LONG_TTL);

    expect(byId.signalId).not.toBe(byBody.signalId);
    expect(byId.dedupKey).not.toBe(byBody.dedupKey);
  });
});

describe('clientOrderIdFor', () => {
  const signalId = 's0123456789abcdef0123456789abcde';

  it('is t + the first 31 hex digits of sha256(signalId \\n leg)', () => {
    expect(clientOrderIdFor(signalId, 'open')).toBe(`t${sha(`${signalId}\nopen`).slice(0, 31)}`);
  });

  it('is deterministic', () => {
    expect(clientOrderIdFor(signalId, 'sl')).toBe(clientOrderIdFor(signalId, 'sl'));
  });

  test.each(['open', 'close', 'reduce', 'sl', 'tp'])(
    'for leg %s is 32 characters accepted by Binance and OKX',
    (leg) => {
      const id = clientOrderIdFor(signalId, leg);

      expect(id).toHaveLength(32);
      expect(id).toMatch(BINANCE_CLIENT_ID);
      expect(id).toMatch(OKX_CLIENT_ID);
    },
  );

  it('differs between the legs of one signal', () => {
    const ids = ['open', 'close', 'reduce', 'sl', 'tp'].map((leg) => clientOrderIdFor(signalId, leg));

    expect(new Set(ids).size).toBe(5);
  });

  it('differs between signals for the same leg', () => {
    expect(clientOrderIdFor('s-one', 'open')).not.toBe(clientOrderIdFor('s-two', 'open'));
  });
});

describe('hashToken', () => {
  it('is the sha256 hex digest of the token', () => {
    expect(hashToken('tok')).toBe(sha('tok'));
    expect(hashToken('tok')).toMatch(/^[0-9a-f]{64}$/);
  });
});
