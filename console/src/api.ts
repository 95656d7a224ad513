// The console API client: every call carries the session's access token as a bearer (no cookies,
// so no CSRF); a 401 ends the session (back to sign-in); an action the API refuses as stale_auth
// (a destructive one long after sign-in) or second_factor_required (a money move) asks for the
// sign-in again, then is retried once.
import type { ActionResult, ApiErrorBody } from './api-types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | undefined>;

/**
 * Refusals a fresh sign-in cures: stale_auth (a destructive action long after sign-in) and
 * second_factor_required (a money move: the sign-in with its TOTP code dates the second factor).
 * Where the pool asks no TOTP the retry is refused the same way, and that refusal is shown.
 */
const REAUTH_CODES: ReadonlySet<string> = new Set(['stale_auth', 'second_factor_required']);

/** where the client gets the token and whom it tells of a 401 (the app's SessionStore) */
export interface TokenSource {
  get(): { accessToken: string } | undefined;
  signOut(): void;
}

export class Api {
  constructor(
    private readonly base: string,
    private readonly session: TokenSource,
    /** shows the sign-in again for a fresh second factor; resolves when done, rejects when given up */
    private readonly reauthenticate: () => Promise<void>,
  ) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  /** a PUT of a JSON body (the admin's plan change) */
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, {}, body);
  }

  /** the CSV answer of an endpoint (Accept: text/csv), as a Blob to save */
  async csv(path: string, query: Query = {}): Promise<Blob> {
    const response = await this.send('GET', path, query, undefined, 'text/csv');
    return response.blob();
  }

  async action(name: string, body: Record<string, unknown>): Promise<ActionResult> {
    try {
      return await this.request<ActionResult>('POST', `/actions/${encodeURIComponent(name)}`, {}, body);
    } catch (error) {
      if (!(error instanceof ApiError) || !REAUTH_CODES.has(error.code)) throw error;
      await this.reauthenticate();
      return this.request<ActionResult>('POST', `/actions/${encodeURIComponent(name)}`, {}, body);
    }
  }

  private async request<T>(method: string, path: string, query: Query, body?: unknown): Promise<T> {
    const response = await this.send(method, path, query, body, 'application/json');
    return (await response.json()) as T;
  }

  private async send(method: string, path: string, query: Query, body: unknown, accept: string): Promise<Response> {
    const session = this.session.get();
    if (!session) throw new ApiError(401, 'signed_out', 'signed out');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query))
      if (value !== undefined && value !== '') params.set(key, String(value));
    const search = params.toString();
    const url = `${this.base}${path}${search ? `?${search}` : ''}`;
    // `cache` typed by hand: the DOM's RequestInit has it, Node's (the unit tests') does not
    const init: RequestInit & { cache?: string } = {
      method,
      headers: {
        Authorization: `Bearer ${session.accessToken}`,
        Accept: accept,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      credentials: 'omit',
      cache: 'no-store',
    };
    const response = await fetch(url, init);
    if (response.ok) return response;
    let parsed: ApiErrorBody = {};
    try {
      parsed = (await response.json()) as ApiErrorBody;
    } catch {
      // no JSON body
    }
    if (response.status === 401) this.session.signOut();
    throw new ApiError(
      response.status,
      parsed.error?.code ?? (response.status === 401 ? 'unauthorized' : `http_${response.status}`),
      parsed.error?.message ?? parsed.message ?? `HTTP ${response.status}`,
      parsed.error?.field,
    );
  }
}

/** the API predates this endpoint (its router answers 404 "no such route"), not a missing record */
export const isMissingRoute = (e: unknown): boolean =>
  e instanceof ApiError && e.status === 404 && /no such route/i.test(e.message);
