// The console's API client: the bearer token on every call, a 401 ends the session, and a
// destructive action the API refuses as stale_auth asks for a fresh sign-in, then is sent again
// ONCE with the new token (a second refusal is shown, never looped; giving up sends nothing more).
import { Api, ApiError, type TokenSource } from '../../../console/src/api';

type Call = { url: string; init: RequestInit };

function setup(answers: { status: number; body: unknown }[], reauth: () => Promise<void> = async () => undefined) {
  const calls: Call[] = [];
  let token = 'token-1';
  let signedOut = 0;
  const store = { get: () => ({ accessToken: token }), signOut: () => signedOut++ } satisfies TokenSource;
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
    calls.push({ url: String(url), init: init ?? {} });
    const answer = answers.shift();
    if (!answer) throw new Error('no answer left');
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  });
  const api = new Api('/api/v1', store, async () => {
    await reauth();
    token = 'token-2';
  });
  return { api, calls, signedOut: () => signedOut };
}

const header = (call: Call | undefined, name: string) => (call?.init.headers as Record<string, string>)[name];
const STALE = { status: 403, body: { error: { code: 'stale_auth', message: 'sign in again' } } };
const DONE = { status: 202, body: { status: 202, action: 'close', accountIds: ['a1'], message: 'queued' } };

afterEach(() => jest.restoreAllMocks());

it('sends the bearer token and the query, no cookies', async () => {
  const { api, calls } = setup([{ status: 200, body: { asOf: 1, items: [] } }]);
  await api.get('/performance/trades', { account: 'a1', symbol: undefined, limit: 50 });
  expect(calls[0]?.url).toBe('/api/v1/performance/trades?account=a1&limit=50');
  expect(header(calls[0], 'Authorization')).toBe('Bearer token-1');
  expect(calls[0]?.init.credentials).toBe('omit');
});

it('stale_auth: a fresh sign-in, then the same action once more with the new token', async () => {
  const { api, calls } = setup([STALE, DONE]);
  await expect(api.action('close', { account: 'a1', symbol: 'BTCUSDT' })).resolves.toMatchObject({ message: 'queued' });
  expect(calls).toHaveLength(2);
  expect(calls.map((c) => c.url)).toEqual(['/api/v1/actions/close', '/api/v1/actions/close']);
  expect(calls[1]?.init.body).toBe(calls[0]?.init.body);
  expect(header(calls[1], 'Authorization')).toBe('Bearer token-2');
});

it('stale_auth twice: the second refusal is shown, not looped', async () => {
  const { api, calls } = setup([STALE, STALE]);
  await expect(api.action('close', { account: 'a1', symbol: 'BTCUSDT' })).rejects.toMatchObject({ code: 'stale_auth' });
  expect(calls).toHaveLength(2);
});

it('second_factor_required (a money move): the same fresh sign-in, then the action once more; twice: shown', async () => {
  const SECOND = { status: 403, body: { error: { code: 'second_factor_required', message: 'sign in with TOTP' } } };
  const { api, calls } = setup([SECOND, DONE]);
  await expect(api.action('enable', { account: 'a1' })).resolves.toMatchObject({ message: 'queued' });
  expect(header(calls[1], 'Authorization')).toBe('Bearer token-2');
  jest.restoreAllMocks();
  const again = setup([SECOND, SECOND]);
  await expect(again.api.action('enable', { account: 'a1' })).rejects.toMatchObject({ code: 'second_factor_required' });
  expect(again.calls).toHaveLength(2);
});

it('a sign-in given up sends nothing more', async () => {
  const { api, calls } = setup([STALE], async () => {
    throw new Error('not done');
  });
  await expect(api.action('flatten', { all: true })).rejects.toThrow('not done');
  expect(calls).toHaveLength(1);
});

it('401 ends the session; another error names its code and field', async () => {
  const unauthorized = setup([{ status: 401, body: { message: 'Unauthorized' } }]);
  await expect(unauthorized.api.get('/accounts')).rejects.toMatchObject({ status: 401 });
  expect(unauthorized.signedOut()).toBe(1);
  jest.restoreAllMocks();
  const invalid = setup([
    {
      status: 400,
      body: { error: { code: 'invalid_query', field: 'limit', message: 'limit must be an integer 1..500' } },
    },
  ]);
  const error = await invalid.api.get('/alerts', { limit: 0 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect(error).toMatchObject({ code: 'invalid_query', field: 'limit', message: 'limit must be an integer 1..500' });
  expect(invalid.signedOut()).toBe(0);
});
