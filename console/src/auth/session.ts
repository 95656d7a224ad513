// The signed-in session as the console keeps it: the tokens, when they expire, and the role read
// from the access token's cognito:groups (pure; session-store.ts keeps it and refreshes it).
import type { Tokens } from './cognito';

/** 'admin': the deployment's admin (every tenant's plan, members, usage; no tenant's data) */
export type Role = 'owner' | 'trader' | 'viewer' | 'admin' | 'none';

export interface Session {
  username: string;
  accessToken: string;
  refreshToken?: string;
  /** epoch ms */
  expiresAt: number;
  role: Role;
  /** the token's auth_time (epoch ms): when the password (and code) were last given */
  authTime: number;
}

/** The JWT's payload (not verified here: the API's authorizer verifies; this only reads the role). */
export function claimsOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const base64 = part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '=');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** owner wins over viewer; groups as an array (the token) or "[a b]" / "a,b" (as API Gateway flattens them). */
export function roleOf(claims: Record<string, unknown>): Role {
  const raw = claims['cognito:groups'];
  const groups = Array.isArray(raw)
    ? raw.map(String)
    : typeof raw === 'string'
      ? raw.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  if (groups.includes('owner')) return 'owner';
  if (groups.includes('trader')) return 'trader';
  if (groups.includes('viewer')) return 'viewer';
  // last, as the API ranks it: a tenant role is the stronger claim on what the console shows
  if (groups.includes('admin')) return 'admin';
  return 'none';
}

export function sessionFrom(username: string, tokens: Tokens, now: number, previous?: Session): Session {
  const claims = claimsOf(tokens.accessToken);
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : now + tokens.expiresIn * 1000;
  const authTime = typeof claims.auth_time === 'number' ? claims.auth_time * 1000 : now;
  const refreshToken = tokens.refreshToken ?? previous?.refreshToken;
  return {
    username,
    accessToken: tokens.accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    expiresAt: Math.min(exp, now + tokens.expiresIn * 1000),
    role: roleOf(claims),
    authTime,
  };
}
