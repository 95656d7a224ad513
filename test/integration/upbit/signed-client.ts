// A minimal Upbit client for the tests that talk to the fake without ccxt: signs exactly as Upbit's
// "Authentication" documents — a Bearer JWT (HS256, secret key) whose payload carries access_key, a
// fresh UUID nonce and, when there are parameters, query_hash = hex SHA-512 of them as a query string.
import { createHash, createHmac, randomUUID } from 'node:crypto';

export interface UpbitKey {
  apiKey: string;
  secret: string;
}

export interface UpbitAnswer {
  status: number;
  body: unknown;
}

export interface SignOverrides {
  secret?: string;
  nonce?: string;
  /** hash these parameters instead of the ones sent */
  hashOf?: string;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function upbitToken(key: UpbitKey, query: string, overrides: SignOverrides = {}): string {
  const payload: Record<string, string> = { access_key: key.apiKey, nonce: overrides.nonce ?? randomUUID() };
  const hashed = overrides.hashOf ?? query;
  if (hashed !== '') {
    payload.query_hash = createHash('sha512').update(hashed, 'utf8').digest('hex');
    payload.query_hash_alg = 'SHA512';
  }
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', overrides.secret ?? key.secret)
    .update(unsigned)
    .digest('base64url')}`;
}

export function upbitClient(baseUrl: string, key: UpbitKey) {
  const request = async (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Record<string, string> = {},
    overrides: SignOverrides = {},
  ): Promise<UpbitAnswer> => {
    const query = Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const url =
      method === 'POST' || query === ''
        ? baseUrl + path
        : `${baseUrl}${path}?${new URLSearchParams(params).toString()}`;
    const res = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${upbitToken(key, query, overrides)}`,
        ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(method === 'POST' ? { body: JSON.stringify(params) } : {}),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  return {
    get: (path: string, params?: Record<string, string>, overrides?: SignOverrides) =>
      request('GET', path, params, overrides),
    post: (path: string, params: Record<string, string>, overrides?: SignOverrides) =>
      request('POST', path, params, overrides),
    del: (path: string, params: Record<string, string>, overrides?: SignOverrides) =>
      request('DELETE', path, params, overrides),
  };
}
