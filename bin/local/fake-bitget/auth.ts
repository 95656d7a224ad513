// Signed-request checks as Bitget documents them ("Signature", https://www.bitget.com/api-doc/common/signature):
// ACCESS-KEY names the key, ACCESS-PASSPHRASE must be the key's passphrase, ACCESS-SIGN must be
// base64(HMAC-SHA256(timestamp + METHOD + requestPath + "?" + queryString + body, secret)) with the
// query string unencoded and no "?" when there is none, and ACCESS-TIMESTAMP (epoch ms) must be
// within 30 s of the server's clock.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { errors } from './errors';
import type { Account, BitgetState } from './state';

const MAX_SKEW_MS = 30_000;

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') throw errors.missingHeader(name);
  return text;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** requestPath + "?" + the raw (form-decoded) query string, as Bitget signs it; no "?" without a query. */
function signedPath(target: string): string {
  const at = target.indexOf('?');
  if (at < 0) return target;
  const query = target.slice(at + 1);
  if (query === '') return target.slice(0, at);
  try {
    return `${target.slice(0, at)}?${decodeURIComponent(query.replace(/\+/g, ' '))}`;
  } catch {
    // a malformed escape cannot have been signed as Bitget documents
    throw errors.badSign();
  }
}

export function authenticate(
  state: BitgetState,
  req: { method: string; target: string; body: string; headers: IncomingHttpHeaders },
): Account {
  const apiKey = header(req.headers, 'ACCESS-KEY');
  const sign = header(req.headers, 'ACCESS-SIGN');
  const timestamp = header(req.headers, 'ACCESS-TIMESTAMP');
  const passphrase = header(req.headers, 'ACCESS-PASSPHRASE');
  const account = state.accounts.get(apiKey);
  if (!account) throw errors.badKey();

  if (!/^\d{13}$/.test(timestamp)) throw errors.badTimestamp();
  const expected = createHmac('sha256', account.seed.secret)
    .update(timestamp + req.method + signedPath(req.target) + req.body)
    .digest('base64');
  if (!same(sign, expected)) throw errors.badSign();
  if (!same(passphrase, account.seed.passphrase)) throw errors.badPassphrase();
  if (Math.abs(state.now() - Number(timestamp)) > MAX_SKEW_MS) throw errors.expired();
  return account;
}
