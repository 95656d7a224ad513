// `node --import tsx bench/auth.ts`: what the console's sign-in costs on this machine. The local
// authorizer verifies every /api/v1 request (RS256 against the JWKS), so its cost sits inside the
// API's p99 budget (≤ 50 ms); a password check (scrypt) is paid once per sign-in.
// The last stdout line is one JSON object: authorize() µs per call (median and p99 over N calls),
// and the ms of one USER_PASSWORD_AUTH sign-in through the stand-in (median of 20).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCognito } from '../bin/local/cognito';
import { percentile, round } from './stats';

const N = Number(process.env.BENCH_AUTH_CALLS ?? 5_000);
const dataDir = mkdtempSync(join(tmpdir(), 'bench-auth-'));
try {
  const cognito = startLocalCognito({ dataDir, baseUrl: 'http://127.0.0.1:3000', mfa: 'off' });
  const admin = `AWS4-HMAC-SHA256 Credential=${cognito.adminAccessKeyId}/x`;
  const call = async (operation: string, body: unknown, authorization?: string) =>
    JSON.parse(
      String(
        (
          await cognito.mount.handle({
            method: 'POST',
            path: '/',
            query: new URLSearchParams(),
            headers: {
              'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
              ...(authorization ? { authorization } : {}),
            },
            body: JSON.stringify(body),
          })
        ).body,
      ),
    ) as Record<string, unknown>;
  const { userPoolId: UserPoolId, clientId: ClientId } = cognito.config;
  await call('AdminCreateUser', { UserPoolId, Username: 'bench@example.com', MessageAction: 'SUPPRESS' }, admin);
  await call(
    'AdminSetUserPassword',
    { UserPoolId, Username: 'bench@example.com', Password: 'Bench-Pass-1', Permanent: true },
    admin,
  );
  const signIns: number[] = [];
  let token = '';
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    const out = await call('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId,
      AuthParameters: { USERNAME: 'bench@example.com', PASSWORD: 'Bench-Pass-1' },
    });
    signIns.push(performance.now() - start);
    token = String((out.AuthenticationResult as Record<string, unknown>).AccessToken);
  }
  const header = `Bearer ${token}`;
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const start = performance.now();
    if (!(await cognito.authorize(header))) throw new Error('the token was refused');
    times.push((performance.now() - start) * 1000);
  }
  const result = {
    authorizeCalls: N,
    authorizeMedianUs: round(percentile(times, 50), 1),
    authorizeP99Us: round(percentile(times, 99), 1),
    signInMedianMs: round(percentile(signIns, 50), 1),
  };
  process.stderr.write(
    `authorize: median ${result.authorizeMedianUs} µs, p99 ${result.authorizeP99Us} µs (${N} calls); sign-in (scrypt + 2 RS256 signatures + pool file write): median ${result.signInMedianMs} ms\n`,
  );
  console.log(JSON.stringify(result));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
