// The local Cognito stand-in's protocol edges, called as the gateway calls its mount (no network):
// errors as Cognito sends them (HTTP 400, {"__type","message"}, x-amzn-errortype), a missing member
// named, bad bodies refused, repeated wrong passwords locked out, CONSOLE_MFA parsed strictly.
// The happy paths, with the real SDK client: test/integration/auth/local-cognito.int.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleMfaMode, startLocalCognito, type LocalCognito } from '../../../bin/local/cognito';

let dataDir: string;
let cognito: LocalCognito;
let clock = Date.UTC(2026, 11, 7, 12, 0, 0);

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'local-cognito-unit-'));
  cognito = startLocalCognito({ dataDir, baseUrl: 'http://127.0.0.1:3000', mfa: 'off', now: () => clock });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function call(operation: string | undefined, body: unknown, authorization?: string) {
  const answer = await cognito.mount.handle({
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(operation ? { 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` } : {}),
      ...(authorization ? { authorization } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: answer.statusCode,
    headers: answer.headers ?? {},
    body: JSON.parse(String(answer.body)) as Record<string, unknown>,
  };
}

const admin = () =>
  `AWS4-HMAC-SHA256 Credential=${cognito.adminAccessKeyId}/20261207/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=x`;

test('errors are HTTP 400 with __type and message, and the x-amzn-errortype header', async () => {
  const answer = await call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nope', AuthParameters: {} });
  expect(answer).toEqual({
    status: 400,
    headers: expect.objectContaining({ 'x-amzn-errortype': 'ResourceNotFoundException' }),
    body: { __type: 'ResourceNotFoundException', message: 'User pool client does not exist.' },
  });
});

test('a missing member is named; a body that is not a JSON object, or no X-Amz-Target, is refused', async () => {
  const ClientId = cognito.config.clientId;
  expect(
    (await call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId, AuthParameters: { USERNAME: 'a@b.co' } }))
      .body,
  ).toEqual({
    __type: 'InvalidParameterException',
    message: 'Missing required parameter AuthParameters.PASSWORD',
  });
  expect((await call('InitiateAuth', '{not json')).body.__type).toBe('SerializationException');
  expect((await call('InitiateAuth', '[1]')).body.__type).toBe('SerializationException');
  expect((await call(undefined, {})).body.__type).toBe('UnknownOperationException');
  expect((await call('AdminDisableUser', {})).body.__type).toBe('UnknownOperationException');
});

test('Admin operations need the admin key id in the SigV4 credential', async () => {
  const UserPoolId = cognito.config.userPoolId;
  expect((await call('ListUsers', { UserPoolId })).body.__type).toBe('AccessDeniedException');
  const other = 'AWS4-HMAC-SHA256 Credential=AKIAOTHER/20261207/us-east-1/cognito-idp/aws4_request, Signature=x';
  expect((await call('ListUsers', { UserPoolId }, other)).body.__type).toBe('AccessDeniedException');
  expect(await call('ListUsers', { UserPoolId }, admin())).toMatchObject({ status: 200, body: { Users: [] } });
});

test('five wrong passwords in a row lock the user out for a while, even for the right password', async () => {
  const UserPoolId = cognito.config.userPoolId;
  const ClientId = cognito.config.clientId;
  await call('AdminCreateUser', { UserPoolId, Username: 'lock@example.com', MessageAction: 'SUPPRESS' }, admin());
  await call(
    'AdminSetUserPassword',
    { UserPoolId, Username: 'lock@example.com', Password: 'Right-Pass-1', Permanent: true },
    admin(),
  );
  const signIn = (PASSWORD: string) =>
    call('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId,
      AuthParameters: { USERNAME: 'lock@example.com', PASSWORD },
    });
  for (let i = 0; i < 5; i++)
    expect((await signIn('Wrong-Pass-1')).body.message).toBe('Incorrect username or password.');
  expect((await signIn('Right-Pass-1')).body).toEqual({
    __type: 'NotAuthorizedException',
    message: 'Password attempts exceeded',
  });
  clock += 2_000;
  expect((await signIn('Right-Pass-1')).body.AuthenticationResult).toBeDefined();
});

test('CONSOLE_MFA: off by default, "required" turns it on, anything else is refused naming it', () => {
  expect(consoleMfaMode(undefined)).toBe('off');
  expect(consoleMfaMode('')).toBe('off');
  expect(consoleMfaMode('off')).toBe('off');
  expect(consoleMfaMode('required')).toBe('required');
  expect(() => consoleMfaMode('on')).toThrow('CONSOLE_MFA must be "off" or "required", not "on"');
});
