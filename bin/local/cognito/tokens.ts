// The pool's tokens, with Amazon Cognito's claim sets
// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
// and ...-using-the-id-token.html): RS256 JWTs whose kid names the key in the pool's JWKS
// (<issuer>/.well-known/jwks.json). Refresh tokens are opaque random strings, stored hashed.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  randomUUID,
  sign,
  type KeyObject,
} from 'node:crypto';
import type { Jwks } from '../../../shared/platform/jwt-verifier';
import type { StoredUser } from './pool-store';

/** The scope Cognito grants to tokens from InitiateAuth: the user's own pool API calls. */
export const COGNITO_ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

export interface IssuedTokens {
  AccessToken: string;
  IdToken: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
}

export class TokenSigner {
  private readonly privateKey: KeyObject;
  readonly kid: string;
  readonly jwks: Jwks;

  constructor(privateKeyPem: string) {
    this.privateKey = createPrivateKey(privateKeyPem);
    const jwk = createPublicKey(this.privateKey).export({ format: 'jwk' });
    // A stable kid: the key's own fingerprint, so tokens of an earlier start still verify.
    this.kid = createHash('sha256').update(String(jwk.n)).digest('base64url').slice(0, 32);
    this.jwks = { keys: [{ kid: this.kid, alg: 'RS256', kty: 'RSA', use: 'sig', n: jwk.n, e: jwk.e }] };
  }

  issue(
    user: StoredUser,
    context: {
      issuer: string;
      clientId: string;
      /** the sign-in's id, kept by refreshed tokens: GlobalSignOut revokes by it */
      originJti: string;
      authTime: number;
      nowSeconds: number;
      lifetimeSeconds: number;
    },
  ): IssuedTokens {
    const { issuer, clientId, originJti, authTime, nowSeconds, lifetimeSeconds } = context;
    const eventId = randomUUID();
    const groups = user.groups.length ? { 'cognito:groups': [...user.groups] } : {};
    const common = { sub: user.sub, ...groups, iss: issuer, origin_jti: originJti, event_id: eventId };
    const times = { auth_time: authTime, exp: nowSeconds + lifetimeSeconds, iat: nowSeconds };
    const access = {
      ...common,
      client_id: clientId,
      token_use: 'access',
      scope: COGNITO_ADMIN_SCOPE,
      ...times,
      jti: randomUUID(),
      username: user.username,
    };
    const id = {
      ...common,
      email_verified: true,
      'cognito:username': user.username,
      aud: clientId,
      token_use: 'id',
      ...times,
      jti: randomUUID(),
      email: user.email,
    };
    return { AccessToken: this.sign(access), IdToken: this.sign(id), ExpiresIn: lifetimeSeconds, TokenType: 'Bearer' };
  }

  private sign(claims: Record<string, unknown>): string {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part({ kid: this.kid, alg: 'RS256' })}.${part(claims)}`;
    return `${input}.${sign('RSA-SHA256', Buffer.from(input), this.privateKey).toString('base64url')}`;
  }
}

export const newRefreshToken = (): string => randomBytes(48).toString('base64url');
export const newSession = (): string => randomBytes(96).toString('base64url');
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');
