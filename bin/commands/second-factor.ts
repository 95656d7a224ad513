// The second factor of a money move made from the CLI for a user (`--user E`, docs/TENANCY.md
// "Second factor"): E signs in through the console's user pool with their password and the code of
// their authenticator (InitiateAuth USER_PASSWORD_AUTH → the SOFTWARE_TOKEN_MFA challenge), the
// same flow as the console, so the CLI proves what the console proves. The answer is the sign-in's
// time from the token Cognito issued (auth_time), which becomes Actor.secondFactorAt. Neither the
// password nor the code is ever in a message; Cognito's refusals are named by their type only.
import {
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CliError } from '../cli-target';

export interface SecondFactorPool {
  /** an unauthenticated client of the pool (InitiateAuth needs no AWS credentials) */
  client: Pick<CognitoIdentityProviderClient, 'send'>;
  /** the console's app client id */
  clientId: string;
}

export interface SecondFactorInput {
  email: string;
  password: string;
  /** asked only once the pool has asked for it (a hidden prompt, or an environment variable) */
  code: () => Promise<string>;
}

const claimsOf = (jwt: string): Record<string, unknown> => {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/** Cognito's refusal as its type (NotAuthorizedException, CodeMismatchException…), never its request. */
const refusal = (error: unknown): CliError =>
  new CliError(`the sign-in was refused (${error instanceof Error ? error.name : 'error'})`);

/** The time (epoch ms) of a sign-in that proved the user's TOTP now. */
export async function proveSecondFactor(pool: SecondFactorPool, input: SecondFactorInput): Promise<number> {
  let first;
  try {
    first = await pool.client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: pool.clientId,
        AuthParameters: { USERNAME: input.email, PASSWORD: input.password },
      }),
    );
  } catch (error) {
    throw refusal(error);
  }
  if (first.AuthenticationResult)
    throw new CliError(
      'the console sign-in asks no TOTP code, so it cannot prove a second factor: run the stack with CONSOLE_MFA=required (the cloud pool requires it)',
    );
  if (first.ChallengeName === 'MFA_SETUP')
    throw new CliError(`${input.email} has no authenticator yet: sign in to the console once to set it up`);
  if (first.ChallengeName !== 'SOFTWARE_TOKEN_MFA')
    throw new CliError(
      `the sign-in asks for ${first.ChallengeName ?? 'nothing known'}: finish it in the console first`,
    );
  const code = (await input.code()).trim();
  if (!/^\d{6}$/.test(code)) throw new CliError('the authenticator code is 6 digits');
  let done;
  try {
    done = await pool.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: pool.clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: first.Session,
        ChallengeResponses: { USERNAME: input.email, SOFTWARE_TOKEN_MFA_CODE: code },
      }),
    );
  } catch (error) {
    throw refusal(error);
  }
  const authTime = Number(claimsOf(done.AuthenticationResult?.AccessToken ?? '').auth_time);
  if (!Number.isFinite(authTime) || authTime <= 0) throw new CliError('the sign-in gave no usable token');
  return authTime * 1000;
}

/** The authenticator's code: CONSOLE_TOTP_CODE (then removed from the environment), else a hidden prompt. */
export const TOTP_CODE_ENV = 'CONSOLE_TOTP_CODE';

/**
 * The second factor of `--user E` on this stack or stage: E's password (CONSOLE_PASSWORD or a
 * prompt) and authenticator code (CONSOLE_TOTP_CODE or a prompt), proven by a sign-in through the
 * console's pool. Asked only when an action has been refused for want of it.
 */
export async function secondFactorOf(stage: string | undefined, email: string): Promise<number> {
  const { readConsolePassword, userPool } = await import('./user-commands');
  const { promptHidden } = await import('./exchange-keys');
  const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
  let pool: SecondFactorPool;
  if (!stage) {
    const { localDiscovery } = await import('../cli-target');
    const cognito = localDiscovery(process.env).cognito;
    if (!cognito) throw new CliError('the running local stack has no console sign-in: restart `npm start`');
    // InitiateAuth is unauthenticated: any key id, never the stand-in's admin one
    const client = new CognitoIdentityProviderClient({
      region: cognito.region,
      endpoint: cognito.endpoint,
      credentials: { accessKeyId: 'cli-sign-in', secretAccessKey: 'local' },
    });
    pool = { client, clientId: cognito.clientId };
  } else {
    const found = await userPool(stage);
    if (!found.clientId) throw new CliError(`no console app client on stage ${stage}: deploy the console first`);
    pool = { client: found.client, clientId: found.clientId };
  }
  const password = await readConsolePassword(email, {
    env: process.env,
    stdin: process.stdin,
    prompts: process.stderr,
    once: true,
  });
  return proveSecondFactor(pool, {
    email,
    password,
    code: async () => {
      const fromEnv = process.env[TOTP_CODE_ENV];
      if (fromEnv !== undefined) {
        delete process.env[TOTP_CODE_ENV];
        return fromEnv;
      }
      if (!process.stdin.isTTY)
        throw new CliError(`no terminal to ask the authenticator code at: set ${TOTP_CODE_ENV}`);
      const [code] = await promptHidden([`authenticator code for ${email}: `], process.stdin, process.stderr);
      return code ?? '';
    },
  });
}
