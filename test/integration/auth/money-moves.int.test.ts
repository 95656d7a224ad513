// Plans and the second factor on the local stack as `npm start` runs it, through the console API
// (the local gateway's JWT check, the local Cognito stand-in driven by the real AWS SDK client)
// and the CLI: a free plan refuses a live account naming the limit while its paper trading works;
// a pro tenant's live slots show in `usage`; a live enable is refused with second_factor_required
// when the pool does not require TOTP, and works with a TOTP sign-in when it does (CONSOLE_MFA=required).
import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { base32Decode, totpCode } from '../../../shared/platform/totp';
import { sleep, useLocalStackProcess, type LocalStackProcess } from '../cli/local-stack-process';

// two stack boots, some twenty CLI runs and sign-ins, on a machine shared with others
jest.setTimeout(400_000);

const apiKey = 'LIVEKEY' + 'p'.repeat(40);
const secret = 'LIVESECRET' + 'm'.repeat(40);
const OWNER = { email: 'money-owner@example.com', password: 'Money-owner-pass-1!' };
const env = {
  ACCOUNT_CACHE_MS: '0',
  FAKE_BINANCE_API_KEY: apiKey,
  FAKE_BINANCE_SECRET: secret,
  EXCHANGE_API_KEY: apiKey,
  EXCHANGE_API_SECRET: secret,
  CONSOLE_PASSWORD: OWNER.password,
};

interface ConsoleConfig {
  cognito: { endpoint: string; region: string; clientId: string };
}

/**
 * Signs in through the stand-in: password, then (pool requiring TOTP) the authenticator set up and
 * its code. The token, and the authenticator's secret when one was set up.
 */
async function signIn(stack: LocalStackProcess, email = OWNER.email): Promise<{ token: string; totp?: Buffer }> {
  const config = (await (await fetch(`${stack.base}/console-config.json`)).json()) as ConsoleConfig;
  const client = new CognitoIdentityProviderClient({
    region: config.cognito.region,
    endpoint: config.cognito.endpoint,
    credentials: { accessKeyId: 'anyone', secretAccessKey: 'local' },
  });
  const ClientId = config.cognito.clientId;
  const first = await client.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId,
      AuthParameters: { USERNAME: email, PASSWORD: OWNER.password },
    }),
  );
  if (first.AuthenticationResult?.AccessToken) return { token: first.AuthenticationResult.AccessToken };
  expect(first.ChallengeName).toBe('MFA_SETUP');
  const associated = await client.send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
  const key = base32Decode(associated.SecretCode ?? '') ?? Buffer.alloc(0);
  const verified = await client.send(
    new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(key, Date.now()) }),
  );
  const done = await client.send(
    new RespondToAuthChallengeCommand({
      ClientId,
      ChallengeName: 'MFA_SETUP',
      Session: verified.Session,
      ChallengeResponses: { USERNAME: email },
    }),
  );
  return { token: done.AuthenticationResult?.AccessToken ?? '', totp: key };
}

const enable = (stack: LocalStackProcess, token: string, account: string) =>
  fetch(`${stack.base}/api/v1/actions/enable`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ account }),
  });

async function statusOf(stack: LocalStackProcess, id: string): Promise<string> {
  const accounts = (await stack.cliJson('account', 'list')) as unknown as { accountId: string; status: string }[];
  return accounts.find((a) => a.accountId === id)?.status ?? 'missing';
}

describe('a pool without TOTP (the local default)', () => {
  const stack = useLocalStackProcess('money-off', env);

  test('free: no live account (the limit named), paper trades; pro: the live slot shows; enable without a second factor is refused', async () => {
    expect((await stack.cliJson('plan', 'set', '--tenant', 'acc', '--plan', 'free')).plan).toBe('free');
    const refused = await stack.cli('account', 'add', '--exchange', 'binanceusdm', '--name', 'live');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: plan free allows 0 live accounts (you have 0)');

    // paper trading works on the free plan: an alert opens a position
    const paper = await stack.cliJson('account', 'add', '--exchange', 'paper', '--name', 'paper', '--balance', '10000');
    const alert = await fetch(`${stack.base}/webhook`, {
      method: 'POST',
      body: JSON.stringify({ token: paper.token, account: paper.id, symbol: 'BTCUSDT.P', action: 'long', id: 'mm-1' }),
    });
    expect(alert.status).toBe(202);
    let positions: unknown[] = [];
    for (let i = 0; i < 240 && positions.length === 0; i++) {
      await sleep(500);
      positions = (await stack.cliJson('positions', '--account', String(paper.id))) as unknown as unknown[];
    }
    expect(positions).toHaveLength(1);

    await stack.cliJson('plan', 'set', '--tenant', 'acc', '--plan', 'pro');
    const live = await stack.cliJson('account', 'add', '--exchange', 'binanceusdm', '--name', 'live');
    const usage = await stack.cliJson('usage');
    expect(usage).toMatchObject({
      tenantId: 'acc',
      plan: { name: 'pro', source: 'record' },
      liveAccounts: { inUse: 1, allowed: 3 },
    });
    // the executor counted the paper alert and its order for the first tenant, today
    expect((usage.days as { signals: number; orders: number }[])[0]).toMatchObject({ signals: 1 });
    expect((usage.days as { orders: number }[])[0]?.orders).toBeGreaterThanOrEqual(1);

    await stack.cliJson('account', 'pause', '--account', String(live.id));
    expect((await stack.cli('user', 'add', '--email', OWNER.email, '--role', 'owner')).code).toBe(0);
    const { token } = await signIn(stack);
    const res = await enable(stack, token, String(live.id));
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('second_factor_required');
    expect(body.error.message).toContain('CONSOLE_MFA=required');
    expect(await statusOf(stack, String(live.id))).toBe('paused');
  });
});

describe('CONSOLE_MFA=required', () => {
  const stack = useLocalStackProcess('money-mfa', { ...env, CONSOLE_MFA: 'required' });
  /** the first tenant owner's authenticator, set up by the first test's sign-in */
  let ownerTotp: Buffer | undefined;

  test('a live enable with a fresh TOTP sign-in works', async () => {
    const live = await stack.cliJson('account', 'add', '--exchange', 'binanceusdm', '--name', 'live');
    await stack.cliJson('account', 'pause', '--account', String(live.id));
    expect((await stack.cli('user', 'add', '--email', OWNER.email, '--role', 'owner')).code).toBe(0);
    const { token, totp } = await signIn(stack);
    ownerTotp = totp;
    const res = await enable(stack, token, String(live.id));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ action: 'enable', accountIds: [live.id] });
    expect(await statusOf(stack, String(live.id))).toBe('active');
  });

  test("account add of a live account for --user E needs E's fresh TOTP: without it or with a wrong code nothing is stored", async () => {
    // a tenant of E's own (CONSOLE_PASSWORD is E's password), on a plan with live slots
    const E = 'keys-owner@example.com';
    const tenantId = String((await stack.cliJson('user', 'add', '--email', E)).tenantId);
    await stack.cliJson('plan', 'set', '--tenant', tenantId, '--plan', 'pro');
    const { totp } = await signIn(stack, E);
    const add = (env: Record<string, string>, name: string) =>
      stack.cliWithEnv(env, 'account', 'add', '--exchange', 'binanceusdm', '--name', name, '--user', E, '--json');
    const names = async () =>
      ((await stack.cliJson('account', 'list', '--user', E)) as unknown as { name: string }[]).map((a) => a.name);

    const noCode = await add({}, 'no-code');
    expect(noCode.code).toBe(1);
    expect(noCode.stderr).toContain('set CONSOLE_TOTP_CODE');
    // the setup's code is spent (replays are refused): the next step's, in the pool's window
    const code = totpCode(totp ?? Buffer.alloc(0), Date.now() + 30_000);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const refused = await add({ CONSOLE_TOTP_CODE: wrong }, 'wrong-code');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the sign-in was refused (CodeMismatchException)');
    expect(`${refused.stderr}${noCode.stderr}`).not.toContain(OWNER.password);
    expect(await names()).toEqual([]);

    const added = await add({ CONSOLE_TOTP_CODE: code }, 'with-code');
    expect({ code: added.code, stderr: added.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(added.stdout)).toMatchObject({ account: { name: 'with-code', exchange: 'binanceusdm' } });
    expect(await names()).toEqual(['with-code']);
  });

  test("strategy enable on a live account for --user E needs E's fresh TOTP (a strategy places real orders); on paper not", async () => {
    // the first tenant's owner set up their authenticator in the first test of this block
    const totp = ownerTotp;
    expect(totp).toBeDefined();
    const live = await stack.cliJson('account', 'add', '--exchange', 'binanceusdm', '--name', 'live-strategy');
    const paper = await stack.cliJson('account', 'add', '--exchange', 'paper', '--name', 'paper-strategy');
    const enableOn = (account: string, env: Record<string, string>) =>
      stack.cliWithEnv(
        env,
        'strategy',
        'enable',
        '--account',
        account,
        '--strategy',
        'sma-cross',
        '--symbol',
        'BTCUSDT',
        '--timeframe',
        '1h',
        '--user',
        OWNER.email,
        '--json',
      );
    const strategiesOf = async (account: string) =>
      ((await stack.cliJson('strategy', 'list', '--account', account)) as unknown as unknown[]).length;

    const noCode = await enableOn(String(live.id), {});
    expect(noCode.code).toBe(1);
    expect(noCode.stderr).toContain('set CONSOLE_TOTP_CODE');
    expect(await strategiesOf(String(live.id))).toBe(0);

    const onPaper = await enableOn(String(paper.id), {});
    expect({ code: onPaper.code, stderr: onPaper.stderr }).toEqual({ code: 0, stderr: '' });

    const code = totpCode(totp ?? Buffer.alloc(0), Date.now() + 30_000);
    const withCode = await enableOn(String(live.id), { CONSOLE_TOTP_CODE: code });
    expect({ code: withCode.code, stderr: withCode.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await strategiesOf(String(live.id))).toBe(1);
  });
});
