// A minimal OKX v5 client for the tests that talk to the fake without ccxt: signs exactly as OKX's
// "REST Authentication" documents (base64 HMAC-SHA256 of timestamp + method + requestPath + body).
import { createHmac } from 'node:crypto';

export interface OkxKey {
  apiKey: string;
  secret: string;
  passphrase: string;
}

export interface OkxAnswer {
  status: number;
  body: { code: string; msg: string; data: Record<string, unknown>[] };
}

export function okxClient(baseUrl: string, key: OkxKey) {
  const request = async (
    method: 'GET' | 'POST',
    path: string,
    payload?: unknown,
    overrides: { timestamp?: string; secret?: string; passphrase?: string } = {},
  ): Promise<OkxAnswer> => {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const timestamp = overrides.timestamp ?? new Date().toISOString();
    const sign = createHmac('sha256', overrides.secret ?? key.secret)
      .update(timestamp + method + path + body)
      .digest('base64');
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        'Content-Type': 'application/json',
        'OK-ACCESS-KEY': key.apiKey,
        'OK-ACCESS-SIGN': sign,
        'OK-ACCESS-TIMESTAMP': timestamp,
        'OK-ACCESS-PASSPHRASE': overrides.passphrase ?? key.passphrase,
      },
      ...(method === 'POST' ? { body } : {}),
    });
    return { status: res.status, body: (await res.json()) as OkxAnswer['body'] };
  };
  return {
    get: (path: string, overrides?: Parameters<typeof request>[3]) => request('GET', path, undefined, overrides),
    post: (path: string, payload: unknown, overrides?: Parameters<typeof request>[3]) =>
      request('POST', path, payload, overrides),
  };
}
