// A minimal Bybit v5 client for the tests that talk to the fake without ccxt: signs exactly as Bybit's
// v5 Authentication documents (hex HMAC-SHA256 of timestamp + apiKey + recvWindow + queryString for a
// GET, + the JSON body for a POST).
import { createHmac } from 'node:crypto';

export interface BybitKey {
  apiKey: string;
  secret: string;
}

export interface BybitAnswer {
  status: number;
  body: { retCode: number; retMsg: string; result: Record<string, unknown>; retExtInfo: unknown; time: number };
}

const RECV_WINDOW = '5000';

export function bybitClient(baseUrl: string, key: BybitKey) {
  const request = async (
    method: 'GET' | 'POST',
    path: string,
    payload: Record<string, unknown> | undefined,
    overrides: { timestamp?: string; secret?: string } = {},
  ): Promise<BybitAnswer> => {
    const query = method === 'GET' && payload ? new URLSearchParams(payload as Record<string, string>).toString() : '';
    const body = method === 'POST' ? JSON.stringify(payload ?? {}) : '';
    const timestamp = overrides.timestamp ?? String(Date.now());
    const sign = createHmac('sha256', overrides.secret ?? key.secret)
      .update(timestamp + key.apiKey + RECV_WINDOW + (method === 'POST' ? body : query))
      .digest('hex');
    const res = await fetch(baseUrl + path + (query ? `?${query}` : ''), {
      method,
      headers: {
        'Content-Type': 'application/json',
        'X-BAPI-API-KEY': key.apiKey,
        'X-BAPI-SIGN': sign,
        'X-BAPI-TIMESTAMP': timestamp,
        'X-BAPI-RECV-WINDOW': RECV_WINDOW,
      },
      ...(method === 'POST' ? { body } : {}),
    });
    return { status: res.status, body: (await res.json()) as BybitAnswer['body'] };
  };
  return {
    get: (path: string, query?: Record<string, string>, overrides?: Parameters<typeof request>[3]) =>
      request('GET', path, query, overrides),
    post: (path: string, payload: Record<string, unknown>, overrides?: Parameters<typeof request>[3]) =>
      request('POST', path, payload, overrides),
  };
}
