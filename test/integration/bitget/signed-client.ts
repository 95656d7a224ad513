// A minimal Bitget v2 client for the tests that talk to the fake without ccxt: signs exactly as
// Bitget's "Signature" page documents (base64 HMAC-SHA256 of timestamp + METHOD + requestPath +
// "?" + queryString + body; no "?" without a query).
import { createHmac } from 'node:crypto';

export interface BitgetKey {
  apiKey: string;
  secret: string;
  passphrase: string;
}

export interface BitgetAnswer {
  status: number;
  body: { code: string; msg: string; requestTime: number; data: unknown };
}

export interface Overrides {
  timestamp?: string;
  secret?: string;
  passphrase?: string;
}

export function bitgetClient(baseUrl: string, key: BitgetKey) {
  const request = async (
    method: 'GET' | 'POST',
    path: string,
    payload?: unknown,
    overrides: Overrides = {},
  ): Promise<BitgetAnswer> => {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const timestamp = overrides.timestamp ?? String(Date.now());
    const sign = createHmac('sha256', overrides.secret ?? key.secret)
      .update(timestamp + method + path + body)
      .digest('base64');
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        'Content-Type': 'application/json',
        'ACCESS-KEY': key.apiKey,
        'ACCESS-SIGN': sign,
        'ACCESS-TIMESTAMP': timestamp,
        'ACCESS-PASSPHRASE': overrides.passphrase ?? key.passphrase,
      },
      ...(method === 'POST' ? { body } : {}),
    });
    return { status: res.status, body: (await res.json()) as BitgetAnswer['body'] };
  };
  return {
    get: (path: string, overrides?: Overrides) => request('GET', path, undefined, overrides),
    post: (path: string, payload: unknown, overrides?: Overrides) => request('POST', path, payload, overrides),
  };
}
