// The signed-in session: tokens in memory and in sessionStorage (gone with the tab; never
// localStorage nor cookies, so nothing outlives the tab and no request carries them implicitly),
// the role read from the access token's cognito:groups, and a refresh shortly before expiry.
import type { CognitoClient, Tokens } from './cognito';

const STORAGE_KEY = 'tvat.console.session';
/** refresh this long before the access token expires */
const REFRESH_AHEAD_MS = 60_000;

export type Role = 'owner' | 'viewer' | 'none';

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
  if (groups.includes('viewer')) return 'viewer';
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

type Listener = (session: Session | undefined) => void;

export class SessionStore {
  private current: Session | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly cognito: CognitoClient) {
    try {
      const stored = sessionStorage.getItem(STORAGE_KEY);
      const parsed = stored ? (JSON.parse(stored) as Session) : undefined;
      if (parsed && typeof parsed.accessToken === 'string' && parsed.expiresAt > Date.now()) this.set(parsed);
      else if (parsed?.refreshToken) void this.refresh(parsed);
    } catch {
      sessionStorage.removeItem(STORAGE_KEY);
    }
  }

  get(): Session | undefined {
    return this.current;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  signedIn(username: string, tokens: Tokens): void {
    this.set(sessionFrom(username, tokens, Date.now(), this.current));
  }

  signOut(): void {
    clearTimeout(this.timer);
    this.current = undefined;
    sessionStorage.removeItem(STORAGE_KEY);
    for (const listener of this.listeners) listener(undefined);
  }

  private set(session: Session): void {
    this.current = session;
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    clearTimeout(this.timer);
    if (session.refreshToken)
      this.timer = setTimeout(
        () => void this.refresh(session),
        Math.max(1_000, session.expiresAt - Date.now() - REFRESH_AHEAD_MS),
      );
    for (const listener of this.listeners) listener(session);
  }

  private async refresh(session: Session): Promise<void> {
    if (!session.refreshToken) return this.signOut();
    try {
      const tokens = await this.cognito.refresh(session.refreshToken);
      const next = sessionFrom(session.username, tokens, Date.now(), session);
      // a refresh does not prove the password again: the sign-in time stays the one Cognito says
      this.set(next);
    } catch {
      this.signOut();
    }
  }
}
