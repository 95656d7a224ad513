// A fetch-based client of Cognito user pools' JSON 1.1 API (the requests the AWS SDK would send, by
// hand, so the console ships no SDK): POST to the pool's endpoint, the operation in X-Amz-Target.
// Field names as the Amazon Cognito API reference spells them (InitiateAuth,
// RespondToAuthChallenge, AssociateSoftwareToken, VerifySoftwareToken). No secret is kept here:
// the caller holds the tokens; passwords and codes go to Cognito and nowhere else.

export interface CognitoEndpoint {
  /** e.g. https://cognito-idp.eu-west-1.amazonaws.com/ (or the local stand-in's path) */
  endpoint: string;
  clientId: string;
}

/** Cognito's AuthenticationResult: the tokens after a completed sign-in or a refresh. */
export interface Tokens {
  accessToken: string;
  idToken?: string;
  /** absent after a refresh (Cognito keeps the one it issued) */
  refreshToken?: string;
  /** seconds the access token lives */
  expiresIn: number;
}

/** What a sign-in step leads to: tokens, or a challenge to answer with its session. */
export type AuthStep =
  | { kind: 'tokens'; tokens: Tokens }
  | { kind: 'mfa'; session: string }
  | { kind: 'mfa-setup'; session: string }
  | { kind: 'other-challenge'; challenge: string };

/** Cognito's error answer: its `__type` (e.g. NotAuthorizedException) and message. */
export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CognitoError';
  }
}

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export class CognitoClient {
  constructor(
    private readonly config: CognitoEndpoint,
    private readonly fetcher: Fetch = (input, init) => fetch(input, init),
    /** where a relative endpoint (the local stand-in's path) is resolved */
    private readonly base?: string,
  ) {}

  /** InitiateAuth with USER_PASSWORD_AUTH. */
  async signIn(username: string, password: string): Promise<AuthStep> {
    return step(
      await this.call('InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: this.config.clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
  }

  /** RespondToAuthChallenge SOFTWARE_TOKEN_MFA with the 6-digit code. */
  async answerMfa(username: string, session: string, code: string): Promise<AuthStep> {
    return step(
      await this.call('RespondToAuthChallenge', {
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ClientId: this.config.clientId,
        Session: session,
        ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
      }),
    );
  }

  /** AssociateSoftwareToken for an MFA_SETUP challenge: the TOTP secret to show, and the next session. */
  async beginTotpSetup(session: string): Promise<{ secretCode: string; session: string }> {
    const answer = await this.call('AssociateSoftwareToken', { Session: session });
    const secretCode = str(answer.SecretCode);
    if (!secretCode) throw new CognitoError('InvalidResponse', 'AssociateSoftwareToken gave no SecretCode', 200);
    return { secretCode, session: str(answer.Session) ?? session };
  }

  /** VerifySoftwareToken with the first code, then RespondToAuthChallenge MFA_SETUP with the session it gives. */
  async finishTotpSetup(username: string, session: string, code: string): Promise<AuthStep> {
    const verified = await this.call('VerifySoftwareToken', { Session: session, UserCode: code });
    if (verified.Status !== undefined && verified.Status !== 'SUCCESS')
      throw new CognitoError('CodeMismatchException', 'the code was not accepted', 200);
    return step(
      await this.call('RespondToAuthChallenge', {
        ChallengeName: 'MFA_SETUP',
        ClientId: this.config.clientId,
        Session: str(verified.Session) ?? session,
        ChallengeResponses: { USERNAME: username },
      }),
    );
  }

  /** InitiateAuth with REFRESH_TOKEN_AUTH: a new access token (no new refresh token). */
  async refresh(refreshToken: string): Promise<Tokens> {
    const next = step(
      await this.call('InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: this.config.clientId,
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    );
    if (next.kind !== 'tokens') throw new CognitoError('InvalidResponse', 'the refresh gave no tokens', 200);
    return next.tokens;
  }

  private async call(operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const url = this.base ? new URL(this.config.endpoint, this.base).href : this.config.endpoint;
    const response = await this.fetcher(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
      // the browser must not add the console's cookies or referrer to a call to another origin
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      const value: unknown = text ? JSON.parse(text) : {};
      if (value && typeof value === 'object') parsed = value as Record<string, unknown>;
    } catch {
      // not JSON: handled below by the status
    }
    if (!response.ok) {
      // `__type` may carry a namespace prefix ("com.amazon...#NotAuthorizedException")
      const type = (str(parsed.__type) ?? `HTTP${response.status}`).split('#').pop() ?? 'Unknown';
      const message = str(parsed.message) ?? str(parsed.Message) ?? `sign-in service answered ${response.status}`;
      throw new CognitoError(type, message, response.status);
    }
    return parsed;
  }
}

function step(answer: Record<string, unknown>): AuthStep {
  const result = answer.AuthenticationResult as Record<string, unknown> | undefined;
  if (result && typeof result === 'object') {
    const accessToken = str(result.AccessToken);
    if (!accessToken) throw new CognitoError('InvalidResponse', 'AuthenticationResult gave no AccessToken', 200);
    const idToken = str(result.IdToken);
    const refreshToken = str(result.RefreshToken);
    return {
      kind: 'tokens',
      tokens: {
        accessToken,
        ...(idToken ? { idToken } : {}),
        ...(refreshToken ? { refreshToken } : {}),
        expiresIn: typeof result.ExpiresIn === 'number' ? result.ExpiresIn : 3600,
      },
    };
  }
  const challenge = str(answer.ChallengeName) ?? '';
  const session = str(answer.Session) ?? '';
  if (challenge === 'SOFTWARE_TOKEN_MFA') return { kind: 'mfa', session };
  if (challenge === 'MFA_SETUP') return { kind: 'mfa-setup', session };
  return { kind: 'other-challenge', challenge: challenge || 'none' };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** The otpauth:// URI an authenticator app reads (Google Authenticator's key-uri format). */
export function otpauthUri(secretCode: string, account: string, issuer: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${encodeURIComponent(secretCode)}&issuer=${encodeURIComponent(issuer)}`;
}
