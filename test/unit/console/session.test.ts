// The console reads the role from the access token's cognito:groups (an array in the token; API
// Gateway flattens it to "[a b]"): owner may act, viewer reads, anyone else has no role.
import { claimsOf, roleOf, sessionFrom } from '../../../console/src/auth/session';

const jwt = (claims: Record<string, unknown>) =>
  `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

it('roleOf: owner wins, viewer reads, neither has no role', () => {
  expect(roleOf({ 'cognito:groups': ['viewer', 'owner'] })).toBe('owner');
  expect(roleOf({ 'cognito:groups': ['viewer'] })).toBe('viewer');
  expect(roleOf({ 'cognito:groups': '[viewer owner]' })).toBe('owner');
  expect(roleOf({ 'cognito:groups': 'viewer' })).toBe('viewer');
  expect(roleOf({ 'cognito:groups': ['owners'] })).toBe('none');
  expect(roleOf({})).toBe('none');
  // the deployment's admin: only when no tenant role is held (the API ranks it last too)
  expect(roleOf({ 'cognito:groups': '[admin]' })).toBe('admin');
  expect(roleOf({ 'cognito:groups': ['admin', 'viewer'] })).toBe('viewer');
});

it('claimsOf reads a base64url payload, and nothing from a malformed token', () => {
  expect(claimsOf(jwt({ sub: 'u-1', 'cognito:groups': ['owner'], note: '?>?' }))).toMatchObject({ sub: 'u-1' });
  expect(claimsOf('not-a-jwt')).toEqual({});
  expect(claimsOf('a.!!!.b')).toEqual({});
});

it('sessionFrom takes expiry and sign-in time from the token, and keeps the refresh token across a refresh', () => {
  const now = 1_765_000_000_000;
  const first = sessionFrom(
    'me@example.com',
    {
      accessToken: jwt({ exp: now / 1000 + 3600, auth_time: now / 1000 - 10, 'cognito:groups': ['owner'] }),
      refreshToken: 'r1',
      expiresIn: 3600,
    },
    now,
  );
  expect(first).toMatchObject({
    role: 'owner',
    expiresAt: now + 3_600_000,
    authTime: now - 10_000,
    refreshToken: 'r1',
  });
  const refreshed = sessionFrom(
    'me@example.com',
    { accessToken: jwt({ exp: now / 1000 + 7200, auth_time: now / 1000 - 10 }), expiresIn: 3600 },
    now + 3_000_000,
    first,
  );
  expect(refreshed.refreshToken).toBe('r1');
  expect(refreshed.authTime).toBe(now - 10_000);
});
