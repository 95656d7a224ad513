// Signed-request checks as Bybit documents them (v5 "Integration Guidance", Authentication):
// X-BAPI-API-KEY names the key; X-BAPI-SIGN must be hex(HMAC-SHA256(timestamp + apiKey + recvWindow
// + queryString, secret)) for a GET and the same over the raw JSON body for a POST; the request is
// refused (10002) unless server_time − recv_window ≤ timestamp < server_time + 1000.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { errors } from './errors';
import type { Account, BybitState } from './state';

/** Bybit's default recv_window when the header is absent (docs: "5000 by default"). */
const DEFAULT_RECV_WINDOW = 5000;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

function required(headers: IncomingHttpHeaders, name: string): string {
  const text = header(headers, name);
  if (text === undefined) throw errors.missingHeader(name);
  return text;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authenticate(
  state: BybitState,
  req: { method: string; target: string; body: string; headers: IncomingHttpHeaders },
): Account {
  const apiKey = required(req.headers, 'X-BAPI-API-KEY');
  const sign = required(req.headers, 'X-BAPI-SIGN');
  const timestamp = required(req.headers, 'X-BAPI-TIMESTAMP');
  const recvWindow = header(req.headers, 'X-BAPI-RECV-WINDOW') ?? String(DEFAULT_RECV_WINDOW);
  const account = state.accounts.get(apiKey);
  if (!account) throw errors.badKey();

  const query = req.target.includes('?') ? req.target.slice(req.target.indexOf('?') + 1) : '';
  const payload = timestamp + apiKey + recvWindow + (req.method === 'POST' ? req.body : query);
  const expected = createHmac('sha256', account.seed.secret).update(payload).digest('hex');
  if (!same(sign.toLowerCase(), expected)) throw errors.badSign();
  const ts = Number(timestamp);
  const window = Number(recvWindow);
  const now = state.now();
  if (!Number.isInteger(ts) || !Number.isFinite(window) || ts < now - window || ts >= now + 1000)
    throw errors.timeWindow();
  return account;
}
