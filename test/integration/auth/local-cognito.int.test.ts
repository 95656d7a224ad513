// The local Cognito stand-in driven by the real AWS SDK client (endpoint override), through the
// local gateway's mount: the SDK's own serializers and error parsers prove the wire shape (the
// JSON 1.1 protocol, member names of the Cognito API reference, errors by __type). The expected
// members are the reference's: AuthenticationResultType (AccessToken, ExpiresIn, IdToken,
// RefreshToken, TokenType "Bearer"),
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AuthenticationResultType.html;
// challenges (ChallengeName, ChallengeParameters, Session),
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html;
// the claim sets, https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  GetGroupCommand,
  ListGroupsCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startGateway } from '../../../bin/local/http-gateway';
import { startLocalCognito, type LocalCognito, type MfaMode } from '../../../bin/local/cognito';
import { verifyJwt, type Jwks } from '../../../shared/platform/jwt-verifier';
import { base32Decode, totpCode } from '../../../shared/platform/totp';

const PASSWORD = 'Correct-Horse-9';
const EMAIL = 'Owner@Example.com';

interface Harness {
  cognito: LocalCognito;
  server: Server;
  url: string;
  admin: CognitoIdentityProviderClient;
  user: CognitoIdentityProviderClient;
}

const dirs: string[] = [];
const servers: Server[] = [];
let clock = Date.UTC(2026, 11, 7, 12, 0, 0);

async function start(mfa: MfaMode, dataDir = mkdtempSync(join(tmpdir(), 'local-cognito-'))): Promise<Harness> {
  dirs.push(dataDir);
  let url = '';
  const cognito = startLocalCognito({ dataDir, baseUrl: () => url, mfa, now: () => clock });
  const gateway = await startGateway(
    { webhook: async () => ({ statusCode: 404 }), isReady: () => true, mounts: [cognito.mount] },
    0,
  );
  url = gateway.url;
  servers.push(gateway.server);
  const client = (accessKeyId: string) =>
    new CognitoIdentityProviderClient({
      region: cognito.config.region,
      endpoint: cognito.config.endpoint,
      credentials: { accessKeyId, secretAccessKey: 'local' },
    });
  return { cognito, server: gateway.server, url, admin: client(cognito.adminAccessKeyId), user: client('anyone') };
}

async function addUser(h: Harness, email: string, group: 'owner' | 'viewer'): Promise<void> {
  const UserPoolId = h.cognito.config.userPoolId;
  await h.admin.send(
    new AdminCreateUserCommand({
      UserPoolId,
      Username: email,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
      MessageAction: 'SUPPRESS',
    }),
  );
  await h.admin.send(
    new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: PASSWORD, Permanent: true }),
  );
  await h.admin.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: group }));
}

const signIn = (h: Harness, username = EMAIL, password = PASSWORD) =>
  h.user.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: h.cognito.config.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

const errorName = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (e: Error) => `${e.name}: ${e.message}`,
  );

afterAll(async () => {
  for (const server of servers) await new Promise((r) => server.close(r));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('local Cognito, MFA off', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await start('off');
    await addUser(h, EMAIL, 'owner');
  });

  it('creates a confirmed user in a group, visible to AdminGetUser, ListUsers and AdminListGroupsForUser', async () => {
    const UserPoolId = h.cognito.config.userPoolId;
    const got = await h.admin.send(new AdminGetUserCommand({ UserPoolId, Username: EMAIL }));
    expect(got.UserStatus).toBe('CONFIRMED');
    expect(got.Enabled).toBe(true);
    expect(got.UserCreateDate).toBeInstanceOf(Date);
    expect(got.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'owner@example.com' }]));
    const listed = await h.admin.send(new ListUsersCommand({ UserPoolId, Filter: 'email = "owner@example.com"' }));
    expect(listed.Users?.map((u) => u.Username)).toEqual(['owner@example.com']);
    const groups = await h.admin.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: EMAIL }));
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['owner']);
  });

  it('creates, gets and lists groups as Cognito does (GroupType; GroupExistsException; pages with NextToken)', async () => {
    const UserPoolId = h.cognito.config.userPoolId;
    const created = await h.admin.send(
      new CreateGroupCommand({ UserPoolId, GroupName: 'tenant-t0123456789', Description: 'tenant of a@example.com' }),
    );
    expect(created.Group).toMatchObject({
      GroupName: 'tenant-t0123456789',
      UserPoolId,
      Description: 'tenant of a@example.com',
    });
    expect(created.Group?.CreationDate).toBeInstanceOf(Date);
    const got = await h.admin.send(new GetGroupCommand({ UserPoolId, GroupName: 'tenant-t0123456789' }));
    expect(got.Group?.GroupName).toBe('tenant-t0123456789');
    expect(await errorName(h.admin.send(new GetGroupCommand({ UserPoolId, GroupName: 'tenant-t9999999999' })))).toBe(
      'ResourceNotFoundException: Group not found.',
    );
    expect(await errorName(h.admin.send(new CreateGroupCommand({ UserPoolId, GroupName: 'tenant-t0123456789' })))).toBe(
      'GroupExistsException: A group with the name already exists.',
    );
    expect(await errorName(h.user.send(new ListGroupsCommand({ UserPoolId })))).toMatch(/^AccessDeniedException/);
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await h.admin.send(
        new ListGroupsCommand({ UserPoolId, Limit: 2, ...(NextToken ? { NextToken } : {}) }),
      );
      expect((page.Groups ?? []).length).toBeLessThanOrEqual(2);
      names.push(...(page.Groups ?? []).map((g) => g.GroupName ?? ''));
      NextToken = page.NextToken;
    } while (NextToken);
    // the pool's own groups (as CDK makes them), then the one created
    expect(names).toEqual(['owner', 'trader', 'viewer', 'admin', 'tenant-acc', 'tenant-t0123456789']);
  });

  it('refuses the admin operations to a caller without the admin key, and a second user of the same email', async () => {
    const UserPoolId = h.cognito.config.userPoolId;
    expect(await errorName(h.user.send(new ListUsersCommand({ UserPoolId })))).toMatch(/^AccessDeniedException/);
    expect(
      await errorName(
        h.admin.send(new AdminCreateUserCommand({ UserPoolId, Username: EMAIL, MessageAction: 'SUPPRESS' })),
      ),
    ).toMatch(/^UsernameExistsException/);
    expect(
      await errorName(
        h.admin.send(
          new AdminSetUserPasswordCommand({ UserPoolId, Username: EMAIL, Password: 'short', Permanent: true }),
        ),
      ),
    ).toBe('InvalidPasswordException: Password did not conform with policy: Password not long enough');
  });

  it('signs in with USER_PASSWORD_AUTH: Cognito-shaped tokens that verify against the served JWKS', async () => {
    const out = await signIn(h);
    const result = out.AuthenticationResult;
    expect(out.ChallengeName).toBeUndefined();
    expect(result).toMatchObject({ ExpiresIn: 900, TokenType: 'Bearer' });
    expect(result?.RefreshToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const access = claimsOf(result?.AccessToken ?? '');
    expect(access).toMatchObject({
      iss: h.cognito.issuer,
      client_id: h.cognito.config.clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      'cognito:groups': ['owner'],
      username: 'owner@example.com',
      auth_time: clock / 1000,
      iat: clock / 1000,
      exp: clock / 1000 + 900,
    });
    expect(access.aud).toBeUndefined();
    expect(claimsOf(result?.IdToken ?? '')).toMatchObject({
      aud: h.cognito.config.clientId,
      token_use: 'id',
      email: 'owner@example.com',
      'cognito:username': 'owner@example.com',
    });
    // The JWKS over HTTP at <issuer>/.well-known/jwks.json, as API Gateway fetches it.
    const jwks = (await (await fetch(`${h.cognito.issuer}/.well-known/jwks.json`)).json()) as Jwks;
    const verdict = verifyJwt(
      result?.AccessToken ?? '',
      jwks,
      { issuer: h.cognito.issuer, audience: [h.cognito.config.clientId] },
      clock,
    );
    expect(verdict.ok).toBe(true);
  });

  it('authorizes the console API as the cloud authorizer hands claims on, and refuses id, expired and foreign tokens', async () => {
    const result = (await signIn(h)).AuthenticationResult;
    const claims = await h.cognito.authorize(`Bearer ${result?.AccessToken}`);
    expect(claims).toMatchObject({
      'cognito:groups': '[owner]',
      username: 'owner@example.com',
      auth_time: String(clock / 1000),
    });
    expect(await h.cognito.authorize(`Bearer ${result?.IdToken}`)).toBeUndefined();
    expect(await h.cognito.authorize(undefined)).toBeUndefined();
    const other = await start('off');
    await addUser(other, EMAIL, 'owner');
    const foreign = (await signIn(other)).AuthenticationResult?.AccessToken;
    expect(await h.cognito.authorize(`Bearer ${foreign}`)).toBeUndefined();
    clock += 900_000;
    try {
      expect(await h.cognito.authorize(`Bearer ${result?.AccessToken}`)).toBeUndefined();
    } finally {
      clock -= 900_000;
    }
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    expect(await errorName(signIn(h, EMAIL, 'Wrong-Horse-9'))).toBe(
      'NotAuthorizedException: Incorrect username or password.',
    );
    expect(await errorName(signIn(h, 'nobody@example.com'))).toBe(
      'NotAuthorizedException: Incorrect username or password.',
    );
  });

  it('refreshes keeping auth_time; GlobalSignOut ends GetUser and the refresh token', async () => {
    const first = (await signIn(h)).AuthenticationResult;
    const me = await h.user.send(new GetUserCommand({ AccessToken: first?.AccessToken }));
    expect(me.Username).toBe('owner@example.com');
    clock += 60_000;
    const refreshed = await h.user.send(
      new InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: h.cognito.config.clientId,
        AuthParameters: { REFRESH_TOKEN: first?.RefreshToken ?? '' },
      }),
    );
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    const access = claimsOf(refreshed.AuthenticationResult?.AccessToken ?? '');
    expect(access.iat).toBe(clock / 1000);
    expect(access.auth_time).toBe(clock / 1000 - 60);
    await h.user.send(new GlobalSignOutCommand({ AccessToken: refreshed.AuthenticationResult?.AccessToken }));
    expect(await errorName(h.user.send(new GetUserCommand({ AccessToken: first?.AccessToken })))).toBe(
      'NotAuthorizedException: Access Token has been revoked',
    );
    expect(
      await errorName(
        h.user.send(
          new InitiateAuthCommand({
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            ClientId: h.cognito.config.clientId,
            AuthParameters: { REFRESH_TOKEN: first?.RefreshToken ?? '' },
          }),
        ),
      ),
    ).toBe('NotAuthorizedException: Invalid Refresh Token');
  });

  it('keeps users, ids and key across a restart in 0600 files without the password', async () => {
    const dataDir = dirs[0] ?? '';
    const again = await start('off', dataDir);
    expect(again.cognito.config.userPoolId).toBe(h.cognito.config.userPoolId);
    expect((await signIn(again)).AuthenticationResult?.AccessToken).toBeDefined();
    for (const file of ['local-cognito.json', 'local-cognito-key.pem'])
      expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, 'local-cognito.json'), 'utf8')).not.toContain(PASSWORD);
  });

  it('sets TOTP up for a signed-in user with the AccessToken (AssociateSoftwareToken, VerifySoftwareToken)', async () => {
    await addUser(h, 'totp@example.com', 'viewer');
    const AccessToken = (await signIn(h, 'totp@example.com')).AuthenticationResult?.AccessToken;
    const associated = await h.user.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    const secret = base32Decode(associated.SecretCode ?? '') ?? Buffer.alloc(0);
    expect(secret.length).toBe(20);
    const verified = await h.user.send(
      new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(secret, clock) }),
    );
    expect(verified.Status).toBe('SUCCESS');
    const me = await h.user.send(new GetUserCommand({ AccessToken }));
    expect(me.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(await errorName(h.user.send(new AssociateSoftwareTokenCommand({ AccessToken: 'not.a.token' })))).toBe(
      'NotAuthorizedException: Invalid Access Token',
    );
  });

  it('deletes a user: sign-in then fails', async () => {
    await addUser(h, 'viewer@example.com', 'viewer');
    expect((await signIn(h, 'viewer@example.com')).AuthenticationResult).toBeDefined();
    await h.admin.send(
      new AdminDeleteUserCommand({ UserPoolId: h.cognito.config.userPoolId, Username: 'viewer@example.com' }),
    );
    expect(await errorName(signIn(h, 'viewer@example.com'))).toMatch(/^NotAuthorizedException/);
  });
});

describe('local Cognito, MFA required', () => {
  it('sets TOTP up at the first sign-in (MFA_SETUP), then asks SOFTWARE_TOKEN_MFA every time', async () => {
    const h = await start('required');
    await addUser(h, EMAIL, 'owner');
    const ClientId = h.cognito.config.clientId;

    const first = await signIn(h);
    expect(first.ChallengeName).toBe('MFA_SETUP');
    expect(first.AuthenticationResult).toBeUndefined();
    const associated = await h.user.send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
    const secret = base32Decode(associated.SecretCode ?? '') ?? Buffer.alloc(0);
    expect(secret.length).toBe(20);
    const wrong = String((Number(totpCode(secret, clock)) + 1) % 1_000_000).padStart(6, '0');
    expect(
      await errorName(h.user.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: wrong }))),
    ).toMatch(/^CodeMismatchException/);
    const verified = await h.user.send(
      new VerifySoftwareTokenCommand({
        Session: associated.Session,
        UserCode: totpCode(secret, clock),
        FriendlyDeviceName: 'phone',
      }),
    );
    expect(verified.Status).toBe('SUCCESS');
    const done = await h.user.send(
      new RespondToAuthChallengeCommand({
        ClientId,
        ChallengeName: 'MFA_SETUP',
        Session: verified.Session,
        ChallengeResponses: { USERNAME: EMAIL },
      }),
    );
    expect(done.AuthenticationResult?.AccessToken).toBeDefined();
    const me = await h.admin.send(
      new AdminGetUserCommand({ UserPoolId: h.cognito.config.userPoolId, Username: EMAIL }),
    );
    expect(me.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);

    clock += 30_000;
    const second = await signIn(h);
    expect(second.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    const respond = (code: string, Session = second.Session) =>
      h.user.send(
        new RespondToAuthChallengeCommand({
          ClientId,
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          Session,
          ChallengeResponses: { USERNAME: EMAIL, SOFTWARE_TOKEN_MFA_CODE: code },
        }),
      );
    // The code used for the setup is spent: a replay is refused even inside the window.
    expect(await errorName(respond(totpCode(secret, clock - 30_000)))).toMatch(/^CodeMismatchException/);
    const tokens = await respond(totpCode(secret, clock));
    expect(claimsOf(tokens.AuthenticationResult?.AccessToken ?? '').auth_time).toBe(clock / 1000);
    // A session answers once.
    expect(await errorName(respond(totpCode(secret, clock + 30_000)))).toMatch(/^NotAuthorizedException/);
  });
});
