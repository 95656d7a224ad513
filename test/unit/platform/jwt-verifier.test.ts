import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { gatewayClaims, tokenFromHeader, verifyJwt, type Jwks } from '../../../shared/platform/jwt-verifier';

const ISSUER = 'http://127.0.0.1:3000/local-cognito/us-east-1_TEST';
const CLIENT = 'client123';
const NOW = 1_800_000_000_000;
const config = { issuer: ISSUER, audience: [CLIENT] };

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks: Jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function jwt(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key: KeyObject = privateKey) {
  const input = `${b64({ alg: 'RS256', kid: 'k1', ...header })}.${b64(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}
// A Cognito access token's claims: client_id, no aud.
const access = (over: Record<string, unknown> = {}) => ({
  sub: 'u-1',
  iss: ISSUER,
  client_id: CLIENT,
  token_use: 'access',
  'cognito:groups': ['owner'],
  iat: NOW / 1000 - 10,
  auth_time: NOW / 1000 - 10,
  exp: NOW / 1000 + 900,
  ...over,
});
const reason = (token: string) => {
  const verdict = verifyJwt(token, jwks, config, NOW);
  return verdict.ok ? 'accepted' : verdict.reason;
};

describe('verifyJwt (API Gateway HTTP API JWT authorizer rules)', () => {
  it('accepts a well-signed access token whose client_id is the audience', () => {
    const verdict = verifyJwt(jwt(access()), jwks, config, NOW);
    expect(verdict).toEqual({ ok: true, claims: access() });
  });

  it('accepts an id token by aud', () => {
    expect(reason(jwt({ ...access({ client_id: undefined }), aud: CLIENT, token_use: 'id' }))).toBe('accepted');
  });

  it('refuses an expired token (exp at or before now)', () => {
    expect(reason(jwt(access({ exp: NOW / 1000 })))).toBe('expired');
    expect(reason(jwt(access({ exp: undefined })))).toBe('no exp');
  });

  it('refuses a token of another issuer', () => {
    expect(reason(jwt(access({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OTHER' })))).toBe(
      'wrong issuer',
    );
  });

  it('refuses a wrong audience, and evaluates aud (not client_id) when both are present', () => {
    expect(reason(jwt(access({ client_id: 'someone-else' })))).toBe('wrong audience');
    expect(reason(jwt(access({ aud: 'someone-else' })))).toBe('wrong audience');
    expect(reason(jwt(access({ client_id: undefined })))).toBe('wrong audience');
  });

  it('refuses alg none (and any alg but RS256), even with the signature stripped', () => {
    const unsigned = `${b64({ alg: 'none', kid: 'k1' })}.${b64(access())}.`;
    expect(reason(unsigned)).toMatch(/unsupported alg "none"/);
    expect(reason(jwt(access(), { alg: 'HS256' }))).toMatch(/unsupported alg "HS256"/);
  });

  it('refuses a bad signature: another key, or a payload changed after signing', () => {
    expect(reason(jwt(access(), {}, other.privateKey))).toBe('bad signature');
    const [h, , s] = jwt(access()).split('.');
    expect(reason(`${h}.${b64(access({ 'cognito:groups': ['owner', 'admin'] }))}.${s}`)).toBe('bad signature');
  });

  it('refuses an unknown kid or none', () => {
    expect(reason(jwt(access(), { kid: 'k2' }))).toBe('kid matches no RSA key of the JWKS');
    expect(reason(jwt(access(), { kid: undefined }))).toBe('no kid in the token header');
  });

  it('refuses nbf and iat in the future', () => {
    expect(reason(jwt(access({ nbf: NOW / 1000 + 60 })))).toBe('not valid yet (nbf)');
    expect(reason(jwt(access({ iat: NOW / 1000 + 60 })))).toBe('issued in the future (iat)');
  });

  it('with route scopes, refuses a token without one (an ID token has no scope)', () => {
    const scoped = { ...config, scopes: ['aws.cognito.signin.user.admin'] };
    const ok = (claims: Record<string, unknown>) => verifyJwt(jwt(claims), jwks, scoped, NOW).ok;
    expect(ok(access({ scope: 'openid aws.cognito.signin.user.admin' }))).toBe(true);
    expect(ok(access())).toBe(false);
    expect(ok({ ...access({ client_id: undefined }), aud: CLIENT, token_use: 'id' })).toBe(false);
  });

  it('refuses malformed tokens without throwing', () => {
    expect(reason('abc')).toMatch(/malformed/);
    expect(reason('a.b.c')).toMatch(/malformed/);
    expect(reason(`${b64([1])}.${b64(access())}.sig`)).toMatch(/malformed/);
    expect(reason('x'.repeat(20_000))).toBe('token too long');
  });
});

describe('tokenFromHeader', () => {
  it('takes the token alone or after "Bearer "', () => {
    expect(tokenFromHeader('Bearer aa.bb.cc')).toBe('aa.bb.cc');
    expect(tokenFromHeader('aa.bb.cc')).toBe('aa.bb.cc');
  });
  it('refuses anything else', () => {
    expect(tokenFromHeader(undefined)).toBeUndefined();
    expect(tokenFromHeader('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(tokenFromHeader('Bearer')).toBeUndefined();
    expect(tokenFromHeader('Bearer aa.bb.cc extra')).toBeUndefined();
  });
});

describe('gatewayClaims', () => {
  it('flattens as API Gateway does: strings, arrays as "[a b]"', () => {
    expect(gatewayClaims({ 'cognito:groups': ['owner', 'viewer'], auth_time: 1700000000, sub: 'u' })).toEqual({
      'cognito:groups': '[owner viewer]',
      auth_time: '1700000000',
      sub: 'u',
    });
  });
});
