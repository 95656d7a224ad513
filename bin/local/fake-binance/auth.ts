// Signed-request checks as Binance does them: the X-MBX-APIKEY header names the account, the
// HMAC-SHA256 of the query string concatenated with the body (signature removed) must match, and
// the timestamp must fall inside recvWindow (default 5000 ms) of the server's clock.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { errors } from './errors';
import type { Params } from './order-params';
import type { Account, ExchangeState } from './state';

const MAX_RECV_WINDOW = 60_000;

/** Removes the signature parameter from a raw query or body, returning both parts. */
function splitSignature(raw: string): { rest: string; signature?: string } {
  const parts = raw === '' ? [] : raw.split('&');
  const kept: string[] = [];
  let signature: string | undefined;
  for (const part of parts) {
    if (!part.startsWith('signature=')) kept.push(part);
    else
      signature = part
        .slice('signature='.length)
        .replace(/%[0-9a-fA-F]{2}/g, (hex) => String.fromCharCode(parseInt(hex.slice(1), 16)));
  }
  return { rest: kept.join('&'), signature };
}

export interface SignedRequest {
  apiKey: string | undefined;
  rawQuery: string;
  rawBody: string;
  params: Params;
}

export function authenticate(state: ExchangeState, req: SignedRequest): Account {
  if (req.apiKey === undefined || req.apiKey === '') throw errors.badKeyFormat();
  const account = state.accounts.get(req.apiKey);
  if (!account) throw errors.badKey();

  const query = splitSignature(req.rawQuery);
  const body = splitSignature(req.rawBody);
  const signature = query.signature ?? body.signature;
  if (signature === undefined) throw errors.mandatory('signature');
  const expected = createHmac('sha256', account.secret)
    .update(query.rest + body.rest)
    .digest('hex');
  const given = Buffer.from(signature.toLowerCase());
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) throw errors.badSignature();

  const timestampText = req.params.timestamp;
  if (timestampText === undefined || !/^\d+$/.test(timestampText)) throw errors.mandatory('timestamp');
  const recvWindowText = req.params.recvWindow;
  const recvWindow = recvWindowText === undefined ? 5000 : Number(recvWindowText);
  if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > MAX_RECV_WINDOW)
    throw errors.invalidParam('recvWindow');
  const timestamp = Number(timestampText);
  const serverTime = state.now();
  if (timestamp >= serverTime + 1000) throw errors.timestampAhead();
  if (serverTime - timestamp > recvWindow) throw errors.timestampOutside();
  return account;
}
