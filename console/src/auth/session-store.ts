// The signed-in session kept: in memory and in sessionStorage (gone with the tab; never
// localStorage nor cookies, so nothing outlives the tab and no request carries a token implicitly),
// refreshed shortly before the access token expires; a failed refresh signs out.
import type { CognitoClient, Tokens } from './cognito';
import { sessionFrom, type Session } from './session';

const STORAGE_KEY = 'tvat.console.session';
/** refresh this long before the access token expires */
const REFRESH_AHEAD_MS = 60_000;

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
