// Signed-request checks as Upbit documents them ("Authentication", global-docs.upbit.com): the
// Authorization header is "Bearer <JWT>", an HS256 token signed with the secret key whose payload
// carries access_key, a nonce (a fresh UUID per request) and, when the request has parameters,
// query_hash = hex SHA-512 of the parameters as a query string (the body's fields, for a POST) with
// query_hash_alg "SHA512".
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { errors } from './errors';
import type { Account, UpbitState } from './state';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function decodePart(part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw errors.badToken();
}

/** The parameters as the query string Upbit hashes: "k=v&…", unencoded, in the order sent. */
export function queryString(method: string, target: string, params: Record<string, unknown> | undefined): string {
  if (method === 'POST') {
    return Object.entries(params ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('&');
  }
  const at = target.indexOf('?');
  if (at < 0) return '';
  return target
    .slice(at + 1)
    .split('&')
    .filter((p) => p !== '')
    .map((p) => decodeURIComponent(p.replace(/\+/g, ' ')))
    .join('&');
}

export function authenticate(
  state: UpbitState,
  req: { method: string; target: string; headers: IncomingHttpHeaders },
  params: Record<string, unknown> | undefined,
): Account {
  const header = req.headers.authorization;
  const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  if (!token) throw errors.noToken();
  const parts = token.split('.');
  if (parts.length !== 3) throw errors.badToken();
  const [head = '', body = '', signature = ''] = parts;
  if (decodePart(head).alg !== 'HS256') throw errors.badToken();
  const payload = decodePart(body);
  const account = typeof payload.access_key === 'string' ? state.accounts.get(payload.access_key) : undefined;
  if (!account) throw errors.badKey();
  const expected = createHmac('sha256', account.seed.secret).update(`${head}.${body}`).digest('base64url');
  if (!same(signature, expected)) throw errors.badToken();

  const nonce = payload.nonce;
  if (typeof nonce !== 'string' || nonce === '') throw errors.badToken();
  if (account.nonces.has(nonce)) throw errors.nonceUsed();
  account.nonces.add(nonce);

  const query = queryString(req.method, req.target, params);
  if (query !== '') {
    const hash = createHash('sha512').update(query, 'utf8').digest('hex');
    if (
      payload.query_hash_alg !== 'SHA512' ||
      typeof payload.query_hash !== 'string' ||
      !same(payload.query_hash, hash)
    )
      throw errors.badQueryHash();
  }
  return account;
}
