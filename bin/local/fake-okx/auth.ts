// Signed-request checks as OKX documents them ("REST Authentication"): OK-ACCESS-KEY names the key,
// OK-ACCESS-PASSPHRASE must be the key's passphrase, OK-ACCESS-SIGN must be
// base64(HMAC-SHA256(timestamp + method + requestPath + body, secret)) where requestPath carries the
// query string, and OK-ACCESS-TIMESTAMP (ISO 8601, ms) must be within 30 s of the server's clock.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { errors } from './errors';
import type { Account, OkxState } from './state';

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

export function authenticate(
  state: OkxState,
  req: { method: string; target: string; body: string; headers: IncomingHttpHeaders },
): Account {
  const apiKey = header(req.headers, 'OK-ACCESS-KEY');
  const sign = header(req.headers, 'OK-ACCESS-SIGN');
  const timestamp = header(req.headers, 'OK-ACCESS-TIMESTAMP');
  const passphrase = header(req.headers, 'OK-ACCESS-PASSPHRASE');
  const account = state.accounts.get(apiKey);
  if (!account) throw errors.badKey();

  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(timestamp)) throw errors.badTimestamp();
  const expected = createHmac('sha256', account.seed.secret)
    .update(timestamp + req.method + req.target + req.body)
    .digest('base64');
  if (!same(sign, expected)) throw errors.badSign();
  if (!same(passphrase, account.seed.passphrase)) throw errors.badPassphrase();
  if (Math.abs(state.now() - Date.parse(timestamp)) > MAX_SKEW_MS) throw errors.expired();
  return account;
}
