// Console users on the local stack as `npm start` runs it (CONSOLE_MFA=required): the stack serves
// /console-config.json with its Cognito stand-in, `npm run cli -- user add|list|remove` finds that
// stand-in through the discovery file and creates, lists and deletes users with the real SDK, the
// password from CONSOLE_PASSWORD never reaching the output; a password the pool refuses leaves no
// half-made user; and a new user's first sign-in is asked to set up TOTP.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';

// A stack boot and a handful of CLI runs (each a Node start, the first maybe a bundle build).
jest.setTimeout(300_000);

const root = join(__dirname, '..', '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'tvat-user-cli-'));
// below Linux's ephemeral range (32768-60999), where the OS hands out the ports of every other listener and connection
const port = 20_000 + Math.floor(Math.random() * 12_000);
const base = `http://127.0.0.1:${port}`;
const PASSWORD = 'Correct-Horse-9-local';
const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir, CONSOLE_MFA: 'required' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: ChildProcess | undefined;
let stackOutput = '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/cli-launcher.mjs', ...args],
      { cwd: root, env: { ...env, ...extraEnv } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local-stack.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stack = child;
  child.stdout?.on('data', (d: Buffer) => (stackOutput += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stackOutput += d.toString()));
  const started = Date.now();
  while (Date.now() - started < 120_000) {
    if (
      await fetch(`${base}/health`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      return;
    if (child.exitCode !== null) throw new Error(`stack exited: ${stackOutput}`);
    await sleep(200);
  }
  throw new Error(`no /health within 120 s: ${stackOutput}`);
});

afterAll(async () => {
  if (!stack || stack.exitCode !== null) return;
  const exited = new Promise((r) => stack?.once('exit', r));
  stack.kill('SIGINT');
  await exited;
});

test('console-config.json, user add/list/remove through the discovery file, and MFA setup at the first sign-in', async () => {
  const config = (await (await fetch(`${base}/console-config.json`)).json()) as {
    stage: string;
    apiBase: string;
    mfa: string;
    cognito: { endpoint: string; region: string; userPoolId: string; clientId: string };
  };
  expect(config).toEqual({
    stage: 'local',
    apiBase: '/api/v1',
    mfa: 'required',
    cognito: {
      endpoint: `${base}/local-cognito`,
      region: 'us-east-1',
      userPoolId: expect.stringMatching(/^us-east-1_[A-Za-z0-9]{9}$/),
      clientId: expect.stringMatching(/^[a-z0-9]{26}$/),
    },
  });

  const added = await cli(['user', 'add', '--email', 'Owner@Example.com'], { CONSOLE_PASSWORD: PASSWORD });
  expect(added).toMatchObject({ code: 0 });
  // The deployment's first user owns the first tenant (the accounts made before tenancy).
  expect(added.stdout).toMatch(/^owner@example\.com added as owner of tenant acc[ .]/);
  expect(added.stdout).toContain(`Sign in at ${base} with this email and the password.`);
  const viewer = await cli(
    ['user', 'add', '--email', 'viewer@example.com', '--team', 'owner@example.com', '--role', 'viewer'],
    { CONSOLE_PASSWORD: PASSWORD },
  );
  expect(viewer.code).toBe(0);
  expect(viewer.stdout).toContain('viewer@example.com added as viewer of tenant acc.');
  // Anyone else added without --team owns a new tenant of their own, on the default plan.
  const other = await cli(['user', 'add', '--email', 'other@example.com', '--json'], { CONSOLE_PASSWORD: PASSWORD });
  expect(other.code).toBe(0);
  const otherTenant = (JSON.parse(other.stdout) as { tenantId: string; newTenant: boolean }).tenantId;
  expect(otherTenant).toMatch(/^t[0-9a-f]{10}$/);
  expect(JSON.parse(other.stdout)).toMatchObject({ role: 'owner', newTenant: true });

  // The pool's policy refuses a weak password: the command says why and leaves no user behind.
  const weak = await cli(['user', 'add', '--email', 'weak@example.com'], { CONSOLE_PASSWORD: 'weakpass' });
  expect(weak.code).toBe(1);
  expect(weak.stderr).toContain('cannot add weak@example.com: InvalidPassword: Password did not conform with policy');

  const listed = await cli(['user', 'list', '--json']);
  expect(listed.code).toBe(0);
  const users = (
    JSON.parse(listed.stdout) as { users: { email: string; roles: string[]; tenant: string; status: string }[] }
  ).users;
  expect(users.map(({ email, roles, tenant, status }) => ({ email, roles, tenant, status }))).toEqual([
    { email: 'owner@example.com', roles: ['owner'], tenant: 'acc', status: 'CONFIRMED' },
    { email: 'viewer@example.com', roles: ['viewer'], tenant: 'acc', status: 'CONFIRMED' },
    { email: 'other@example.com', roles: ['owner'], tenant: otherTenant, status: 'CONFIRMED' },
  ]);

  // The console's first step, with the config it reads: CONSOLE_MFA=required asks for TOTP setup.
  const client = new CognitoIdentityProviderClient({
    region: config.cognito.region,
    endpoint: config.cognito.endpoint,
    credentials: { accessKeyId: 'browser', secretAccessKey: 'none' },
  });
  const signIn = await client.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: config.cognito.clientId,
      AuthParameters: { USERNAME: 'owner@example.com', PASSWORD },
    }),
  );
  expect(signIn.ChallengeName).toBe('MFA_SETUP');

  const removed = await cli(['user', 'remove', '--email', 'viewer@example.com']);
  expect(removed.code).toBe(0);
  const after = JSON.parse((await cli(['user', 'list', '--json'])).stdout) as { users: { email: string }[] };
  expect(after.users.map((u) => u.email)).toEqual(['owner@example.com', 'other@example.com']);
  // Its member items went with it: the email joins a team again as a new member.
  const again = await cli(
    ['user', 'add', '--email', 'viewer@example.com', '--team', 'other@example.com', '--role', 'trader'],
    { CONSOLE_PASSWORD: PASSWORD },
  );
  expect(again.stderr).toBe('');
  expect(again.stdout).toContain(`viewer@example.com added as trader of tenant ${otherTenant}.`);
  // --team names an owner; a role without --team is refused before anything is made.
  const notOwner = await cli(
    ['user', 'add', '--email', 'x@example.com', '--team', 'viewer@example.com', '--role', 'viewer'],
    { CONSOLE_PASSWORD: PASSWORD },
  );
  expect(notOwner.stderr).toContain('--team: viewer@example.com is not the owner of a tenant');
  const roleAlone = await cli(['user', 'add', '--email', 'x@example.com', '--role', 'viewer'], {
    CONSOLE_PASSWORD: PASSWORD,
  });
  expect(roleAlone.stderr).toContain('--role: a user without --team owns their own tenant');

  for (const run of [added, viewer, other, weak, listed, removed, again, notOwner, roleAlone])
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  expect(weak.stdout + weak.stderr).not.toContain('weakpass');
  expect(stackOutput).not.toContain(PASSWORD);
});
