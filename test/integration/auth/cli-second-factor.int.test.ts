// The CLI's proof of a user's second factor (bin/commands/second-factor.ts) against the local
// Cognito stand-in through the real AWS SDK client: the password, then the SOFTWARE_TOKEN_MFA
// challenge answered with the authenticator's code, gives the sign-in's auth_time; a wrong code, a
// pool that asks no code, and a user without an authenticator are refused by name, and no message
// carries the password or the code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startGateway } from '../../../bin/local/http-gateway';
import { startLocalCognito, type MfaMode } from '../../../bin/local/cognito';
import { proveSecondFactor, type SecondFactorPool } from '../../../bin/commands/second-factor';
import { CliError } from '../../../bin/cli-target';
import { base32Decode, totpCode } from '../../../shared/platform/totp';

const PASSWORD = 'Second-Factor-9!';
const dirs: string[] = [];
const servers: Server[] = [];
let clock = Date.UTC(2026, 11, 7, 15, 0, 0);

async function start(mfa: MfaMode) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cli-2fa-'));
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
  const admin = client(cognito.adminAccessKeyId);
  const pool: SecondFactorPool = { client: client('anyone'), clientId: cognito.config.clientId };
  const addUser = async (email: string) => {
    const UserPoolId = cognito.config.userPoolId;
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: email,
        UserAttributes: [{ Name: 'email', Value: email }],
        MessageAction: 'SUPPRESS',
      }),
    );
    await admin.send(
      new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: PASSWORD, Permanent: true }),
    );
  };
  /** the first sign-in's authenticator setup, as the console does it: the secret */
  const setUpTotp = async (email: string): Promise<Buffer> => {
    const first = await pool.client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: pool.clientId,
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    );
    const associated = await pool.client.send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
    const secret = base32Decode(associated.SecretCode ?? '') ?? Buffer.alloc(0);
    const verified = await pool.client.send(
      new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(secret, clock) }),
    );
    await pool.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: pool.clientId,
        ChallengeName: 'MFA_SETUP',
        Session: verified.Session,
        ChallengeResponses: { USERNAME: email },
      }),
    );
    return secret;
  };
  return { pool, addUser, setUpTotp };
}

afterAll(async () => {
  for (const server of servers) await new Promise((r) => server.close(r));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const messageOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (e: unknown) => {
      expect(e).toBeInstanceOf(CliError);
      return (e as Error).message;
    },
  );

test('the password and the TOTP code give the sign-in time; a wrong code or password is refused by type only', async () => {
  const s = await start('required');
  await s.addUser('trader@example.com');
  const secret = await s.setUpTotp('trader@example.com');
  clock += 30_000; // the setup's code is spent: the next step's
  const at = await proveSecondFactor(s.pool, {
    email: 'trader@example.com',
    password: PASSWORD,
    code: async () => totpCode(secret, clock),
  });
  expect(at).toBe(clock);

  clock += 30_000;
  const right = totpCode(secret, clock);
  const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
  const refused = await messageOf(
    proveSecondFactor(s.pool, { email: 'trader@example.com', password: PASSWORD, code: async () => wrong }),
  );
  expect(refused).toBe('the sign-in was refused (CodeMismatchException)');
  const badPassword = await messageOf(
    proveSecondFactor(s.pool, { email: 'trader@example.com', password: 'Wrong-pass-12!', code: async () => right }),
  );
  expect(badPassword).toBe('the sign-in was refused (NotAuthorizedException)');
  expect(`${refused}${badPassword}`).not.toContain(wrong);
  expect(`${refused}${badPassword}`).not.toContain('Wrong-pass');
});

test('a user without an authenticator, and a pool that asks no code, cannot prove a second factor', async () => {
  const required = await start('required');
  await required.addUser('new@example.com');
  const code = jest.fn(async () => '123456');
  expect(
    await messageOf(proveSecondFactor(required.pool, { email: 'new@example.com', password: PASSWORD, code })),
  ).toBe('new@example.com has no authenticator yet: sign in to the console once to set it up');
  const off = await start('off');
  await off.addUser('plain@example.com');
  expect(
    await messageOf(proveSecondFactor(off.pool, { email: 'plain@example.com', password: PASSWORD, code })),
  ).toContain('CONSOLE_MFA=required');
  // the code is asked only once the pool asks for it
  expect(code).not.toHaveBeenCalled();
});
